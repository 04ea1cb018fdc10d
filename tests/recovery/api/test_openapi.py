"""The OpenAPI description: well-formed, complete, and true to what the API answers."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from recovery.flags.lifecycle import raise_flag
from recovery.models import Enrollment
from recovery.runtime import utc_now
from recovery.states import FlagKind
from tests.recovery.api.test_endpoints import BODY

TOP_LEVEL_WORDS = {
    "openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components",
    "security", "tags", "externalDocs",
}  # fmt: skip
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
JSON_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}
SCHEMA_WORDS = {
    "type", "properties", "required", "additionalProperties", "items", "enum", "allOf",
    "$ref", "format", "minimum", "maximum", "minLength", "maxLength", "description",
    "default", "example",
}  # fmt: skip


def resolve(document: dict[str, Any], ref: str) -> Any:
    """The part of the document a local $ref points at (KeyError when it points nowhere)."""
    assert ref.startswith("#/"), f"only local references are used: {ref}"
    target: Any = document
    for part in ref[2:].split("/"):
        target = target[part]
    return target


def has_type(schema: dict, value: Any) -> bool:
    """Whether the value is of the schema's type (any type when it names none)."""
    names = schema.get("type", list(JSON_TYPES))
    names = [names] if isinstance(names, str) else names
    if isinstance(value, bool):  # a bool is an int in Python, never in JSON
        return "boolean" in names
    return any(isinstance(value, JSON_TYPES[name]) for name in names)


def value_errors(schema: dict, value: Any, where: str) -> list[str]:
    """What is wrong with a value of the right type: enum, range, date-time offset."""
    errors = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and not schema.get("minimum", value) <= value <= schema.get("maximum", value):
        errors.append(f"{where}: {value} is out of range")
    is_instant = isinstance(value, str) and schema.get("format") == "date-time"
    if is_instant and datetime.fromisoformat(value).utcoffset() is None:
        errors.append(f"{where}: {value} has no offset")
    return errors


def schema_errors(document: dict, schema: dict, value: Any, where: str = "$") -> list[str]:
    """What is wrong with a JSON value against a schema of this document (JSON Schema subset)."""
    if "$ref" in schema:
        return schema_errors(document, resolve(document, schema["$ref"]), value, where)
    errors = [e for part in schema.get("allOf", []) for e in schema_errors(document, part, value)]
    if not has_type(schema, value):
        return [*errors, f"{where}: {value!r} is not {schema['type']}"]
    errors += value_errors(schema, value, where)
    if isinstance(value, dict):
        errors += [f"{where}.{key} is missing" for key in schema.get("required", [])
                   if key not in value]  # fmt: skip
        for key, item in value.items():
            inner = schema.get("properties", {}).get(key, schema.get("additionalProperties"))
            if isinstance(inner, dict):
                errors += schema_errors(document, inner, item, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += schema_errors(document, schema["items"], item, f"{where}[{index}]")
    return errors


def refs_in(node: Any) -> list[str]:
    """Every $ref anywhere in a part of the document."""
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in refs_in(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs_in(value)]
    return []


def schemas_in(document: dict) -> list[dict]:
    """Every schema object: components and request and response bodies, with nested ones."""
    found: list[dict] = []

    def walk(schema: dict) -> None:
        found.append(schema)
        nested = [*schema.get("properties", {}).values(), *schema.get("allOf", [])]
        nested += [schema[key] for key in ("items", "additionalProperties") if key in schema]
        for inner in nested:
            if isinstance(inner, dict):
                walk(inner)

    roots = list(document["components"]["schemas"].values())
    roots += [parameter["schema"] for parameter in document["components"]["parameters"].values()]
    for item in document["paths"].values():
        for operation in item.values():
            roots += [p["schema"] for p in operation.get("parameters", []) if "schema" in p]
            bodies = [operation.get("requestBody", {}), *operation["responses"].values()]
            roots += [c["schema"] for b in bodies for c in b.get("content", {}).values()]
    for root in roots:
        walk(root)
    return found


def operations(document: dict) -> list[tuple[str, str, dict]]:
    """(path, method, operation) for each operation in the document."""
    return [(p, m, op) for p, item in document["paths"].items() for m, op in item.items()]


@pytest.fixture
def document(client) -> dict:  # type: ignore[no-untyped-def]
    """The description as the app serves it, fetched without a token."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_document_is_served_to_anyone_as_openapi_3_1(document) -> None:
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"] and document["info"]["version"]
    assert set(document) <= TOP_LEVEL_WORDS
    bearer = document["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")


def test_only_the_description_and_health_checks_need_no_token(document) -> None:
    assert document["security"] == [{"bearer": []}]
    public = {path for path, _method, op in operations(document) if op.get("security") == []}
    assert public == {"/api/v1/openapi.json", "/healthz", "/healthz/scheduler"}
    for path, _method, operation in operations(document):
        assert ("401" in operation["responses"]) == (path not in public), path


def test_every_reference_points_at_something(document) -> None:
    for ref in refs_in(document):
        resolve(document, ref)


def test_every_operation_is_well_formed(document) -> None:
    names = [operation["operationId"] for _path, _method, operation in operations(document)]
    assert len(names) == len(set(names))
    schemes = document["components"]["securitySchemes"]
    for path, method, operation in operations(document):
        assert path.startswith("/") and method in METHODS
        parameters = [
            resolve(document, p["$ref"]) if "$ref" in p else p
            for p in operation.get("parameters", [])
        ]
        in_path = {p["name"] for p in parameters if p["in"] == "path"}
        assert in_path == set(re.findall(r"{(\w+)}", path)), path
        assert all(p["required"] for p in parameters if p["in"] == "path")
        assert operation["responses"], path
        for code, answer in operation["responses"].items():
            assert re.fullmatch(r"[1-5]\d\d", code), (path, code)
            assert "description" in (
                resolve(document, answer["$ref"]) if "$ref" in answer else answer
            )
        for requirement in operation.get("security", document["security"]):
            assert set(requirement) <= set(schemes)


def test_every_schema_uses_only_known_keywords_and_types(document) -> None:
    for schema in schemas_in(document):
        assert set(schema) <= SCHEMA_WORDS, set(schema) - SCHEMA_WORDS
        types = schema.get("type", [])
        assert set([types] if isinstance(types, str) else types) <= set(JSON_TYPES)
        assert set(schema.get("required", [])) <= set(schema.get("properties", {})), schema


def test_every_api_route_the_app_serves_is_described_and_nothing_more(app, document) -> None:
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule)
            served |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    described = {(path, method) for path, method, _ in operations(document)}
    assert {item for item in described if item[0].startswith("/api/v1/")} == served
    assert {("/healthz", "get"), ("/healthz/scheduler", "get")} <= described


def test_every_client_error_answers_the_error_schema(document) -> None:
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["fields"]["additionalProperties"] == {"type": "string"}
    codes = set()
    for path, method, operation in operations(document):
        for code in operation["responses"]:
            if code.startswith("4"):
                if path.startswith("/api/v1/fhir/") and code == "400":
                    continue  # FHIR answers a bad search with an OperationOutcome
                codes.add(code)
                schema = answer_schema(document, path, method, int(code))
                assert schema == {"$ref": "#/components/schemas/Error"}
    assert codes == {"400", "401", "404", "409", "413"}


def answer_schema(document: dict, path: str, method: str, status: int) -> dict:
    """The schema the document gives for one answer of one operation."""
    answer = document["paths"][path][method]["responses"][str(status)]
    answer = resolve(document, answer["$ref"]) if "$ref" in answer else answer
    return answer["content"]["application/json"]["schema"]


def check(document: dict, response, path: str, method: str) -> dict:  # type: ignore[no-untyped-def]
    """Assert the response matches its schema in the document; return its JSON."""
    body = response.get_json()
    schema = answer_schema(document, path, method, response.status_code)
    assert schema_errors(document, schema, body) == []
    return body


def test_the_request_example_is_valid_against_its_own_schema(document) -> None:
    schema = document["components"]["schemas"]["EnrollmentRequest"]
    assert schema_errors(document, schema, schema["example"]) == []
    assert schema_errors(document, schema, BODY) == []
    assert schema_errors(document, schema, {"patient": 1}) != []


def test_real_enrollment_answers_match_their_schemas(client, auth, document) -> None:
    created = client.post("/api/v1/enrollments", json=BODY, headers=auth)
    assert created.status_code == 201
    enrollment = check(document, created, "/api/v1/enrollments", "post")
    schema = answer_schema(document, "/api/v1/enrollments", "post", 201)
    assert schema_errors(document, schema, {**enrollment, "check_ins": [{"id": "1"}]}) != []
    again = client.post("/api/v1/enrollments", json=BODY, headers=auth)
    check(document, again, "/api/v1/enrollments", "post")
    path = "/api/v1/enrollments/{enrollment_id}"
    check(
        document, client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=auth), path, "get"
    )
    missing = client.get("/api/v1/enrollments/424242", headers=auth)
    assert missing.status_code == 404
    check(document, missing, path, "get")
    bad = client.post("/api/v1/enrollments", json={"patient": {}}, headers=auth)
    assert check(document, bad, "/api/v1/enrollments", "post")["fields"]
    refused = client.post("/api/v1/enrollments", json=BODY)
    assert refused.status_code == 401
    check(document, refused, "/api/v1/enrollments", "post")


def test_real_flag_answers_match_their_schemas(client, auth, runtime, document) -> None:
    created = client.post("/api/v1/enrollments", json=BODY, headers=auth).get_json()
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, created["id"])
        flag = raise_flag(
            session, enrollment, FlagKind.SEVERE_PAIN, reason="Pain 10", now=utc_now()
        )
        session.flush()
        flag_id = flag.id
    listed = check(document, client.get("/api/v1/flags", headers=auth), "/api/v1/flags", "get")
    assert [flag["id"] for flag in listed["flags"]] == [flag_id]
    unknown = client.get("/api/v1/flags?status=closed", headers=auth)
    assert unknown.status_code == 400
    check(document, unknown, "/api/v1/flags", "get")
    acknowledge = "/api/v1/flags/{flag_id}/acknowledge"
    answer = client.post(f"/api/v1/flags/{flag_id}/acknowledge", headers=auth)
    assert check(document, answer, acknowledge, "post")["status"] == "acknowledged"
    twice = client.post(f"/api/v1/flags/{flag_id}/acknowledge", headers=auth)
    assert twice.status_code == 409
    check(document, twice, acknowledge, "post")
    resolve_path = "/api/v1/flags/{flag_id}/resolve"
    no_note = client.post(f"/api/v1/flags/{flag_id}/resolve", json={}, headers=auth)
    assert no_note.status_code == 400
    check(document, no_note, resolve_path, "post")
    done = client.post(f"/api/v1/flags/{flag_id}/resolve", json={"note": "Called"}, headers=auth)
    assert check(document, done, resolve_path, "post")["status"] == "resolved"


def test_real_health_answers_match_their_schemas(client, document) -> None:
    check(document, client.get("/healthz"), "/healthz", "get")
    stale = client.get("/healthz/scheduler")
    assert stale.status_code == 503
    check(document, stale, "/healthz/scheduler", "get")
