"""Blind corpora through the signed webhook: each reply sent by a patient in its situation.

A case of corpora/unseen.json (see tests/recovery/understanding/scoring.py) says which
question was open when the text came: "pain" (the check-in was just sent), "activity" (the
patient already answered pain with 5) or "none" (nothing open). Every case gets its own
patient and phone in one database; what the service did is read back from the database: the
check-in's answers, the warning-sign flag's severity, an opt-out, the HELP answer, and
whether a flag quotes the text for a nurse (or the text was asked about again).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from recovery.models import CheckIn, Flag, Message, Patient
from recovery.runtime import Runtime
from recovery.sending.due_work import run_due_work
from recovery.states import Direction, FlagKind, Severity
from tests.recovery.understanding.scoring import Outcome, is_right
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import post_sms, replies

FIRST_PAIN = 5
HELP_WORDS = ("For questions call", "Si tiene preguntas llame")
RETRY_WORDS = ("didn't catch that", "no le entendimos")


@dataclass(frozen=True)
class Score:
    """How a corpus fared: right per kind, and the counts a nurse cares about."""

    right: Counter[str]
    total: Counter[str]
    counts: Counter[str]
    wrong: list[str]

    def share(self, kind: str | None = None) -> float:
        """The share of cases right, of one kind or of all."""
        if kind is None:
            return sum(self.right.values()) / sum(self.total.values())
        return self.right[kind] / self.total[kind]

    def table(self) -> str:
        """Per kind, then in all, then the counts."""
        lines = [
            f"{k:<14}{self.right[k]:>5}/{self.total[k]:<5}{100 * self.share(k):6.1f}%"
            for k in sorted(self.total)
        ]
        all_right, all_total = sum(self.right.values()), sum(self.total.values())
        lines.append(f"{'all':<14}{all_right:>5}/{all_total:<5}{100 * self.share():6.1f}%")
        lines.extend(f"{name}: {count}" for name, count in sorted(self.counts.items()))
        return "\n".join(lines)


def score_through_webhook(client, settings, runtime: Runtime, cases: list[dict[str, Any]]) -> Score:  # type: ignore[no-untyped-def]
    """Send every case through the signed webhook, each from its own patient, and score it."""
    phones = [f"+1415555{index:04d}" for index in range(len(cases))]
    enrollments = []
    for phone, case in zip(phones, cases, strict=True):
        is_open = case["asked"] != "none"
        performed_at = MORNING - timedelta(hours=24 if is_open else 1)
        name = "María López" if case["language"] == "es" else "Ann Lee"
        enrollments.append(
            enroll_patient(
                runtime,
                phone,
                name=name,
                language=case["language"],
                performed_at=performed_at,
                now=MORNING - timedelta(hours=1),
            )
        )
    run_due_work(runtime, now=MORNING)
    score = Score(Counter(), Counter(), Counter(), [])
    for phone, enrollment_id, case in zip(phones, enrollments, cases, strict=True):
        if case["asked"] == "activity":
            post_sms(client, settings, str(FIRST_PAIN), phone)
        if case["keyword"] == "opt_in":
            post_sms(client, settings, "STOP", phone)
        response = post_sms(client, settings, case["text"], phone)
        assert response.status_code == 200, case["text"]
        got = _outcome(runtime, enrollment_id, phone, case, replies(response))
        _tally(score, case, got)
    return score


def _outcome(
    runtime: Runtime, enrollment_id: int, phone: str, case: dict[str, Any], answers: list[str]
) -> Outcome:
    with runtime.sessions() as session:
        check_in = session.scalars(
            select(CheckIn).where(CheckIn.enrollment_id == enrollment_id).order_by(CheckIn.due_at)
        ).first()
        flags = list(session.scalars(select(Flag).where(Flag.enrollment_id == enrollment_id)))
        patient = session.scalars(select(Patient).where(Patient.phone == phone)).one()
        message_id = session.scalars(
            select(Message.id)
            .where(Message.direction == Direction.INBOUND, Message.from_number == phone)
            .order_by(Message.id.desc())
        ).first()
    signs = [f.severity for f in flags if f.kind == FlagKind.RED_FLAG_SYMPTOMS]
    sign = "urgent" if Severity.URGENT in signs else "negated" if signs else "none"
    keyword = None
    if case["keyword"] == "opt_in":
        keyword = "opt_in" if patient.opted_out_at is None else "opt_out"
    elif patient.opted_out_at is not None:
        keyword = "opt_out"
    elif any(words in answer for answer in answers for words in HELP_WORDS):
        keyword = "help"
    pain = activity = None
    if check_in is not None and case["asked"] != "none":
        pain, activity = check_in.pain, check_in.activity
        if case["asked"] == "activity" and pain == FIRST_PAIN and case["pain"] is None:
            pain = None
    quoted = any(message_id in f.evidence.get("message_ids", []) for f in flags)
    retried = any(words in answer for answer in answers for words in RETRY_WORDS)
    return Outcome(pain, activity, sign, keyword, nurse_reads=quoted or retried)


def _tally(score: Score, case: dict[str, Any], got: Outcome) -> None:
    kind = case["kind"]
    score.total[kind] += 1
    if is_right(case, got):
        score.right[kind] += 1
    else:
        score.wrong.append(f"{kind}: {case['text']!r} -> {got}")
    if case["sign"] == "urgent" and got.sign != "urgent":
        score.counts["urgent sign without an urgent flag"] += 1
        if not got.nurse_reads:
            score.counts["urgent sign reaching no nurse"] += 1
    if got.sign == "urgent" and case["sign"] != "urgent":
        score.counts[f"false urgent ({kind})"] += 1
    score.counts["read by a nurse"] += got.nurse_reads
    score.counts["read by a nurse, not needed"] += got.nurse_reads and not case["nurse_reads"]
