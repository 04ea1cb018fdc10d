"""Texts from one patient that arrive at the same moment are answered one after the other."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from recovery.models import CheckIn, Enrollment
from recovery.sending.due_work import run_due_work
from recovery.states import CheckInStatus
from tests.support.factories import MORNING, enroll_patient, phone_number
from tests.support.sms_client import post_sms

PATIENTS = 6


def test_pain_and_activity_sent_at_once_are_both_kept(app, settings, runtime) -> None:
    phones = [phone_number(300 + index) for index in range(PATIENTS)]
    enrollment_ids = [enroll_patient(runtime, phone) for phone in phones]
    run_due_work(runtime, now=MORNING)
    texts = [(phone, body) for phone in phones for body in ("pain 7", "activity 2")]
    start = threading.Barrier(len(texts))

    def post(phone: str, body: str) -> int:
        client = app.test_client()
        start.wait()
        return post_sms(client, settings, body, phone).status_code

    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        statuses = list(pool.map(lambda text: post(*text), texts))
    assert statuses == [200] * len(texts)
    with runtime.sessions() as session:
        for enrollment_id in enrollment_ids:
            first = session.scalars(
                select(CheckIn)
                .join(Enrollment)
                .where(Enrollment.id == enrollment_id)
                .order_by(CheckIn.due_at)
            ).first()
            assert (first.pain, first.activity, first.status) == (7, 2, CheckInStatus.ANSWERED)
