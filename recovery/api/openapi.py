"""The OpenAPI 3.1 description of the JSON API (SPEC 6.4), served at /api/v1/openapi.json."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from recovery.flags.lifecycle import NOTE_MAX_CHARS
from recovery.patients.validation import PROCEDURE_KINDS
from recovery.states import (
    CheckInStatus,
    Direction,
    EnrollmentStatus,
    FlagKind,
    FlagStatus,
    MessageKind,
    MessageStatus,
    Severity,
)

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _enum(values: type[StrEnum] | tuple[str, ...]) -> Schema:
    return {"type": "string", "enum": [str(value) for value in values]}


def _nullable(schema: Schema) -> Schema:
    return {**schema, "type": [schema["type"], "null"]}


def _object(properties: dict[str, Schema], *, optional: tuple[str, ...] = ()) -> Schema:
    required = [name for name in properties if name not in optional]
    return {"type": "object", "properties": properties, "required": required}


TEXT: Schema = {"type": "string"}
INSTANT: Schema = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset"}
ID: Schema = {"type": "integer", "minimum": 1}
PAIN: Schema = {"type": "integer", "minimum": 0, "maximum": 10}

SCHEMAS: dict[str, Schema] = {
    "Error": _object(
        {
            "error": {**TEXT, "description": "what is wrong, in plain words"},
            "fields": {
                "type": "object",
                "description": "each bad field (dotted path) and what is wrong with it",
                "additionalProperties": TEXT,
            },
            "enrollment_id": {
                **ID,
                "description": "on an enrollment refused with 409: the active follow-up in the way",
            },
            "initials": {
                **TEXT,
                "description": 'on an enrollment refused with 409: its patient\'s initials, "M.L."',
            },
        },
        optional=("fields", "enrollment_id", "initials"),
    ),
    "EnrollmentRequest": {
        **_object(
            {
                "patient": _object(
                    {
                        "name": {**TEXT, "minLength": 1, "maxLength": 200},
                        "phone": {**TEXT, "description": "any common format; stored as E.164"},
                        "language": {**TEXT, "description": "en or es (default en)"},
                        "timezone": {**TEXT, "description": "IANA name, e.g. America/New_York"},
                        "mrn": {"type": ["string", "integer", "null"], "maxLength": 64},
                        "sms_consent": {
                            "type": ["boolean", "string"],
                            "description": "staff confirmed the patient agreed to texts",
                        },
                    },
                    optional=("language", "timezone", "mrn"),
                ),
                "procedure": _object(
                    {
                        "kind": _enum(PROCEDURE_KINDS),
                        "performed_at": INSTANT,
                        "levels": {"type": ["string", "null"], "maxLength": 64},
                        "baseline_pain": {**PAIN, "type": ["integer", "null"]},
                    },
                    optional=("kind", "levels", "baseline_pain"),
                ),
                "protocol": {**TEXT, "description": "a protocol's name (default vertebroplasty)"},
            },
            optional=("protocol",),
        ),
        "example": {
            "patient": {
                "name": "Maria Lopez",
                "phone": "+15625550123",
                "language": "es",
                "timezone": "America/Los_Angeles",
                "mrn": "A12345",
                "sms_consent": True,
            },
            "procedure": {
                "kind": "vertebroplasty",
                "performed_at": "2026-11-23T09:30:00-08:00",
                "levels": "T12, L1",
                "baseline_pain": 8,
            },
            "protocol": "vertebroplasty",
        },
    },
    "Patient": _object(
        {
            "id": ID,
            "name": TEXT,
            "phone": TEXT,
            "language": {"type": "string", "enum": ["en", "es"]},
            "timezone": TEXT,
            "mrn": _nullable(TEXT),
            "sms_consent": {"type": "boolean"},
            "consent_at": _nullable(INSTANT),
            "opted_out": {"type": "boolean"},
            "opted_out_at": _nullable(INSTANT),
        }
    ),
    "Procedure": _object(
        {
            "kind": _enum(PROCEDURE_KINDS),
            "performed_at": INSTANT,
            "levels": _nullable(TEXT),
            "baseline_pain": _nullable(PAIN),
        }
    ),
    "CheckIn": _object(
        {
            "id": ID,
            "label": TEXT,
            "due_at": INSTANT,
            "status": _enum(CheckInStatus),
            "reason": _nullable(TEXT),
            "sent_at": _nullable(INSTANT),
            "answered_at": _nullable(INSTANT),
            "pain": _nullable(PAIN),
            "activity": {"type": ["integer", "null"], "minimum": 1, "maximum": 4},
            "reminders_sent": {"type": "integer", "minimum": 0},
        }
    ),
    "Flag": _object(
        {
            "id": ID,
            "enrollment_id": ID,
            "kind": _enum(FlagKind),
            "severity": _enum(Severity),
            "status": _enum(FlagStatus),
            "reason": TEXT,
            "evidence": {"type": "object"},
            "created_at": INSTANT,
            "updated_at": INSTANT,
            "acknowledged_at": _nullable(INSTANT),
            "acknowledged_by": _nullable(TEXT),
            "resolved_at": _nullable(INSTANT),
            "resolved_by": _nullable(TEXT),
            "resolution_note": _nullable(TEXT),
        }
    ),
    "Message": _object(
        {
            "id": ID,
            "direction": _enum(Direction),
            "kind": _enum(MessageKind),
            "body": TEXT,
            "sid": _nullable(TEXT),
            "status": _enum(MessageStatus),
            "error_code": {"type": ["integer", "null"]},
            "check_in_id": _nullable(ID),
            "created_at": INSTANT,
            "sent_at": _nullable(INSTANT),
        }
    ),
    "Enrollment": _object(
        {
            "id": ID,
            "status": _enum(EnrollmentStatus),
            "paused": {"type": "boolean"},
            "patient": _ref("Patient"),
            "procedure": _ref("Procedure"),
            "protocol": TEXT,
            "protocol_version": {"type": "integer", "minimum": 1},
            "created_at": INSTANT,
            "check_ins": {"type": "array", "items": _ref("CheckIn")},
            "flags": {"type": "array", "items": _ref("Flag")},
            "messages": {"type": "array", "items": _ref("Message")},
        }
    ),
    "WorklistFlag": {
        "allOf": [
            _ref("Flag"),
            _object(
                {
                    "patient_id": ID,
                    "patient_name": TEXT,
                    "latest_pain": _nullable(PAIN),
                    "age_minutes": {"type": "integer", "minimum": 0},
                }
            ),
        ]
    },
    "FlagList": _object({"flags": {"type": "array", "items": _ref("WorklistFlag")}}),
    "Note": _object({"note": {**TEXT, "maxLength": NOTE_MAX_CHARS}}, optional=("note",)),
    "Health": _object(
        {"status": {"type": "string", "enum": ["ok", "unavailable"]}, "reason": TEXT},
        optional=("reason",),
    ),
    "SchedulerHealth": _object(
        {
            "status": {"type": "string", "enum": ["ok", "stale", "unavailable"]},
            "last_run_at": _nullable(INSTANT),
            "seconds_ago": {"type": "integer"},
            "reason": TEXT,
        },
        optional=("last_run_at", "seconds_ago", "reason"),
    ),
}


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> Schema:
    return _json(_ref("Error"), description)


ERRORS: dict[str, tuple[str, str]] = {
    "400": ("BadRequest", "Bad input: nothing was changed; `fields` names each bad field"),
    "401": ("Unauthorized", "No live API token (send `Authorization: Bearer <token>`)"),
    "404": ("NotFound", "No such record"),
    "409": ("Conflict", "The flag cannot take this step from its current status"),
    "413": ("TooLarge", "The request body is too large: nothing was changed"),
}
RESPONSES: dict[str, Schema] = {name: _error(words) for name, words in ERRORS.values()}


def _responses(answers: dict[str, Schema], *codes: str) -> dict[str, Schema]:
    """Success answers plus references to the shared error answers with these codes."""
    refs = {code: {"$ref": f"#/components/responses/{ERRORS[code][0]}"} for code in codes}
    return {**answers, **refs}


def _flag_step(summary: str, *, is_note_required: bool) -> Schema:
    note = "`note` is required" if is_note_required else "`note` is optional"
    return {
        "post": {
            "operationId": summary.split()[0].lower() + "Flag",
            "summary": summary,
            "description": f"Audit-logged. {note}.",
            "tags": ["flags"],
            "parameters": [{"$ref": "#/components/parameters/FlagId"}],
            "requestBody": {
                "required": is_note_required,
                "content": {"application/json": {"schema": _ref("Note")}},
            },
            "responses": _responses(
                {"200": _json(_ref("Flag"), "The flag after the step")}, "400", "401", "404", "409"
            ),
        }
    }


NO_TOKEN: list[dict[str, list[str]]] = []  # the security of operations anyone may call

PATHS: dict[str, Schema] = {
    "/api/v1/enrollments": {
        "post": {
            "operationId": "createEnrollment",
            "summary": "Enroll a patient after a procedure",
            "description": "201 for a new enrollment; 200 with the same one for a repeat. The "
            "same person is found by MRN, or with no MRN on either side by phone and name; "
            "someone else on the same phone is a patient of their own. A phone (and a "
            "person) takes one active follow-up at a time: another one is refused with 409.",
            "tags": ["enrollments"],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("EnrollmentRequest")}},
            },
            "responses": _responses(
                {
                    "201": _json(_ref("Enrollment"), "Enrolled"),
                    "200": _json(_ref("Enrollment"), "Already enrolled for this procedure"),
                    "409": _error(
                        "The phone (or the person) already has an active follow-up, named by"
                        " `enrollment_id` and `initials`: nothing was stored"
                    ),
                },
                "400",
                "401",
                "413",
            ),
        }
    },
    "/api/v1/enrollments/{enrollment_id}": {
        "get": {
            "operationId": "getEnrollment",
            "summary": "An enrollment with its check-ins, flags and messages",
            "tags": ["enrollments"],
            "parameters": [{"name": "enrollment_id", "in": "path", "required": True, "schema": ID}],
            "responses": _responses(
                {"200": _json(_ref("Enrollment"), "The enrollment")}, "401", "404"
            ),
        }
    },
    "/api/v1/fhir/Observation": {
        "get": {
            "operationId": "searchObservations",
            "summary": "The answers as FHIR R4 Observations (a searchset Bundle)",
            "description": "Pain as LOINC 72514-3 (`valueInteger`), activity in the service's "
            "own code system; one Observation per answer with a stable id, `amended` after a "
            "correction. Answers `application/fhir+json`; a bad parameter gets an "
            "OperationOutcome and 400.",
            "tags": ["fhir"],
            "parameters": [
                {
                    "name": "patient",
                    "in": "query",
                    "required": False,
                    "description": "An MRN, or Patient/<id>",
                    "schema": {"type": "string"},
                },
                {
                    "name": "subject:identifier",
                    "in": "query",
                    "required": False,
                    "description": "<FHIR_MRN_SYSTEM>|<MRN>",
                    "schema": {"type": "string"},
                },
                {
                    "name": "_since",
                    "in": "query",
                    "required": False,
                    "description": "Only resources whose meta.lastUpdated is at or after this",
                    "schema": {"type": "string", "format": "date-time"},
                },
            ],
            "responses": {
                "200": {
                    "description": "A FHIR Bundle of type searchset",
                    "content": {"application/fhir+json": {"schema": {"type": "object"}}},
                },
                "400": {
                    "description": "A FHIR OperationOutcome naming the bad parameter",
                    "content": {"application/fhir+json": {"schema": {"type": "object"}}},
                },
                **_responses({}, "401"),
            },
        }
    },
    "/api/v1/flags": {
        "get": {
            "operationId": "listFlags",
            "summary": "Flags with one status, most severe and oldest first",
            "tags": ["flags"],
            "parameters": [
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "schema": {**_enum(FlagStatus), "default": "open"},
                }
            ],
            "responses": _responses({"200": _json(_ref("FlagList"), "The flags")}, "400", "401"),
        }
    },
    "/api/v1/flags/{flag_id}/acknowledge": _flag_step(
        "Acknowledge an open flag", is_note_required=False
    ),
    "/api/v1/flags/{flag_id}/resolve": _flag_step(
        "Resolve an open or acknowledged flag", is_note_required=True
    ),
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This description",
            "tags": ["meta"],
            "security": NO_TOKEN,
            "responses": {"200": _json({"type": "object"}, "The OpenAPI document")},
        }
    },
    "/healthz": {
        "get": {
            "operationId": "getHealth",
            "summary": "Liveness: 200 when the database answers",
            "tags": ["health"],
            "security": NO_TOKEN,
            "responses": {
                "200": _json(_ref("Health"), "The database answers"),
                "503": _json(_ref("Health"), "The database does not answer"),
            },
        }
    },
    "/healthz/scheduler": {
        "get": {
            "operationId": "getSchedulerHealth",
            "summary": "200 when a due-work pass ran in the last 2 minutes",
            "tags": ["health"],
            "security": NO_TOKEN,
            "responses": {
                "200": _json(_ref("SchedulerHealth"), "The scheduler is running"),
                "503": _json(_ref("SchedulerHealth"), "No recent due-work pass"),
            },
        }
    },
}

OPENAPI: Schema = {
    "openapi": "3.1.0",
    "info": {
        "title": "Recovery Check-in API",
        "version": "1",
        "description": "Enroll patients after a back procedure and work the flags their "
        "check-in texts raise. Times are ISO 8601 with offset.",
    },
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}],
    "tags": [{"name": name} for name in ("enrollments", "flags", "health", "meta")],
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "responses": RESPONSES,
        "parameters": {
            "FlagId": {"name": "flag_id", "in": "path", "required": True, "schema": ID},
        },
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token from /admin/tokens or `flask create-api-token`",
            }
        },
    },
}
