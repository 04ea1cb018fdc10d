"""Comments reach a nurse, reactions are only kept, a request in words records answers first.

SPEC 3 (`patient_comment`), 5.4 (opting out in words) and 5.5 (reactions phones send).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from recovery.models import Flag, Message
from recovery.states import CheckInStatus, Direction, FlagKind, FlagStatus, Severity
from tests.support.factories import enroll_patient
from tests.webhooks.test_sms import PHONE, first_check_in, flags_of, say

CHECK_IN_TEXT = (
    "Hi Ann, this is Valley Spine checking on you after your back procedure. Over the last 24"
    " hours, how bad was your back pain on average? Reply with ONE number from 0 (no pain) to"
    " 10 (worst pain imaginable)."
)


def test_an_answer_with_a_question_is_recorded_and_the_question_reaches_a_nurse(
    client, settings, runtime, sent
) -> None:
    [ask] = say(client, settings, "pain 5. Is it ok to shower yet?")
    assert "Which best fits your day?" in ask
    assert first_check_in(runtime).pain == 5
    [flag] = flags_of(runtime, FlagKind.PATIENT_COMMENT)
    assert (flag.severity, flag.status) == (Severity.NORMAL, FlagStatus.OPEN)
    assert '"pain 5. Is it ok to shower yet?"' in flag.reason


def test_an_unforeseen_warning_sign_still_reaches_a_nurse_as_a_comment(
    client, settings, runtime, sent
) -> None:
    say(client, settings, "4 but my grandson says I keep zoning out mid sentence")
    [flag] = flags_of(runtime, FlagKind.PATIENT_COMMENT)
    assert "zoning out mid sentence" in flag.reason


def test_a_plain_answer_with_thanks_is_no_comment(client, settings, runtime, sent) -> None:
    say(client, settings, "Mom says her pain is about a 6 today, thank you!")
    say(client, settings, "mostly in bed")
    check_in = first_check_in(runtime)
    assert (check_in.pain, check_in.activity) == (6, 1)
    assert flags_of(runtime, FlagKind.PATIENT_COMMENT) == []


def test_a_text_already_quoted_on_a_review_flag_raises_no_comment_too(
    client, settings, runtime
) -> None:
    enroll_patient(runtime, PHONE, name="Ann Lee")  # nothing sent yet: no check-in open
    say(client, settings, "Can I drive to church on Sunday?")
    assert [f.kind for f in _flags(runtime)] == [FlagKind.NEEDS_REVIEW]


def test_a_second_comment_adds_to_the_same_flag(client, settings, runtime, sent) -> None:
    say(client, settings, "6, the new pills make me itchy")
    say(client, settings, "2, and my appointment card got wet, what day is it?")
    [flag] = flags_of(runtime, FlagKind.PATIENT_COMMENT)
    assert len(flag.evidence["message_ids"]) == 2
    assert "what day is it?" in flag.reason


@pytest.mark.parametrize(
    "reaction",
    [
        f"Liked \u201c{CHECK_IN_TEXT}\u201d",
        f"Questioned \u201c{CHECK_IN_TEXT}\u201d",
        f'Reacted \U0001f44d to "{CHECK_IN_TEXT}"',
        "Le gust\u00f3 \u201cResponda con UN n\u00famero del 0 (nada de dolor) al 10.\u201d",
    ],
)
def test_a_reaction_is_kept_and_never_read(client, settings, runtime, sent, reaction) -> None:
    assert say(client, settings, reaction) == []
    check_in = first_check_in(runtime)
    assert (check_in.status, check_in.pain, check_in.pain_reprompted) == (
        CheckInStatus.SENT,
        None,
        False,
    )
    assert _flags(runtime) == []
    with runtime.sessions() as session:
        bodies = session.scalars(select(Message.body).where(Message.direction == Direction.INBOUND))
        assert list(bodies) == [reaction]
    [ask] = say(client, settings, "3")
    assert "Which best fits your day?" in ask


def test_stop_in_words_records_the_answer_first(client, settings, runtime, sent) -> None:
    [stopped] = say(client, settings, "stop texting me, my pain is 4")
    assert "You will get no more check-in texts" in stopped
    assert first_check_in(runtime).pain == 4
    [flag] = flags_of(runtime, FlagKind.OPTED_OUT)
    assert '"stop texting me, my pain is 4"' in flag.reason


def _flags(runtime) -> list[Flag]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return list(session.scalars(select(Flag)))


def test_a_second_request_in_words_to_stop_is_not_confirmed_again(
    client, settings, runtime, sent
) -> None:
    [stopped] = say(client, settings, "please stop texting me")
    assert "You will get no more check-in texts" in stopped
    assert say(client, settings, "I said stop texting me!!") == []
    assert len(flags_of(runtime, FlagKind.OPTED_OUT)) == 1


def test_a_correction_after_the_check_in_is_complete_updates_it_and_runs_the_rules(
    client, settings, runtime, auth, sent
) -> None:
    say(client, settings, "7")
    say(client, settings, "2")
    [thanks] = say(client, settings, "sorry, pain is 10 not 7")
    assert "your care team will review your answers" in thanks
    document = client.get(f"/api/v1/enrollments/{sent}", headers=auth).get_json()
    [check_in] = [c for c in document["check_ins"] if c["label"] == "24h"]
    assert (check_in["status"], check_in["pain"], check_in["activity"]) == ("answered", 10, 2)
    assert check_in["reason"] == "corrected: pain 7 -> 10"
    assert [f["kind"] for f in document["flags"]] == ["severe_pain"]
    assert flags_of(runtime, FlagKind.NEEDS_REVIEW) == []


def test_a_correction_that_changes_nothing_goes_to_a_nurse(client, settings, runtime, sent) -> None:
    say(client, settings, "7, 2")
    say(client, settings, "sorry I meant 7")
    check_in = first_check_in(runtime)
    assert (check_in.pain, check_in.reason) == (7, None)
    assert len(flags_of(runtime, FlagKind.NEEDS_REVIEW)) == 1


def test_opting_back_in_resolves_the_opted_out_flag_saying_why(
    client, settings, runtime, sent
) -> None:
    say(client, settings, "STOP")
    say(client, settings, "START")
    [flag] = flags_of(runtime, FlagKind.OPTED_OUT)
    assert (flag.status, flag.resolved_by) == (FlagStatus.RESOLVED, "system")
    assert "opted back in" in (flag.resolution_note or "")
