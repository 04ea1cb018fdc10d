"""``flask export-fhir [--since ISO] [--out FILE]``: the answers as FHIR NDJSON, streamed.

One resource a line (FHIR Bulk Data's format): each patient's `Patient` before its first
Observation, then the Observations as ``GET /api/v1/fhir/Observation`` gives them. Rows are
read in batches (a server-side cursor on PostgreSQL), and each is let go once written, so
memory stays flat however many answers there are; on a terminal the count goes to standard
error as it grows.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import TextIO

import click
from flask import current_app
from flask.cli import with_appcontext

from recovery.api.fhir import answered_check_ins, observations, patient_resource
from recovery.patients.validation import parse_instant
from recovery.runtime import Runtime, utc_now
from recovery.staff.audit import record_event

PROGRESS_EVERY = 1000


@click.command("export-fhir")
@click.option("--since", default=None, help="Only what changed since this ISO 8601 instant.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write here instead of standard output.",
)
@with_appcontext
def export_fhir_command(since: str | None, out: str | None) -> None:
    """Write every recorded answer as FHIR Observations (with their Patients) in NDJSON."""
    try:
        start = parse_instant(since) if since else None
    except ValueError as problem:
        raise click.ClickException(f"--since: {problem}") from None
    runtime: Runtime = current_app.extensions["recovery"]
    if out is None:
        written, patients = _export(runtime, start, sys.stdout, show_progress=False)
    else:
        with open(out, "w", encoding="utf-8") as stream:
            written, patients = _export(runtime, start, stream, show_progress=sys.stderr.isatty())
    with runtime.transaction() as session:
        record_event(
            session,
            actor="cli",
            action="fhir.export",
            record_type="patient",
            record_id=None,
            now=utc_now(),
            detail={"patients": patients, "resources": written},
        )
    click.echo(f"Exported {written} FHIR resources for {patients} patients", err=True)


def _export(
    runtime: Runtime, since: datetime | None, stream: TextIO, *, show_progress: bool
) -> tuple[int, int]:
    written = 0
    seen: set[int] = set()
    with runtime.sessions() as session:
        for answered in answered_check_ins(session, patient_ids=None, since=since):
            if answered.patient.id not in seen:
                seen.add(answered.patient.id)
                stream.write(
                    json.dumps(patient_resource(answered.patient, runtime.settings)) + "\n"
                )
                written += 1
            for resource in observations(answered, runtime.settings):
                stream.write(json.dumps(resource) + "\n")
                written += 1
            if show_progress and written % PROGRESS_EVERY < 3:
                click.echo(f"\r{written} resources", nl=False, err=True)
            # Nothing to expunge: the session holds unchanged rows weakly, so a written
            # check-in is let go (and emptying the session would end the batched read).
    return written, len(seen)
