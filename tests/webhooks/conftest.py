"""Fixtures of the webhook tests: a patient whose check-in text has gone out."""

from __future__ import annotations

import pytest

from recovery.sending.due_work import run_due_work
from tests.support.factories import MORNING, enroll_patient

PHONE = "+14155550123"


@pytest.fixture
def sent(runtime) -> int:  # type: ignore[no-untyped-def]
    """An enrolled patient whose 24 h check-in text has gone out; the enrollment id."""
    enrollment_id = enroll_patient(runtime, PHONE, name="Ann Lee", baseline_pain=8)
    run_due_work(runtime, now=MORNING)
    return enrollment_id
