"""Hostile input to the JSON API: never a 5xx, and a refused request stores nothing."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select

from recovery import MAX_MACHINE_REQUEST_BYTES
from recovery.flags.lifecycle import raise_flag
from recovery.models import AuditEvent, Base, CheckIn, Enrollment, Flag, Message, Patient
from recovery.states import FlagKind
from tests.recovery.api.test_endpoints import BODY
from tests.support.factories import MORNING, enroll_patient, phone_number

FUZZ = hypothesis_settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
COUNTED = (Patient, Enrollment, CheckIn, Message, Flag, AuditEvent)
NASTY = [
    "",
    " ",
    "\x00",
    "Ann\x00Lee",
    "\ud800",
    "Ann \udfff Lee",
    "NaN",
    "-Infinity",
    "1e309",
    "0x10",
    "null",
    "true",
    "'; DROP TABLE patients; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "\u202e\u200b\ufeff",
    "🙂" * 300,
    "x" * 70_000,
]
# Any JSON value: nested, wrong types, huge numbers, NaN, unicode with lone surrogates and NUL.
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(exclude_categories=()), max_size=40)
    | st.sampled_from(NASTY)
)
ANY_JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


HOSTILE_TEXT = st.text(
    st.characters(exclude_categories=()), min_size=1, max_size=40
) | st.sampled_from(NASTY)
FIELDS = [(name, key) for name in ("patient", "procedure") for key in BODY[name]]
FIELDS.append(("", "protocol"))


@st.composite
def enrollment_bodies(draw: st.DrawFn) -> object:
    """A good request with a few fields made hostile or left out, or any JSON at all."""
    if draw(st.integers(0, 4)) == 0:
        return draw(ANY_JSON)
    body = json.loads(json.dumps(BODY))
    for name, key in draw(st.lists(st.sampled_from(FIELDS), max_size=3)):
        target = body[name] if name else body
        if draw(st.integers(0, 5)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(HOSTILE_TEXT | ANY_JSON)
    return body


def row_counts(runtime) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Rows in each table a refused request must not touch."""
    with runtime.sessions() as session:
        return {
            m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in COUNTED
        }


def flag_states(runtime) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Each flag's lifecycle fields, to see that a refused step changed none."""
    with runtime.sessions() as session:
        query = select(Flag.id, Flag.status, Flag.acknowledged_at, Flag.resolution_note)
        return [tuple(row) for row in session.execute(query.order_by(Flag.id))]


def post_enrollment(client, auth, data: bytes, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    """POST raw bytes as an enrollment request."""
    headers = {**auth, "Content-Type": content_type}
    return client.post("/api/v1/enrollments", data=data, headers=headers)


def assert_refusal_stores_nothing(runtime, response, before: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    """No 5xx; a 4xx is a JSON error and leaves every counted table as it was."""
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert isinstance(response.get_json()["error"], str)
        assert row_counts(runtime) == before


@FUZZ
@given(body=enrollment_bodies())
@example(body={**BODY, "patient": {**BODY["patient"], "name": "Ann\x00Lee"}})  # PostgreSQL 500
@example(body={**BODY, "patient": {**BODY["patient"], "mrn": "A\ud800"}})  # 500 on both
@example(body={**BODY, "procedure": {**BODY["procedure"], "levels": "T12\x00"}})
@example(body={**BODY, "protocol": "vertebroplasty\x00"})
def test_any_json_enrollment_body_gets_an_answer_and_a_refusal_stores_nothing(
    client, auth, runtime, body
) -> None:
    before = row_counts(runtime)
    response = post_enrollment(client, auth, json.dumps(body).encode())
    assert_refusal_stores_nothing(runtime, response, before)


CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-16",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
]


@FUZZ
@given(
    data=st.binary(max_size=2000) | ANY_JSON.map(lambda v: json.dumps(v).encode()[:-1]),
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_any_bytes_as_an_enrollment_body_get_400_and_store_nothing(
    client, auth, runtime, data, content_type
) -> None:
    before = row_counts(runtime)
    response = post_enrollment(client, auth, data, content_type)
    assert_refusal_stores_nothing(runtime, response, before)
    assert response.status_code == (413 if len(data) > MAX_MACHINE_REQUEST_BYTES else 400)


@FUZZ
@given(header=st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=80))
def test_any_authorization_header_but_a_live_token_gets_401_and_stores_nothing(
    client, runtime, header
) -> None:
    before = row_counts(runtime)
    headers = {"Authorization": header, "Content-Type": "application/json"}
    response = client.post("/api/v1/enrollments", data=json.dumps(BODY), headers=headers)
    assert response.status_code == 401
    assert row_counts(runtime) == before


PATH_TEXT = st.text(max_size=40) | st.sampled_from(["..", "%00", "1/../../..", "-1", "1.5", "0"])
IDS = st.integers(min_value=-(10**25), max_value=10**25).map(str) | PATH_TEXT
URL_NASTY = [text for text in NASTY if not any("\ud800" <= c <= "\udfff" for c in text)]
QUERIES = st.dictionaries(st.text(max_size=10), st.text(max_size=20) | st.sampled_from(URL_NASTY))


@FUZZ
@given(
    route=st.sampled_from(["enrollments/{}", "flags", "flags/{}", "{}", "enrollments/{}/{}"]),
    ids=st.tuples(IDS, IDS),
    query=QUERIES,
)
@example(route="enrollments/{}", ids=("9223372036854775808", "0"), query={})  # SQLite 500
@example(route="enrollments/{}", ids=("2147483648", "0"), query={})  # PostgreSQL 500
def test_any_path_and_query_on_the_read_routes_is_never_a_server_error(
    client, auth, route, ids, query
) -> None:
    path = "/api/v1/" + route.format(*(quote(part, safe="/") for part in ids))
    response = client.get(f"{path}?{urlencode(query)}", headers=auth)
    assert response.status_code < 500


@pytest.fixture
def enrollment_id(runtime) -> int:  # type: ignore[no-untyped-def]
    """An enrolled patient whose flags the fuzz acknowledges and resolves."""
    return enroll_patient(runtime, phone_number(1))


def unresolved_flag(runtime, enrollment_id: int) -> int:  # type: ignore[no-untyped-def]
    """The open or acknowledged flag of the enrollment (a new one after a resolve)."""
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        flag = raise_flag(session, enrollment, FlagKind.SEVERE_PAIN, reason="Pain 10", now=MORNING)
        session.flush()
        return flag.id


@FUZZ
@given(
    target=st.none() | IDS,
    step=st.sampled_from(["acknowledge", "resolve"]),
    note=HOSTILE_TEXT | ANY_JSON,
    is_wrapped=st.booleans(),
)
@example(target=None, step="resolve", note="Called\x00", is_wrapped=True)  # PostgreSQL 500
@example(target="2147483648", step="acknowledge", note="", is_wrapped=True)
def test_any_flag_step_request_gets_an_answer_and_a_refusal_changes_nothing(
    client, auth, runtime, enrollment_id, target, step, note, is_wrapped
) -> None:
    flag_id = str(unresolved_flag(runtime, enrollment_id)) if target is None else target
    before = (row_counts(runtime), flag_states(runtime))
    path = f"/api/v1/flags/{quote(flag_id, safe='')}/{step}"
    data = json.dumps({"note": note} if is_wrapped else note).encode()
    response = client.post(path, data=data, headers={**auth, "Content-Type": "application/json"})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert (row_counts(runtime), flag_states(runtime)) == before


def test_a_ten_megabyte_enrollment_body_gets_413_and_stores_nothing(client, auth, runtime) -> None:
    before = row_counts(runtime)
    padding = "x" * (10 * 1024 * 1024)
    response = post_enrollment(client, auth, json.dumps({**BODY, "padding": padding}).encode())
    assert response.status_code == 413
    assert response.get_json()["error"]
    assert row_counts(runtime) == before


INJECTIONS = [
    ("'; DROP TABLE patients; --", '" OR 1=1 --', "<img src=x onerror=alert(1)>"),
    ("<script>alert(1)</script>", "'); DELETE FROM enrollments; --", "L1' OR '1'='1"),
    ('Robert"); DROP TABLE messages;--', "<img src=x onerror=alert(1)>", "<b>T12</b>"),
]


def test_injection_text_is_stored_verbatim_and_comes_back_as_inert_json(
    client, auth, runtime
) -> None:
    for index, (name, mrn, levels) in enumerate(INJECTIONS):
        body = {
            **BODY,
            "patient": {
                **BODY["patient"],
                "name": name,
                "mrn": mrn,
                "phone": f"+1415555{index:04d}",
            },
            "procedure": {**BODY["procedure"], "levels": levels},
        }
        created = client.post("/api/v1/enrollments", json=body, headers=auth)
        assert created.status_code == 201
        read = client.get(f"/api/v1/enrollments/{created.get_json()['id']}", headers=auth)
        assert read.mimetype == "application/json"
        document = read.get_json()
        assert (document["patient"]["name"], document["patient"]["mrn"]) == (name, mrn)
        assert document["procedure"]["levels"] == levels
    assert set(inspect(runtime.engine).get_table_names()) >= set(Base.metadata.tables)
    counts = row_counts(runtime)
    assert (counts["patients"], counts["enrollments"]) == (3, 3)
    with runtime.sessions() as session:
        assert sorted(session.scalars(select(Patient.name))) == sorted(n for n, _, _ in INJECTIONS)
