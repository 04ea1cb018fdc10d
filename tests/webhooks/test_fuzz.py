"""Hostile input to Twilio's webhooks: never a 5xx; unsigned requests store and change nothing."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select

from recovery.conversation.inbound import storable
from recovery.models import Base, Flag, Message
from recovery.sending.due_work import run_due_work
from recovery.sending.signing import public_url, sign
from recovery.states import Direction, MessageKind, MessageStatus
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import PATH, twilio_form

FUZZ = hypothesis_settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
STATUS_PATH = "/webhooks/twilio/status"
PHONE = "+14155550123"
INJECTIONS = [
    "'; DROP TABLE patients; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
]
NASTY = ["", "\x00", "a\x00b", "🙂" * 800, "x" * 1600, "\r\n\t", "%00", "&amp;", *INJECTIONS]
TEXT = st.text(max_size=60) | st.sampled_from(NASTY)
BODIES = st.text(max_size=1600) | st.sampled_from(NASTY)
SENDERS = st.none() | TEXT | st.sampled_from([PHONE, "4155550123", "12345", "+1", "+999999"])
EXTRA = st.dictionaries(
    st.text(min_size=1, max_size=20).filter(lambda key: key not in set(twilio_form("", ""))),
    TEXT,
    max_size=4,
)


@pytest.fixture
def sent_sid(runtime) -> str:  # type: ignore[no-untyped-def]
    """A patient whose check-in text went out (console backend); the text's SID."""
    enroll_patient(runtime, PHONE)
    run_due_work(runtime, now=MORNING)
    with runtime.sessions() as session:
        query = select(Message.sid).where(Message.kind == MessageKind.CHECK_IN)
        return str(session.scalars(query).one())


def post_signed(client, settings, path: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    """POST a form signed as Twilio signs it for this path."""
    signature = sign(settings, public_url(settings, path), form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def inbound(runtime) -> list[tuple[str, str | None, str]]:  # type: ignore[no-untyped-def]
    """(sid, sender, body) of every stored inbound text."""
    with runtime.sessions() as session:
        query = select(Message.sid, Message.from_number, Message.body).where(
            Message.direction == Direction.INBOUND
        )
        return [tuple(row) for row in session.execute(query.order_by(Message.id))]


def snapshot(runtime) -> tuple[list[tuple], int]:  # type: ignore[no-untyped-def]
    """Every text's delivery state, and the number of flags."""
    with runtime.sessions() as session:
        query = select(Message.id, Message.status, Message.error_code, Message.status_at)
        texts = [tuple(row) for row in session.execute(query.order_by(Message.id))]
        return texts, session.scalar(select(func.count()).select_from(Flag))


@FUZZ
@given(body=BODIES, sender=SENDERS, to=st.none() | TEXT, extra=EXTRA)
@example(body="a\x00b", sender=None, to=None, extra={"Key\x00": "\x00"})
@example(body="🙂" * 800, sender=PHONE, to="\x00", extra={})
def test_any_signed_text_is_stored_and_answered_without_a_server_error(
    client, settings, runtime, sent_sid, body, sender, to, extra
) -> None:
    form = {**twilio_form(body, sender or ""), **extra}
    for key, value in (("From", sender), ("To", to)):
        if value is None:
            form.pop(key)
        else:
            form[key] = value
    before = inbound(runtime)
    response = post_signed(client, settings, PATH, form)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    [*same, (sid, _sender, stored_body)] = inbound(runtime)
    assert same == before
    assert (sid, stored_body) == (form["MessageSid"], storable(body))


@FUZZ
@given(
    sid=st.text(max_size=80) | st.sampled_from(["SM\x00", "SM" + "a" * 63, "SM" + "a" * 64]),
    body=BODIES,
)
@example(sid="SM" + "a" * 100, body="hi")  # longer than the column: was a PostgreSQL 500
@example(sid="SM\x00", body="hi")  # NUL: was a PostgreSQL 500
def test_any_message_sid_is_stored_once_or_refused_with_400(
    client, settings, runtime, sid, body
) -> None:
    before = inbound(runtime)
    form = twilio_form(body, PHONE, MessageSid=sid)
    response = post_signed(client, settings, PATH, form)
    assert response.status_code in (200, 400)
    after = inbound(runtime)
    if response.status_code == 400 or sid in {row[0] for row in before}:
        assert after == before
    else:
        assert after[-1][0] == sid


@FUZZ
@given(
    form=st.dictionaries(st.text(max_size=20), TEXT, max_size=6)
    | st.builds(twilio_form, BODIES, st.sampled_from([PHONE, "+14155559999"])),
    signature=st.none() | st.text(st.characters(min_codepoint=32, max_codepoint=126)),
    path=st.sampled_from([PATH, STATUS_PATH]),
)
def test_any_unsigned_or_wrongly_signed_request_gets_403_and_changes_nothing(
    client, runtime, sent_sid, form, signature, path
) -> None:
    before = (inbound(runtime), snapshot(runtime))
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    response = client.post(path, data=form, headers=headers)
    assert response.status_code == 403
    assert (inbound(runtime), snapshot(runtime)) == before


def test_a_signature_over_other_values_or_another_url_is_refused(
    client, settings, runtime, sent_sid
) -> None:
    form = {"MessageSid": sent_sid, "MessageStatus": "failed", "ErrorCode": "30005"}
    before = (inbound(runtime), snapshot(runtime))
    for path, signed_path, signed_form in [
        (STATUS_PATH, STATUS_PATH, {**form, "ErrorCode": "30006"}),
        (STATUS_PATH, PATH, form),
        (PATH, PATH, twilio_form("7", PHONE)),
    ]:
        signature = sign(settings, public_url(settings, signed_path), signed_form)
        response = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 403
    assert (inbound(runtime), snapshot(runtime)) == before


REAL_STATUSES = [status.value for status in MessageStatus] + ["DELIVERED", "canceled"]


@FUZZ
@given(
    is_known=st.booleans(),
    other_sid=st.text(max_size=80),
    status=st.sampled_from(REAL_STATUSES) | TEXT,
    error_code=st.none() | TEXT | st.sampled_from(["²", "٣", "9" * 30, "-1", " 30003 ", "3e4"]),
    extra=EXTRA,
)
@example(is_known=True, other_sid="", status="failed", error_code="²", extra={})  # was a 500
@example(is_known=True, other_sid="", status="failed", error_code="9" * 30, extra={})  # too
@example(is_known=False, other_sid="SM\x00", status="failed", error_code=None, extra={})
def test_any_signed_status_callback_gets_204_and_garbage_changes_nothing(
    client, settings, runtime, sent_sid, is_known, other_sid, status, error_code, extra
) -> None:
    sid = sent_sid if is_known else other_sid
    form = {**extra, "MessageSid": sid, "MessageStatus": status}
    if error_code is not None:
        form["ErrorCode"] = error_code
    before = snapshot(runtime)
    response = post_signed(client, settings, STATUS_PATH, form)
    assert response.status_code == 204
    is_garbage = not is_known or status.lower() not in MessageStatus._value2member_map_
    if is_garbage:
        assert snapshot(runtime) == before


def test_a_ten_megabyte_post_to_either_webhook_gets_413_and_stores_nothing(
    client, settings, runtime, sent_sid
) -> None:
    before = (inbound(runtime), snapshot(runtime))
    for path in (PATH, STATUS_PATH):
        form = {**twilio_form("x" * (10 * 1024 * 1024), PHONE), "MessageStatus": "failed"}
        response = post_signed(client, settings, path, form)
        assert response.status_code == 413
    assert (inbound(runtime), snapshot(runtime)) == before


def test_injection_text_in_a_reply_is_stored_verbatim_and_read_back_inert(
    client, settings, runtime, auth, sent_sid
) -> None:
    for body in INJECTIONS:
        response = post_signed(client, settings, PATH, twilio_form(body, PHONE))
        assert response.status_code == 200
    enrollment = client.get("/api/v1/enrollments/1", headers=auth).get_json()
    bodies = [m["body"] for m in enrollment["messages"] if m["direction"] == "inbound"]
    assert bodies == INJECTIONS
    assert [row[2] for row in inbound(runtime)] == INJECTIONS
    assert set(inspect(runtime.engine).get_table_names()) >= set(Base.metadata.tables)


def test_the_same_sid_with_other_fields_is_still_stored_once(client, settings, runtime) -> None:
    sid = "SM" + uuid.uuid4().hex
    for body in ("7", "8", "STOP"):
        response = post_signed(client, settings, PATH, twilio_form(body, PHONE, MessageSid=sid))
        assert response.status_code == 200
    assert [row[2] for row in inbound(runtime)] == ["7"]
