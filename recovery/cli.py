"""The command line (SPEC 6.3): ``flask --app recovery COMMAND``."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from config.settings import PROTOCOLS_DIR
from recovery.api.documents import iso
from recovery.api.fhir import answered_check_ins, observations, patient_resource
from recovery.db import upgrade_database
from recovery.demo import ADMIN, NURSE, PATIENTS, is_seeded, seed_demo
from recovery.models import Enrollment, Patient
from recovery.patients.enrollment import enroll
from recovery.patients.erasure import ErasureRefused, erase_patient
from recovery.patients.export import export_patient
from recovery.patients.holdings import UnknownPatient, find_patient
from recovery.patients.identity import EnrollmentConflict
from recovery.patients.imports import UnreadableImport, import_rows, read_rows
from recovery.patients.retention import COUNTED, purge_expired
from recovery.patients.validation import EnrollmentRequest, InvalidRequest, parse_instant
from recovery.protocols.definitions import ProtocolError, default_definitions, load_defaults
from recovery.runtime import Runtime, utc_now
from recovery.staff.accounts import AccountError, create_user
from recovery.staff.tokens import create_token

CLI_ACTOR = "cli"
# How enrollment fields are called on the command line, for error messages.
OPTION_NAMES = {
    "patient.name": "--name",
    "patient.phone": "--phone",
    "patient.language": "--language",
    "patient.timezone": "--timezone",
    "patient.mrn": "--mrn",
    "patient.sms_consent": "--consent",
    "procedure.kind": "--procedure",
    "procedure.performed_at": "--performed-at",
    "procedure.baseline_pain": "--baseline-pain",
    "procedure.levels": "--levels",
    "protocol": "--protocol",
}


def runtime() -> Runtime:
    """The runtime of the app the command runs in."""
    found: Runtime = current_app.extensions["recovery"]
    return found


@click.command("init-db")
@with_appcontext
@click.option(
    "--protocols",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=PROTOCOLS_DIR,
    show_default=True,
    help="The directory of protocol files (*.json) to load.",
)
def init_db_command(directory: Path) -> None:
    """Create or upgrade the database schema and load the default protocols.

    Every protocol file is checked first (its shape and the limits of each setting): one that
    cannot be used stops the command with a line naming the file and the field, before the
    schema or any protocol is touched.
    """
    rt = runtime()
    try:
        default_definitions(directory)
        upgrade_database(rt.engine)
        with rt.transaction() as session:
            protocols = load_defaults(session, now=utc_now(), directory=directory)
    except ProtocolError as invalid:
        raise click.ClickException(f"a protocol file cannot be used: {invalid}") from None
    names = ", ".join(f"{p.name} v{p.version}" for p in protocols)
    click.echo(f"Database is ready ({rt.engine.url.render_as_string()}); protocols: {names}")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice(["nurse", "admin"]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email: str, role: str, password: str) -> None:
    """Create a staff account (asks for the password when not given)."""
    try:
        with runtime().transaction() as session:
            user = create_user(session, email, role, password, actor=CLI_ACTOR, now=utc_now())
    except AccountError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Created {user.role.value} {user.email}")


@click.command("create-api-token")
@with_appcontext
@click.argument("name")
def create_api_token_command(name: str) -> None:
    """Create an API token and print it (it is shown only this once)."""
    try:
        with runtime().transaction() as session:
            _row, token = create_token(session, name, actor=CLI_ACTOR, now=utc_now())
    except ValueError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(token)


@click.command("enroll")
@with_appcontext
@click.option("--name", required=True, help="Patient's full name.")
@click.option("--phone", required=True, help="Mobile number, any format.")
@click.option("--performed-at", required=True, help="Procedure time, ISO 8601 with offset.")
@click.option("--consent", is_flag=True, help="Staff confirmed the patient agreed to texts.")
@click.option("--language", default="en", show_default=True)
@click.option("--timezone", default=None, help="IANA timezone (default: DEFAULT_TIMEZONE).")
@click.option("--protocol", default="vertebroplasty", show_default=True)
@click.option("--procedure", default="vertebroplasty", show_default=True)
@click.option("--baseline-pain", default=None)
@click.option("--levels", default=None)
@click.option("--mrn", default=None)
def enroll_command(**options: str) -> None:
    """Enroll one patient and print the enrollment id and its check-ins."""
    request = EnrollmentRequest(
        name=options["name"],
        phone=options["phone"],
        performed_at=options["performed_at"],
        sms_consent=bool(options["consent"]),
        language=options["language"],
        timezone=options["timezone"],
        protocol=options["protocol"],
        procedure_kind=options["procedure"],
        baseline_pain=options["baseline_pain"],
        levels=options["levels"],
        mrn=options["mrn"],
    )
    rt = runtime()
    try:
        with rt.transaction() as session:
            result = enroll(
                session, request, clinic=rt.clinic, actor=CLI_ACTOR, source="cli", now=utc_now()
            )
            lines = describe_enrollment(result.enrollment, is_new=result.is_new)
    except EnrollmentConflict as conflict:
        raise click.ClickException(f"not enrolled: {conflict.message}") from None
    except InvalidRequest as invalid:
        raise click.ClickException(describe_fields(invalid)) from None
    click.echo("\n".join(lines))


def describe_enrollment(enrollment: Enrollment, *, is_new: bool) -> list[str]:
    """The enrollment id and each check-in's due time in the patient's timezone."""
    zone = ZoneInfo(enrollment.patient.timezone)
    heading = "Enrollment" if is_new else "Already enrolled as enrollment"
    lines = [f"{heading} {enrollment.id} (patient {enrollment.patient.id})"]
    lines += [
        f"  check-in {c.label}: due {iso(c.due_at, zone)} ({c.status.value})"
        for c in enrollment.check_ins
    ]
    return lines


def describe_fields(invalid: InvalidRequest) -> str:
    """One line naming each bad option and why."""
    parts = [f"{OPTION_NAMES.get(key, key)}: {why}" for key, why in invalid.fields.items()]
    return "; ".join(parts) or invalid.message


@click.command("import-enrollments")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_enrollments_command(path: str) -> None:
    """Enroll every valid row of a CSV file; report each bad row; exit 1 if any failed."""
    try:
        total, rows = read_rows(path)
    except UnreadableImport as problem:
        raise click.ClickException(str(problem)) from None
    with progress(total) as advance:
        report = import_rows(runtime(), rows, actor=CLI_ACTOR, on_row=advance)
    for line_number, reason in report.failures:
        click.echo(f"line {line_number}: {reason}", err=True)
    click.echo(
        f"Enrolled {report.enrolled} of {report.rows} rows"
        + (f"; {report.already} already enrolled" if report.already else "")
        + (f"; {len(report.failures)} failed" if report.failures else "")
    )
    if report.failures or report.rows == 0:
        sys.exit(1)


@contextmanager
def progress(total: int) -> Iterator[Callable[[], None]]:
    """Show rows done on stderr: a bar on a terminal, else a line every tenth of the file."""
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
            yield lambda: bar.update(1)
        return
    click.echo(f"Importing {total} rows", err=True)
    step = max(1, total // 10)
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        if done % step == 0 or done == total:
            click.echo(f"  {done}/{total} rows done", err=True)

    yield advance


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo accounts and patients once (never in production)."""
    rt = runtime()
    if rt.settings.is_production or rt.settings.sms_backend != "console":
        raise click.ClickException(
            "demo data is only for the console SMS backend, not for production"
        )
    if not is_seeded(rt):
        seed_demo(rt, now=utc_now())
        click.echo(f"Demo data created: {len(PATIENTS)} patients")
    click.echo(f"Demo logins: nurse {NURSE[0]} / {NURSE[1]}, admin {ADMIN[0]} / {ADMIN[1]}")


def operator() -> str:
    """Who runs this command, for the audit log: the operating-system user."""
    try:
        return f"{CLI_ACTOR}:{getpass.getuser()}"
    except (OSError, KeyError):  # no user name in the environment or the password database
        return CLI_ACTOR


def patient_options(command: Callable[..., None]) -> Callable[..., None]:
    """The patient, by id (an argument) or by ``--mrn``."""
    command = click.argument("patient_id", type=int, required=False)(command)
    return click.option("--mrn", default=None, help="The patient's MRN, instead of the id.")(
        command
    )


def chosen_patient(session: Session, patient_id: int | None, mrn: str | None) -> Patient:
    """The patient the command names; a one-line error otherwise."""
    if (patient_id is None) == (mrn is None):
        raise click.ClickException("name the patient by ID or by --mrn (one of the two)")
    try:
        return find_patient(session, patient_id=patient_id, mrn=mrn)
    except UnknownPatient as unknown:
        raise click.ClickException(str(unknown)) from None


@click.command("export-patient")
@with_appcontext
@patient_options
def export_patient_command(patient_id: int | None, mrn: str | None) -> None:
    """Print everything held about one patient as JSON (audited as a view)."""
    with runtime().transaction() as session:
        patient = chosen_patient(session, patient_id, mrn)
        document = export_patient(session, patient, actor=operator(), now=utc_now())
        settings = runtime().settings
        document["fhir"] = [patient_resource(patient, settings)] + [
            resource
            for answered in answered_check_ins(session, patient_ids=[patient.id], since=None)
            for resource in observations(answered, settings)
        ]
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@click.command("erase-patient")
@with_appcontext
@patient_options
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def erase_patient_command(patient_id: int | None, mrn: str | None, reason: str) -> None:
    """Erase one patient and everything held about them (refused while a follow-up is active)."""
    try:
        with runtime().transaction() as session:
            patient = chosen_patient(session, patient_id, mrn)
            erased = erase_patient(session, patient, actor=operator(), reason=reason, now=utc_now())
    except ErasureRefused as refused:
        raise click.ClickException(f"not erased: {refused}") from None
    counts = erased.counts()
    click.echo(
        f"Erased patient {erased.patient_id}: "
        + ", ".join(f"{counts[kind]} {kind.replace('_', '-')}" for kind in COUNTED[1:])
    )


@click.command("purge-expired")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Say what would be deleted; delete nothing.")
@click.option("--at", "at", default=None, help="Purge as of this ISO 8601 instant.")
def purge_expired_command(dry_run: bool, at: str | None) -> None:
    """Delete the patients whose every follow-up ended more than RETENTION_DAYS ago."""
    try:
        now = parse_instant(at) if at else utc_now()
    except ValueError as problem:
        raise click.ClickException(f"--at: {problem}") from None
    rt = runtime()
    days = rt.settings.retention_days
    if days is None:
        click.echo("RETENTION_DAYS is not set: everything is kept, nothing was purged")
        return
    # A dry run reads in a session that is never committed.
    with rt.sessions() if dry_run else rt.transaction() as session:
        purge = purge_expired(session, days=days, now=now, actor=operator(), dry_run=dry_run)
    counts = ", ".join(f"{purge.counts[kind]} {kind.replace('_', '-')}" for kind in COUNTED)
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{verb} {counts} (follow-ups ended before {purge.cutoff.isoformat()})")


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (
        init_db_command,
        create_user_command,
        create_api_token_command,
        enroll_command,
        import_enrollments_command,
        seed_demo_command,
        export_patient_command,
        erase_patient_command,
        purge_expired_command,
    ):
        app.cli.add_command(command)
