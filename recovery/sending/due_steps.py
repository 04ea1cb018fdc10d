"""Which steps of the due-work pass have anything to do: one statement asks them all.

Most passes find nothing due, all day long. Asking first costs one round trip; each step
then runs only when its own conditions (the very ones its query uses, before its finer
checks) match a row, so a step left out would have found nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, false, select
from sqlalchemy.orm import Session

from recovery.flags.paging import paged_once
from recovery.models import Base, CheckIn, Flag, Message
from recovery.sending.check_ins import due_to_queue, waiting
from recovery.sending.outbox import due_texts
from recovery.sending.reconcile import expired
from recovery.sending.status_checks import quiet
from recovery.sending.unsent_replies import unsettled


@dataclass(frozen=True)
class DueSteps:
    """For each step of the pass: whether a row matches its conditions."""

    check_ins: bool
    waits: bool
    pages: bool
    expired_leases: bool
    unsent_replies: bool
    pending_texts: bool
    quiet_statuses: bool


def due_steps(session: Session, *, now: datetime, with_pages: bool) -> DueSteps:
    """Ask, in one statement, which steps of the pass have work as of ``now``.

    ``with_pages``: whether to ask about repeat pages (only when an on-call phone is set;
    the question reads every open flag).
    """
    questions: dict[str, tuple[type[Base], list[ColumnElement[bool]]]] = {
        "check_ins": (CheckIn, due_to_queue(now)),
        "waits": (CheckIn, waiting(now)),
        "pages": (Flag, paged_once() if with_pages else [false()]),
        "expired_leases": (Message, expired(now)),
        "unsent_replies": (Message, unsettled(now)),
        "pending_texts": (Message, due_texts(now)),
        "quiet_statuses": (Message, quiet(now)),
    }
    query = select(
        *(
            exists().where(*conditions).select_from(model).label(name)
            for name, (model, conditions) in questions.items()
        )
    )
    return DueSteps(**session.execute(query).one()._asdict())
