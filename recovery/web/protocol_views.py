"""The protocol editor: each save is a new version, and active enrollments are re-planned."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from recovery.models import Protocol
from recovery.protocols.definitions import (
    PLACEHOLDERS,
    TEXT_KEYS,
    ProtocolError,
    latest_version,
    parse_definition,
    save_version,
    spec_of,
    used_step_keys,
)
from recovery.protocols.replanning import replan
from recovery.protocols.segments import GSM7_BASIC, GSM7_EXTENDED
from recovery.protocols.step_keys import assign_step_keys
from recovery.protocols.wording import how_often
from recovery.requests import db
from recovery.runtime import utc_now
from recovery.staff.audit import record_event
from recovery.web import access
from recovery.web.protocol_form import ProtocolForm, error_fields

blueprint = Blueprint("protocols", __name__, url_prefix="/admin")
TEXT_LABELS = {
    "welcome": "Welcome",
    "check_in": "Check-in",
    "ask_activity": "Activity question",
    "thanks": "Thanks",
    "reminder_pain": "Reminder, pain",
    "reminder_activity": "Reminder, activity",
    "reprompt_pain": "Re-prompt, pain",
    "reprompt_activity": "Re-prompt, activity",
    "urgent_advice": "Urgent advice",
    "received": "Message received",
    "help": "Help",
    "opt_out_confirmation": "Opt-out confirmation",
    "opt_in_confirmation": "Opt-in confirmation",
    "unknown_number": "Unknown number",
    "on_call": "On-call page",
}
SETTING_LABELS = {
    "reminder_after_hours": "Reminder after (hours)",
    "missed_after_reminder_hours": "Missed after the reminder (hours)",
    "latest_lateness_hours": "Latest lateness (hours)",
    "late_answer_hours": "Late answers accepted for (hours)",
    "validity_period_seconds": "Texts expire unsent after (seconds)",
    "escalation_repeat_minutes": "Page on-call again after (minutes)",
}
THRESHOLD_LABELS = {
    "severe_pain": "Severe pain at score",
    "worsening_pain_points": "Worsening pain rise (points)",
    "persistent_pain": "Persistent pain at score",
    "persistent_pain_after_hours": "Persistent pain from (hours)",
    "not_improving_points": "Not improving: drop below (points)",
    "not_improving_percent": "Not improving: drop below (percent)",
    "not_improving_at_hours": "Not improving checked at (hours)",
    "limited_mobility_activity": "Limited mobility at activity level",
    "limited_mobility_after_hours": "Limited mobility from (hours)",
}
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def _sample() -> dict[str, str]:
    settings = current_app.extensions["recovery"].settings
    return {
        "first_name": "Maria",
        "clinic_name": settings.clinic_name,
        "clinic_phone": settings.clinic_phone,
        "initials": "M.L.",
        "flag_url": f"{settings.public_base_url}/flags/123",
        # The welcome of a full two-step follow-up (the English words stand in for both).
        **how_often("en", texts=2, days=2),
    }


def _protocols() -> list[Protocol]:
    names = db().scalars(select(Protocol.name).distinct().order_by(Protocol.name)).all()
    return [version for name in names if (version := latest_version(db(), name)) is not None]


def _chosen(protocols: list[Protocol], name: str | None) -> Protocol:
    if not protocols:
        abort(404)
    if name is None:
        return protocols[0]
    for protocol in protocols:
        if protocol.name == name:
            return protocol
    abort(404)


def _render(
    current: Protocol, form: ProtocolForm, errors: dict[str, str], status: int = 200
) -> ResponseReturnValue:
    sample = _sample()
    fields = form.text_fields(sample)
    page = render_template(
        "protocols.html",
        protocols=_protocols(),
        current=current,
        form=form,
        errors=errors,
        text_rows=[(key, [f for f in fields if f.key == key]) for key in TEXT_KEYS],
        text_labels=TEXT_LABELS,
        setting_labels=SETTING_LABELS,
        threshold_labels=THRESHOLD_LABELS,
        language_names=LANGUAGE_NAMES,
        placeholders=PLACEHOLDERS,
        sample_json=json.dumps(sample),
        gsm_json=json.dumps(
            {"basic": "".join(sorted(GSM7_BASIC)), "extended": "".join(sorted(GSM7_EXTENDED))}
        ),
    )
    return page, status


@blueprint.get("/protocols")
def index() -> ResponseReturnValue:
    """Each protocol's latest version; the chosen one in the editor."""
    current = _chosen(_protocols(), request.args.get("name"))
    return _render(current, ProtocolForm.of(current.definition), {})


def _checked(current: Protocol) -> tuple[ProtocolForm, dict[str, Any], dict[str, str]]:
    """The posted form, the definition it makes, and its errors by field.

    An edited step keeps its key; a new one gets a key no version of the protocol had.
    """
    form, origins = ProtocolForm.read(request.form, current.name)
    definition = form.definition(current.definition)
    definition["steps"] = assign_step_keys(
        definition["steps"],
        current={step.key for step in spec_of(current).steps},
        used=used_step_keys(db(), current.name),
    )
    try:
        parse_definition(definition)
    except ProtocolError as invalid:
        return form, definition, error_fields(invalid.fields, origins)
    return form, definition, {}


@blueprint.post("/protocols/<name>")
def save(name: str) -> ResponseReturnValue:
    """Check and save the edited protocol as a new version, then re-plan its enrollments."""
    current = _chosen(_protocols(), name)
    form, definition, errors = _checked(current)
    if errors:
        return _render(current, form, errors, 400)
    session, now, actor = db(), utc_now(), access.actor()
    version = save_version(session, definition, actor=actor, now=now)
    if version.id == current.id:
        flash("Nothing was changed, so no new version was saved.", "info")
        return redirect(url_for(".index", name=name))
    count = replan(session, version, actor=actor, now=now)
    record_event(
        session,
        actor=actor,
        action="protocol.save",
        record_type="protocol",
        record_id=version.id,
        now=now,
        detail={"name": version.name, "version": version.version, "replanned": count},
    )
    session.commit()
    flash(
        f"Saved {version.name} version {version.version}; {count} active enrollment(s) re-planned.",
        "info",
    )
    return redirect(url_for(".index", name=name))
