"""Whole conversations from the reply corpus, through the real webhook.

Each case is the texts a patient sends in turn after the 24 h check-in, and what the check-in,
the flags and the patient's consent look like afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from recovery.models import CheckIn, Flag, Patient
from recovery.sending.due_work import run_due_work
from recovery.states import FlagKind, Severity
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import post_sms

PHONE = "+14155550123"


@dataclass(frozen=True)
class Conversation:
    """Texts sent in turn, and what should come of them."""

    texts: tuple[str, ...]
    pain: int | None = None
    activity: int | None = None
    language: str = "en"
    warning: Severity | None = None
    is_opted_out: bool = False


CONVERSATIONS = [
    Conversation(("7/10", "stayed in bed"), pain=7, activity=1),
    Conversation(("pain 5 and I walked to the mailbox",), pain=5, activity=3),
    Conversation(("was 8 now 3", "2, only inside"), pain=3, activity=2),
    Conversation(("it hurts a lot", "like a 6", "walked around the block"), pain=6, activity=3),
    Conversation(("took 2 tylenol at 8", "4", "back to work"), pain=4, activity=4),
    Conversation(("no pain", "Went to Walmart"), pain=0, activity=3),
    Conversation(("6 or 7", "2 or 3"), pain=7, activity=2),
    Conversation(("8 and I haven't been able to get out of bed",), pain=8, activity=1),
    Conversation(("3, no fever", "4"), pain=3, activity=4, warning=Severity.HIGH),
    Conversation(("8, my legs gave out",), pain=8, warning=Severity.URGENT),
    Conversation(("I'm ready",)),
    Conversation(("my wife has a fever",), warning=Severity.URGENT),
    Conversation(("Stop please",), is_opted_out=True),
    Conversation(("STOP",), is_opted_out=True),
    Conversation(("STOP", "START again")),
    Conversation(("6 no wait 5", "2 no wait 3"), pain=5, activity=3),
    Conversation(
        ("Pain is a seven out of ten period", "walked to the mailbox"), pain=7, activity=3
    ),
    Conversation(("could barely breathe last night, 6",), pain=6, warning=Severity.URGENT),
    Conversation(("ninguno", "todavía en cama"), pain=0, activity=1, language="es"),
    Conversation(("cero", "ya regresé al trabajo"), pain=0, activity=4, language="es"),
    Conversation(("como un 5", "fui pa la tienda"), pain=5, activity=3, language="es"),
    Conversation(("no más mensajes",), language="es", is_opted_out=True),
    Conversation(("baja",), language="es", is_opted_out=True),
    Conversation(("sies", "en la casa nomás"), pain=6, activity=2, language="es"),
    Conversation(("me falta el aire, 6",), pain=6, language="es", warning=Severity.URGENT),
    Conversation(
        ("ya no tengo fiebre, 2", "3"), pain=2, activity=3, language="es", warning=Severity.HIGH
    ),
]


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=lambda c: " / ".join(c.texts))
def test_conversation_ends_as_a_nurse_would_record_it(
    client, settings, runtime, conversation: Conversation
) -> None:
    enroll_patient(runtime, PHONE, language=conversation.language)
    run_due_work(runtime, now=MORNING)
    for text in conversation.texts:
        assert post_sms(client, settings, text, PHONE).status_code == 200
    with runtime.sessions() as session:
        check_in = session.scalars(select(CheckIn).order_by(CheckIn.due_at)).first()
        assert check_in is not None
        assert (check_in.pain, check_in.activity) == (conversation.pain, conversation.activity)
        warnings = session.scalars(select(Flag).where(Flag.kind == FlagKind.RED_FLAG_SYMPTOMS))
        assert [flag.severity for flag in warnings] == (
            [conversation.warning] if conversation.warning else []
        )
        patient = session.scalars(select(Patient)).one()
        assert (patient.opted_out_at is not None) == conversation.is_opted_out
