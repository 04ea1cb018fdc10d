"""Inbound texts: signed, stored once, understood, answered in the patient's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from config.settings import Settings
from recovery import create_app
from recovery.conversation.inbound import InboundText
from recovery.conversation.replies import receive_text
from recovery.models import CheckIn, Flag, Message, Patient
from recovery.sending.due_work import run_due_work
from recovery.sending.signing import public_url, sign
from recovery.states import (
    CheckInStatus,
    Direction,
    FlagKind,
    FlagStatus,
    MessageKind,
    Severity,
)
from tests.conftest import free_port, with_settings
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import PATH, post_sms, replies, twilio_form
from tests.webhooks.conftest import PHONE


def say(client, settings, body: str, sender: str = PHONE, **extra: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = post_sms(client, settings, body, sender, **extra)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    return replies(response)


def first_check_in(runtime) -> CheckIn:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.scalars(select(CheckIn).order_by(CheckIn.due_at)).first()


def flags_of(runtime, kind: FlagKind) -> list[Flag]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return list(session.scalars(select(Flag).where(Flag.kind == kind)))


def inbound_count(runtime) -> int:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        query = select(func.count()).where(Message.direction == Direction.INBOUND)
        return session.scalar(query)


def test_pain_then_activity_completes_the_check_in(client, settings, runtime, sent) -> None:
    [ask] = say(client, settings, "7")
    assert "Which best fits your day?" in ask
    assert first_check_in(runtime).status == CheckInStatus.PARTIAL
    [thanks] = say(client, settings, "2")
    assert thanks.startswith("Thank you, your care team will review your answers.")
    check_in = first_check_in(runtime)
    assert (check_in.status, check_in.pain, check_in.activity) == (CheckInStatus.ANSWERED, 7, 2)


def test_both_answers_in_one_text_complete_the_check_in(client, settings, runtime, sent) -> None:
    [thanks] = say(client, settings, "pain 4 activity 3")
    assert "review your answers" in thanks
    check_in = first_check_in(runtime)
    assert (check_in.status, check_in.pain, check_in.activity) == (CheckInStatus.ANSWERED, 4, 3)


def test_unreadable_reply_is_asked_again_once_then_goes_to_a_nurse(
    client, settings, runtime, sent
) -> None:
    [again] = say(client, settings, "hmm not sure")
    assert "one number from 0 to 10" in again
    [received] = say(client, settings, "whatever")
    assert "care team will see your message" in received
    [flag] = flags_of(runtime, FlagKind.NEEDS_REVIEW)
    assert '"whatever"' in flag.reason


def test_out_of_range_number_is_not_an_answer(client, settings, runtime, sent) -> None:
    [again] = say(client, settings, "15")
    assert "one number from 0 to 10" in again
    assert first_check_in(runtime).pain is None


def test_spanish_patient_is_answered_in_spanish(client, settings, runtime) -> None:
    enroll_patient(runtime, "+14155550199", name="María López", language="es")
    run_due_work(runtime, now=MORNING)
    [ask] = say(client, settings, "siete", sender="+14155550199")
    assert "Qué describe mejor su día" in ask
    [thanks] = say(client, settings, "caminé afuera con la andadera", sender="+14155550199")
    assert thanks.startswith("Gracias")


def test_twilio_retry_of_the_same_sid_is_stored_once_and_answered_the_same(
    client, settings, runtime, sent
) -> None:
    first = post_sms(client, settings, "6", PHONE, MessageSid="SM" + "1" * 32)
    again = post_sms(client, settings, "6", PHONE, MessageSid="SM" + "1" * 32)
    assert replies(first) == replies(again)
    assert inbound_count(runtime) == 1
    assert first_check_in(runtime).status == CheckInStatus.PARTIAL


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Twilio-Signature": "c29tZXRoaW5nIGVsc2U="}],
)
def test_missing_or_wrong_signature_gets_403_and_stores_nothing(
    client, runtime, sent, headers
) -> None:
    response = client.post(PATH, data=twilio_form("7", PHONE), headers=headers)
    assert response.status_code == 403
    assert inbound_count(runtime) == 0


def test_signature_for_another_url_is_refused(client, settings, runtime, sent) -> None:
    form = twilio_form("7", PHONE)
    signature = sign(settings, public_url(settings, "/webhooks/twilio/status"), form)
    response = client.post(PATH, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert inbound_count(runtime) == 0


def test_signature_with_a_tampered_body_is_refused(client, settings, runtime, sent) -> None:
    form = twilio_form("2", PHONE)
    signature = sign(settings, public_url(settings, PATH), form)
    form["Body"] = "10"
    response = client.post(PATH, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert first_check_in(runtime).pain is None


def test_unknown_number_is_kept_and_told_the_clinic_phone(client, settings, runtime) -> None:
    [answer] = say(client, settings, "hello?", sender="+14155559999")
    assert settings.clinic_phone in answer
    assert inbound_count(runtime) == 1


@pytest.mark.parametrize(
    ("body", "opening"),
    [
        ("hello? who is this", "This number"),
        ("Hola, ¿quién es?", "Este número"),
        ("tengo dolor de espalda", "Este número"),
        ("8", "This number"),
    ],
)
def test_unknown_number_is_answered_in_the_language_it_wrote(
    client, settings, body, opening
) -> None:
    [answer] = say(client, settings, body, sender="+14155559999")
    assert answer.startswith(opening)
    assert settings.clinic_phone in answer


@pytest.mark.parametrize("keyword", ["STOP", "stop", " Stop. ", "UNSUBSCRIBE", "cancelar", "ALTO"])
def test_stop_keyword_opts_out_and_answers_an_empty_response(
    client, settings, runtime, sent, keyword
) -> None:
    response = post_sms(client, settings, keyword, PHONE)
    assert replies(response) == []
    assert "<Response />" in response.get_data(as_text=True) or "<Response/>" in response.get_data(
        as_text=True
    )
    with runtime.sessions() as session:
        assert session.scalars(select(Patient)).one().opted_out_at is not None
        statuses = [c.status for c in session.scalars(select(CheckIn).order_by(CheckIn.due_at))]
    assert statuses == [CheckInStatus.SENT, CheckInStatus.CANCELLED], (
        "the sent one keeps its status"
    )
    assert len(flags_of(runtime, FlagKind.OPTED_OUT)) == 1


def test_twilio_opt_out_type_opts_out(client, settings, runtime, sent) -> None:
    assert say(client, settings, "Arrêtez", OptOutType="STOP") == []
    with runtime.sessions() as session:
        assert session.scalars(select(Patient)).one().opted_out_at is not None


def test_start_after_stop_schedules_the_future_check_ins_again(
    client, settings, runtime, sent
) -> None:
    say(client, settings, "STOP")
    say(client, settings, "START")
    with runtime.sessions() as session:
        assert session.scalars(select(Patient)).one().opted_out_at is None
        second = session.scalars(select(CheckIn).order_by(CheckIn.due_at.desc())).first()
    assert second.status == CheckInStatus.SCHEDULED


@pytest.mark.parametrize("keyword", ["HELP", "info", "Ayuda", "help please", "Ayuda por favor"])
def test_help_answers_with_the_clinic_name_and_phone(client, settings, sent, keyword) -> None:
    [answer] = say(client, settings, keyword)
    assert settings.clinic_name in answer
    assert settings.clinic_phone in answer


def test_a_plain_request_to_stop_opts_out_with_our_own_confirmation(
    client, settings, runtime, sent
) -> None:
    [confirmation] = say(client, settings, "Please stop texting me")
    assert "no more check-in texts" in confirmation
    with runtime.sessions() as session:
        assert session.scalars(select(Patient)).one().opted_out_at is not None


def test_a_stop_request_with_a_warning_sign_still_raises_the_urgent_flag(
    client, settings, runtime, sent
) -> None:
    answers = say(client, settings, "stop texting me, I can't breathe")
    assert any("911" in answer for answer in answers)
    [flag] = flags_of(runtime, FlagKind.RED_FLAG_SYMPTOMS)
    assert flag.severity == Severity.URGENT


def test_stop_inside_an_answer_is_not_an_opt_out(client, settings, runtime, sent) -> None:
    say(client, settings, "stop the pain please, 9")
    assert first_check_in(runtime).pain == 9
    with runtime.sessions() as session:
        assert session.scalars(select(Patient)).one().opted_out_at is None


def test_warning_sign_raises_an_urgent_flag_and_advises_911(client, settings, runtime, sent):
    answers = say(client, settings, "8, and I cant feel my legs")
    assert any("911" in answer for answer in answers)
    [flag] = flags_of(runtime, FlagKind.RED_FLAG_SYMPTOMS)
    assert flag.severity == Severity.URGENT
    assert "cant feel my legs" in flag.reason
    assert first_check_in(runtime).pain == 8


def test_negated_warning_sign_is_a_high_flag_without_emergency_advice(
    client, settings, runtime, sent
) -> None:
    answers = say(client, settings, "3, no fever")
    assert not any("911 now" in answer for answer in answers)
    [flag] = flags_of(runtime, FlagKind.RED_FLAG_SYMPTOMS)
    assert flag.severity == Severity.HIGH
    assert "no fever" in flag.reason
    assert first_check_in(runtime).pain == 3


def test_warning_sign_pages_the_on_call_nurse_with_initials_only(client, settings, app, sent):
    runtime = app.extensions["recovery"]
    runtime.settings = with_settings(settings, on_call_phone="+14155550100")
    say(client, settings, "me falta el aire")
    with runtime.sessions() as session:
        [page] = session.scalars(select(Message).where(Message.kind == MessageKind.ON_CALL))
    assert page.to_number == "+14155550100"
    assert "A.L." in page.body
    assert "aire" not in page.body and "Ann" not in page.body


def test_a_new_sign_on_an_acknowledged_flag_reopens_it_and_pages_again(
    client, settings, app, auth, sent
) -> None:
    runtime = app.extensions["recovery"]
    runtime.settings = with_settings(settings, on_call_phone="+14155550100")
    say(client, settings, "me falta el aire")
    [flag] = flags_of(runtime, FlagKind.RED_FLAG_SYMPTOMS)
    acknowledged = client.post(f"/api/v1/flags/{flag.id}/acknowledge", headers=auth)
    assert acknowledged.status_code == 200
    say(client, settings, "y ahora se me duermen las piernas")
    [flag] = flags_of(runtime, FlagKind.RED_FLAG_SYMPTOMS)
    assert (flag.status, flag.severity) == (FlagStatus.OPEN, Severity.URGENT)
    assert flag.reason.startswith("New since ")
    assert "se me duermen las piernas" in flag.reason
    with runtime.sessions() as session:
        pages = session.scalars(select(Message).where(Message.kind == MessageKind.ON_CALL))
        assert len(list(pages)) == 2


def test_warning_sign_without_any_check_in_open_still_raises_the_flag(
    client, settings, runtime
) -> None:
    enroll_patient(runtime, PHONE)
    answers = say(client, settings, "chest pain and short of breath")
    assert any("911" in answer for answer in answers)
    assert len(flags_of(runtime, FlagKind.RED_FLAG_SYMPTOMS)) == 1


def test_text_with_no_check_in_open_goes_to_a_nurse(client, settings, runtime) -> None:
    enroll_patient(runtime, PHONE)
    [answer] = say(client, settings, "when is my next appointment?")
    assert "care team will see your message" in answer
    assert len(flags_of(runtime, FlagKind.NEEDS_REVIEW)) == 1


def test_an_answer_days_after_an_outage_is_not_filed_as_that_check_ins_score(
    client, settings, runtime, sent
) -> None:
    run_due_work(runtime, now=MORNING + timedelta(days=2))  # no reminder: far too late
    text = InboundText("SM" + "3" * 32, PHONE, settings.twilio_from_number, "3")
    receive_text(runtime, text, now=MORNING + timedelta(days=2, minutes=5))
    check_in = first_check_in(runtime)
    assert (check_in.status, check_in.pain) == (CheckInStatus.MISSED, None)
    [flag] = flags_of(runtime, FlagKind.NEEDS_REVIEW)
    assert '"3"' in flag.reason


def test_a_sent_check_in_keeps_its_status_after_stop_and_takes_a_late_answer(
    client, settings, runtime, sent
) -> None:
    say(client, settings, "STOP")
    run_due_work(runtime, now=MORNING + timedelta(hours=9))
    check_in = first_check_in(runtime)
    assert check_in.status == CheckInStatus.SENT
    assert flags_of(runtime, FlagKind.NO_RESPONSE) == []
    say(client, settings, "4")
    assert first_check_in(runtime).pain == 4


def test_late_pain_score_completes_a_missed_check_in(client, settings, runtime, sent) -> None:
    run_due_work(runtime, now=MORNING + timedelta(hours=4))
    run_due_work(runtime, now=MORNING + timedelta(hours=8))
    assert first_check_in(runtime).status == CheckInStatus.MISSED
    say(client, settings, "5")
    assert first_check_in(runtime).pain == 5


def test_a_late_answer_resolves_the_no_response_flag_saying_why(
    client, settings, runtime, sent
) -> None:
    run_due_work(runtime, now=MORNING + timedelta(hours=4))
    run_due_work(runtime, now=MORNING + timedelta(hours=8))
    [flag] = flags_of(runtime, FlagKind.NO_RESPONSE)
    assert flag.status == FlagStatus.OPEN
    say(client, settings, "5")
    [flag] = flags_of(runtime, FlagKind.NO_RESPONSE)
    assert (flag.status, flag.resolved_by) == (FlagStatus.RESOLVED, "system")
    assert "late answer came for the 24h check-in" in (flag.resolution_note or "")


def test_pain_ten_is_flagged_the_moment_it_arrives(client, settings, runtime, sent) -> None:
    say(client, settings, "10")
    [flag] = flags_of(runtime, FlagKind.SEVERE_PAIN)
    assert flag.severity == Severity.HIGH


def test_a_failure_while_answering_keeps_the_text_and_flags_it(
    client, settings, runtime, sent
) -> None:
    with runtime.transaction() as session:  # a protocol row damaged behind the service's back
        session.execute(text("UPDATE protocols SET definition = '{}'"))
    response = post_sms(client, settings, "7", PHONE)
    assert response.status_code == 200
    assert inbound_count(runtime) == 1
    assert len(flags_of(runtime, FlagKind.NEEDS_REVIEW)) == 1


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.text(max_size=1600))
def test_any_text_is_stored_and_answered_without_an_error(client, settings: Settings, body):
    runtime = client.application.extensions["recovery"]
    before = inbound_count(runtime)
    response = post_sms(client, settings, body, "+14155550177")
    assert response.status_code == 200
    assert inbound_count(runtime) == before + 1


def test_a_text_while_the_database_is_unreachable_gets_503_at_once(settings) -> None:
    """Nothing listens where the database should be: Twilio is told to come back later."""
    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    unreachable = with_settings(settings, database_url=nowhere)
    client = create_app(unreachable).test_client()
    response = post_sms(client, unreachable, "I can't feel my legs", PHONE)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
