"""The JSON API for integrations (SPEC 6.4), behind bearer tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from recovery.api.documents import enrollment_document, flag_document
from recovery.api.openapi import OPENAPI
from recovery.flags.lifecycle import (
    FlagTransitionError,
    InvalidNote,
    acknowledge,
    check_note,
    resolve,
)
from recovery.flags.worklist import flag_age_minutes, worklist
from recovery.models import Enrollment, Flag
from recovery.patients.enrollment import enroll
from recovery.patients.identity import EnrollmentConflict
from recovery.patients.validation import EnrollmentRequest, InvalidRequest
from recovery.requests import db
from recovery.runtime import utc_now
from recovery.staff.tokens import find_token
from recovery.states import FlagStatus

API_PREFIX = "/api/"
blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC_ENDPOINTS = {"api.openapi"}
MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL; a larger one names nothing


def error(status: int, message: str, fields: dict[str, str] | None = None) -> ResponseReturnValue:
    """A JSON error body with a status code."""
    body: dict[str, Any] = {"error": message}
    if fields is not None:
        body["fields"] = fields
    return jsonify(body), status


@blueprint.before_request
def require_token() -> ResponseReturnValue | None:
    """Refuse requests without a live bearer token."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    row = find_token(db(), token.strip()) if scheme.lower() == "bearer" else None
    if row is None:
        response = jsonify(error="a valid API token is required (Authorization: Bearer <token>)")
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response, 401
    row.last_used_at = utc_now()
    db().commit()
    g.actor = f"token:{row.id}:{row.name}"
    return None


@blueprint.errorhandler(HTTPException)
def http_error(exception: HTTPException) -> ResponseReturnValue:
    """JSON, not HTML, for errors under /api (keeping headers such as Allow)."""
    message = exception.description or exception.name
    if isinstance(exception, RequestEntityTooLarge) and request.max_content_length:
        message = f"the request body is larger than {request.max_content_length // 1024} KB"
    response = jsonify(error=message)
    for name, value in exception.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, exception.code or 500


@blueprint.before_app_request
def refuse_unknown_routes() -> ResponseReturnValue | None:
    """JSON 404 and 405 for URLs under /api that match no route or not with this method.

    Routing fails before any blueprint is chosen, so the blueprint's error handler never
    sees these; the app-wide hook answers them before the HTML error pages can.
    """
    failure = request.routing_exception
    if not request.path.startswith(API_PREFIX):
        return None
    if isinstance(failure, MethodNotAllowed):
        failure.description = f"{request.method} is not allowed on {request.path}"
        return http_error(failure)
    if isinstance(failure, NotFound):
        failure.description = f"there is no {request.path} in this API (see /api/v1/openapi.json)"
        return http_error(failure)
    return None


def json_body() -> Any:
    """The request body read as JSON whatever its Content-Type, or None if it is not JSON."""
    return request.get_json(force=True, silent=True)


def _object(value: Any, key: str, fields: dict[str, str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        fields[key] = "must be an object"
        return {}
    return value


def request_from_json(body: Any) -> EnrollmentRequest:
    """Read an enrollment request body; raise InvalidRequest when its shape is wrong."""
    if not isinstance(body, dict):
        raise InvalidRequest({}, "the request body must be a JSON object")
    fields: dict[str, str] = {}
    patient = _object(body.get("patient"), "patient", fields)
    procedure = _object(body.get("procedure"), "procedure", fields)
    if "patient" not in body:
        fields["patient"] = "is required"
    if fields:
        raise InvalidRequest(fields)
    return EnrollmentRequest(
        name=patient.get("name"),
        phone=patient.get("phone"),
        language=patient.get("language"),
        timezone=patient.get("timezone"),
        mrn=patient.get("mrn"),
        sms_consent=patient.get("sms_consent"),
        procedure_kind=procedure.get("kind"),
        performed_at=procedure.get("performed_at"),
        levels=procedure.get("levels"),
        baseline_pain=procedure.get("baseline_pain"),
        protocol=body.get("protocol"),
    )


@blueprint.post("/enrollments")
def create_enrollment() -> ResponseReturnValue:
    """Enroll a patient; 201 with the enrollment, 400 naming every bad field, 409 naming the
    active follow-up already on the phone."""
    session = db()
    clinic = current_app.extensions["recovery"].clinic
    try:
        body = request_from_json(json_body())
        result = enroll(session, body, clinic=clinic, actor=g.actor, source="api", now=utc_now())
    except EnrollmentConflict as conflict:
        session.rollback()
        return conflict_error(conflict)
    except InvalidRequest as invalid:
        session.rollback()
        return error(400, invalid.message, invalid.fields)
    session.commit()
    return jsonify(enrollment_document(session, result.enrollment)), 201 if result.is_new else 200


def conflict_error(conflict: EnrollmentConflict) -> ResponseReturnValue:
    """409 naming the active follow-up in the way by its id and the initials of its patient."""
    body = {
        "error": conflict.message,
        "fields": conflict.fields,
        "enrollment_id": conflict.enrollment_id,
        "initials": conflict.initials,
    }
    return jsonify(body), 409


@blueprint.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this API, for anyone."""
    return jsonify(OPENAPI)


@blueprint.get("/enrollments/<int:enrollment_id>")
def show_enrollment(enrollment_id: int) -> ResponseReturnValue:
    """One enrollment with its check-ins, flags and messages."""
    enrollment = db().get(Enrollment, enrollment_id) if enrollment_id <= MAX_ID else None
    if enrollment is None:
        return error(404, f"there is no enrollment {enrollment_id}")
    return jsonify(enrollment_document(db(), enrollment))


@blueprint.get("/flags")
def list_flags() -> ResponseReturnValue:
    """Flags with a status (open by default), most severe and oldest first."""
    status_name = (request.args.get("status") or "open").strip().lower()
    if status_name not in {status.value for status in FlagStatus}:
        return error(400, "unknown status", {"status": "must be open, acknowledged or resolved"})
    now = utc_now()
    rows = worklist(db(), FlagStatus(status_name))
    flags = [
        {
            **flag_document(row.flag),
            "patient_id": row.patient_id,
            "patient_name": row.patient_name,
            "latest_pain": row.latest_pain,
            "age_minutes": flag_age_minutes(row.flag, now),
        }
        for row in rows
    ]
    return jsonify(flags=flags)


def _note_of(body: Any) -> str:
    """The note of a flag request body; InvalidNote when the body or the note is wrong."""
    if body is None:
        return ""
    if not isinstance(body, dict):
        raise InvalidNote('must be sent in a JSON object, as {"note": "..."}')
    return check_note(body.get("note"))


def _change_flag(flag_id: int, change: Callable[[Session, Flag, str], Flag]) -> ResponseReturnValue:
    """Load a flag for update, read the note, apply one lifecycle step, answer the flag."""
    session = db()
    flag = session.get(Flag, flag_id, with_for_update=True) if flag_id <= MAX_ID else None
    if flag is None:
        session.rollback()
        return error(404, f"there is no flag {flag_id}")
    try:
        change(session, flag, _note_of(json_body()))
    except InvalidNote as invalid:
        session.rollback()
        return error(400, f"the note {invalid}", {"note": str(invalid)})
    except FlagTransitionError as refused:
        session.rollback()
        return error(409, str(refused))
    session.commit()
    return jsonify(flag_document(flag))


@blueprint.post("/flags/<int:flag_id>/acknowledge")
def acknowledge_flag(flag_id: int) -> ResponseReturnValue:
    """Acknowledge an open flag (an optional note goes to the audit log)."""
    return _change_flag(
        flag_id,
        lambda session, flag, note: acknowledge(
            session, flag, actor=g.actor, now=utc_now(), note=note or None
        ),
    )


@blueprint.post("/flags/<int:flag_id>/resolve")
def resolve_flag(flag_id: int) -> ResponseReturnValue:
    """Resolve an open or acknowledged flag with a required note."""
    return _change_flag(
        flag_id,
        lambda session, flag, note: resolve(session, flag, actor=g.actor, note=note, now=utc_now()),
    )
