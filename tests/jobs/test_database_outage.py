"""The database goes away during a burst of texts, and comes back.

A PostgreSQL server of the test's own is stopped while patients text: the webhook answers
503 at once and stores nothing, Twilio keeps the texts, and once the server is started again
the catch-up pass handles every one of them, once.
"""

from __future__ import annotations

import gc
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from jobs.catch_up import catch_up_inbound
from recovery import runtime_of
from recovery.db import make_engine, upgrade_database
from recovery.models import CheckIn, Message
from recovery.sending.due_work import run_due_work
from recovery.states import CheckInStatus, Direction
from tests.conftest import free_port
from tests.support.factories import MORNING, enroll_patient, phone_number
from tests.support.pg_server import OwnPostgres
from tests.support.twilio_inbound import text_in

PATIENTS = 10


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    server = OwnPostgres(free_port())
    server.start()
    yield server
    server.remove()


@pytest.fixture
def database_url(own_postgres: OwnPostgres) -> str:
    """The service's database, migrated, on a server this test may stop."""
    url = own_postgres.create_database("recovery")
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    return url


@pytest.fixture
def runtime(live_app):  # type: ignore[no-untyped-def]
    return runtime_of(live_app)


def test_texts_sent_while_the_database_was_down_are_all_handled_once(
    runtime, twilio, live_port, own_postgres
) -> None:
    phones = [phone_number(i) for i in range(PATIENTS)]
    for phone in phones:
        enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING)
    webhook = f"http://127.0.0.1:{live_port}/webhooks/twilio/sms"
    own_postgres.stop()
    for index, phone in enumerate(phones):
        began = time.monotonic()
        arrived = MORNING + timedelta(minutes=30, seconds=index)
        answered = text_in(twilio, webhook, phone, str(index % 11), at=arrived)
        assert answered.status == 503
        assert time.monotonic() - began < 8, "the webhook fails fast, it does not hang"
    own_postgres.start()
    counts = catch_up_inbound(runtime, now=MORNING + timedelta(hours=1), since=MORNING)
    assert counts["handled"] == PATIENTS
    with runtime.sessions() as session:
        inbound = session.scalars(select(Message).where(Message.direction == Direction.INBOUND))
        assert Counter(m.from_number for m in inbound) == Counter(phones)
        partial = session.scalars(
            select(CheckIn).where(CheckIn.label == "24h", CheckIn.status == CheckInStatus.PARTIAL)
        ).all()
        assert len(partial) == PATIENTS
    # The connections the stop cut are closed here, not during some later test.
    runtime.engine.dispose()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
