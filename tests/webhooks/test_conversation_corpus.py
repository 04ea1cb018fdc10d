"""Whole conversations through the signed webhook, judged by what a user sees.

Each scenario is a patient at some point of a conversation (check-in just sent, nothing open,
a check-in that ended, the 48 h check-in), the texts they send in turn (with the clock moved
between them where it matters), what each TwiML answer must say, and what the enrollment
document from the public API shows afterwards: the check-in's pain, activity and status, the
flags, the opt-out, and every inbound text kept.

The scenarios, the phrases each answer must contain and the long texts they send live in
conversations.json beside this file, whose "about" says what each field means.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from recovery.sending.due_work import run_due_work
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import post_sms, replies

CONVERSATIONS = Path(__file__).with_name("conversations.json")
PATIENT = "+14155550123"
STRANGER = "+14155559999"
SENDERS = {"patient": PATIENT, "stranger": STRANGER}
ANY = object()
MEDIA = (
    ("NumMedia", "1"),
    ("MediaContentType0", "image/jpeg"),
    ("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1"),
)
TURN_KEYS = {"text", "expect", "photo", "message_sid"}
SCENARIO_KEYS = {
    "name",
    "turns",
    "pain",
    "activity",
    "status",
    "flags",
    "tolerated",
    "language",
    "setup",
    "is_opted_out",
    "label",
    "sender",
}


@dataclass(frozen=True)
class Text:
    """One inbound text and what its answer must say ("*": anything; "empty": nothing)."""

    body: str
    expect: str = "*"
    form: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Tick:
    """The due-work pass run this many hours after the check-in was sent."""

    hours: float


@dataclass(frozen=True)
class Scenario:
    """A patient at one point of a conversation, their texts, and the recorded outcome."""

    name: str
    turns: tuple[Text | Tick, ...]
    pain: object = None
    activity: object = None
    status: str | None = None
    flags: tuple[str, ...] = ()
    tolerated: tuple[str, ...] = ()
    language: str = "en"
    setup: str = "sent"
    is_opted_out: bool = False
    label: str = "24h"
    sender: str = PATIENT


def read_body(body: str, texts: dict[str, str]) -> str:
    """A text's body with each {name} replaced by the long text of that name."""
    for name, text in texts.items():
        body = body.replace("{" + name + "}", text)
    if "{" in body:
        raise ValueError(f"unknown long text in {body!r}; known: {sorted(texts)}")
    return body


def read_turn(turn: dict[str, Any], texts: dict[str, str]) -> Text | Tick:
    """One turn of a scenario: a text the patient sends, or the clock moved."""
    if set(turn) == {"hours_after_sent"}:
        return Tick(turn["hours_after_sent"])
    if "text" not in turn or not set(turn) <= TURN_KEYS:
        raise ValueError(f"a turn has {sorted(turn)}, not text and {sorted(TURN_KEYS)}")
    form: tuple[tuple[str, str], ...] = MEDIA if turn.get("photo") else ()
    if "message_sid" in turn:
        form = (*form, ("MessageSid", turn["message_sid"]))
    return Text(read_body(turn["text"], texts), turn.get("expect", "*"), form)


def read_answer(value: object) -> object:
    """A pain or activity score, with "*any*" read as any value."""
    return ANY if value == "*any*" else value


def read_scenario(scenario: dict[str, Any], texts: dict[str, str]) -> Scenario:
    """One scenario of conversations.json."""
    if not set(scenario) <= SCENARIO_KEYS:
        raise ValueError(f"{scenario.get('name')}: unknown {sorted(set(scenario) - SCENARIO_KEYS)}")
    fields = dict(scenario)
    fields["turns"] = tuple(read_turn(turn, texts) for turn in scenario["turns"])
    fields["pain"] = read_answer(scenario.get("pain"))
    fields["activity"] = read_answer(scenario.get("activity"))
    fields["flags"] = tuple(scenario.get("flags", ()))
    fields["tolerated"] = tuple(scenario.get("tolerated", ()))
    fields["sender"] = SENDERS[scenario.get("sender", "patient")]
    return Scenario(**fields)


CORPUS = json.loads(CONVERSATIONS.read_text(encoding="utf-8"))
FRAGMENTS: dict[str, dict[str, list[str]]] = CORPUS["fragments"]
SCENARIOS = [
    read_scenario(scenario, CORPUS["texts"])
    for group in CORPUS["groups"]
    for scenario in group["scenarios"]
]


def _expect(answers: list[str], expect: str, language: str) -> None:
    if expect == "*":
        return
    if expect == "empty":
        assert answers == [], answers
        return
    words = FRAGMENTS[language]
    for token in expect.split():
        wanted = not token.startswith("!")
        texts = [text for name in token.lstrip("!").split("|") for text in words[name]]
        found = any(text in answer for answer in answers for text in texts)
        assert found == wanted, f"{token} in {answers}"


def _start(runtime, scenario: Scenario) -> tuple[int, datetime]:  # type: ignore[no-untyped-def]
    name = "María López" if scenario.language == "es" else "Ann Lee"
    sent_at = MORNING
    if scenario.setup == "stale":
        sent_at = datetime.combine(datetime.now(UTC).date() - timedelta(days=3), time(18), UTC)
    hours = 48 if scenario.setup == "48h" else 24
    enrollment_id = enroll_patient(
        runtime,
        PATIENT,
        name=name,
        language=scenario.language,
        performed_at=sent_at - timedelta(hours=hours),
    )
    if scenario.setup != "quiet":
        run_due_work(runtime, now=sent_at)
    if scenario.setup == "stale":
        run_due_work(runtime, now=sent_at + timedelta(hours=4))
        run_due_work(runtime, now=sent_at + timedelta(hours=8))
    return enrollment_id, sent_at


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_conversation_is_answered_and_recorded_as_a_nurse_expects(
    client, settings, runtime, auth, scenario: Scenario
) -> None:
    enrollment_id, sent_at = _start(runtime, scenario)
    sids = set()
    for turn in scenario.turns:
        if isinstance(turn, Tick):
            run_due_work(runtime, now=sent_at + timedelta(hours=turn.hours))
            continue
        form = {"MessageSid": "SM" + uuid.uuid4().hex, **dict(turn.form)}
        sids.add(form["MessageSid"])
        response = post_sms(client, settings, turn.body, scenario.sender, **form)
        assert response.status_code == 200
        _expect(replies(response), turn.expect, scenario.language)
    document = client.get(f"/api/v1/enrollments/{enrollment_id}", headers=auth).get_json()
    [check_in] = [c for c in document["check_ins"] if c["label"] == scenario.label]
    for key, wanted in (("pain", scenario.pain), ("activity", scenario.activity)):
        if wanted is not ANY:
            assert check_in[key] == wanted, key
    if scenario.status:
        assert check_in["status"] == scenario.status
    flags = {f"{flag['kind']}:{flag['severity']}" for flag in document["flags"]}
    flags = {flag for flag in flags if flag.split(":")[0] not in scenario.tolerated}
    assert flags == set(scenario.flags)
    assert document["patient"]["opted_out"] == scenario.is_opted_out
    inbound = [m for m in document["messages"] if m["direction"] == "inbound"]
    assert len(inbound) == (len(sids) if scenario.sender == PATIENT else 0)
