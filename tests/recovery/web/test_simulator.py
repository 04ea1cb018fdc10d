"""The phone simulator: only with the console backend; replies go through the signed webhook."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import select

from recovery import create_app, runtime_of
from recovery.models import AuditEvent, CheckIn, Message
from recovery.protocols.definitions import load_defaults
from recovery.runtime import utc_now
from recovery.sending.signing import is_signed, public_url
from recovery.states import CheckInStatus, Direction, MessageStatus
from recovery.web.simulator import twilio_params, twiml_message
from tests.support.staff_client import post, sign_in, text
from tests.support.staff_fixtures import NURSE_EMAIL, add_user, enroll_patient


def test_the_thread_shows_texts_that_reached_the_phone(nurse_client, runtime) -> None:
    patient_id, _ = enroll_patient(runtime)
    page = text(nurse_client.get(f"/simulator?patient={patient_id}"))
    assert "Hi Maria" not in page  # the welcome text is still pending: not on the phone yet
    with runtime.transaction() as session:
        welcome = session.scalars(select(Message)).one()
        welcome.status = MessageStatus.DELIVERED
    page = text(nurse_client.get(f"/simulator?patient={patient_id}"))
    assert "Hi Maria, this is Valley Spine Clinic." in page
    assert '<label for="message">Message</label>' in page
    assert '<button type="submit">Send</button>' in page


def test_twilio_params_are_signed_like_twilio(settings, runtime) -> None:
    patient_id, _ = enroll_patient(runtime)
    with runtime.sessions() as session:
        from recovery.models import Patient

        patient = session.get(Patient, patient_id)
    params = twilio_params(settings, patient, "7")
    assert params["MessageSid"].startswith("SM") and len(params["MessageSid"]) == 34
    assert (params["From"], params["To"], params["Body"], params["NumMedia"]) == (
        "+15625550123",
        "+15005550006",
        "7",
        "0",
    )
    from recovery.sending.signing import sign

    url = public_url(settings, "/webhooks/twilio/sms")
    assert is_signed(settings, url, params, sign(settings, url, params))


def test_a_reply_goes_through_the_webhook_and_its_answer_is_on_the_phone(
    nurse_client, runtime
) -> None:
    patient_id, _ = enroll_patient(runtime)
    with runtime.transaction() as session:
        check_in = session.scalars(select(CheckIn).order_by(CheckIn.due_at)).first()
        check_in.status, check_in.sent_at, check_in.queued_at = (CheckInStatus.SENT,) + (
            utc_now(),
        ) * 2
    response = post(nurse_client, f"/simulator/{patient_id}", {"message": "7"})
    assert response.headers["Location"] == f"/simulator?patient={patient_id}"
    page = text(nurse_client.get(response.headers["Location"]))
    with runtime.sessions() as session:
        inbound = session.scalars(select(Message).where(Message.direction == Direction.INBOUND))
        assert [(m.body, m.from_number, m.sid[:2]) for m in inbound] == [
            ("7", "+15625550123", "SM")
        ]
        assert session.get(CheckIn, check_in.id).pain == 7
    assert '<span class="visually-hidden">You:</span>\n      <p>7</p>' in page
    assert "Thank you. Which best fits your day?" in page


def test_an_empty_reply_is_not_sent(nurse_client, runtime) -> None:
    patient_id, _ = enroll_patient(runtime)
    response = post(
        nurse_client, f"/simulator/{patient_id}", {"message": "  "}, follow_redirects=True
    )
    assert "Type a message to send." in text(response)


def test_patients_are_chosen_by_name_and_a_shared_name_shows_the_phone(
    nurse_client, runtime
) -> None:
    enroll_patient(runtime)
    enroll_patient(runtime, name="John Smith", phone="+14155552671")
    enroll_patient(runtime, name="John Smith", phone="+14155552672")
    page = text(nurse_client.get("/simulator"))
    options = re.findall(r'<option value="\d+">([^<]+)</option>', page)
    assert options == ["John Smith (+14155552671)", "John Smith (+14155552672)", "Maria Lopez"]
    assert "data-submit-on-change" in page


def test_opening_a_patients_phone_is_an_audited_view(nurse_client, runtime, nurse) -> None:
    patient_id, _ = enroll_patient(runtime)
    nurse_client.get("/simulator")
    nurse_client.get(f"/simulator?patient={patient_id}")
    with runtime.sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "patient.view"))
        assert [(e.actor, e.record_id, e.detail) for e in events] == [
            (f"user:{nurse}:nurse@example.org", patient_id, {"page": "simulator"})
        ]


def test_twiml_messages_are_read() -> None:
    assert twiml_message("<Response><Message>Thank you.</Message></Response>") == "Thank you."
    assert twiml_message("<Response/>") is None
    assert twiml_message("not xml") is None


@pytest.fixture
def twilio_app(settings):  # type: ignore[no-untyped-def]
    """The app with the Twilio SMS backend."""
    application = create_app(
        replace(
            settings,
            sms_backend="twilio",
            twilio_account_sid="AC" + "1" * 32,
            twilio_auth_token="secret",
            twilio_from_number="+15005550006",
        )
    )
    with runtime_of(application).transaction() as session:
        load_defaults(session, now=utc_now())
    yield application
    runtime_of(application).engine.dispose()


def test_there_is_no_simulator_with_the_twilio_backend(twilio_app) -> None:
    add_user(runtime_of(twilio_app), NURSE_EMAIL, "nurse")
    client = twilio_app.test_client()
    sign_in(client, NURSE_EMAIL)
    assert client.get("/simulator").status_code == 404
    assert "Phone simulator" not in text(client.get("/flags"))
