"""One inbound text being answered: the patient, the enrollment, and the replies so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from recovery.flags.lifecycle import raise_flag
from recovery.models import Enrollment, Message, Patient
from recovery.protocols.definitions import ProtocolSpec, spec_of
from recovery.runtime import Clinic, OnCall
from recovery.states import EnrollmentStatus, FlagKind

AFTER_OPT_OUT = frozenset({"help", "urgent_advice", "opt_out_confirmation", "opt_in_confirmation"})


@dataclass
class Turn:
    """One inbound text being answered: who, where, and the replies so far."""

    session: Session
    message: Message
    patient: Patient
    enrollment: Enrollment | None
    clinic: Clinic
    on_call: OnCall | None
    now: datetime
    replies: list[str] = field(default_factory=list)
    flagged: list[FlagKind] = field(default_factory=list)

    @property
    def spec(self) -> ProtocolSpec | None:
        """The protocol version the enrollment was planned with."""
        return spec_of(self.enrollment.protocol) if self.enrollment else None

    def say(self, key: str) -> None:
        """Add a protocol text to the replies, in the patient's language.

        After an opt-out only what carriers allow goes back (the confirmations, HELP) and the
        emergency advice; the conversation's questions and thanks stop.
        """
        spec = self.spec
        if self.patient.opted_out_at is not None and key not in AFTER_OPT_OUT:
            return
        if spec is not None:
            values = {"clinic_name": self.clinic.name, "clinic_phone": self.clinic.phone}
            values["first_name"] = self.patient.name.split()[0]
            self.replies.append(spec.text(key, self.patient.language, **values))

    def flag(self, kind: FlagKind, reason: str, **options: object) -> None:
        """Raise a flag on the enrollment, citing this text."""
        if self.enrollment is not None:
            self.flagged.append(kind)
            raise_flag(
                self.session,
                self.enrollment,
                kind,
                reason=reason,
                now=self.now,
                message_ids=(self.message.id,),
                **options,  # type: ignore[arg-type]
            )


def current_enrollment(patient: Patient) -> Enrollment | None:
    """The enrollment a text from the patient belongs to: the newest active one, else the newest."""
    active = [e for e in patient.enrollments if e.status == EnrollmentStatus.ACTIVE]
    chosen = active or patient.enrollments
    return chosen[-1] if chosen else None


def quote(body: str, limit: int = 160) -> str:
    """A patient's words in quotes, on one line, cut short when long."""
    text = " ".join(body.split())
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'
