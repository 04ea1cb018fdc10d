"""``/metrics`` counts texts and flags from the database's tallies: its figures equal a COUNT
over the tables whatever wrote them (the service, bulk SQL, an erasure, a purge, concurrent
writers), and after the tallies are folded."""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, delete, func, select, update

from recovery.api.metrics import FOLD_AFTER
from recovery.db import TALLIES, fold_tallies
from recovery.models import Enrollment, Flag, Message
from recovery.patients.follow_up import withdraw
from recovery.patients.retention import purge_expired
from recovery.runtime import Runtime
from recovery.sending.due_work import run_due_work
from recovery.states import Direction, FlagStatus, MessageStatus
from tests.conftest import with_settings
from tests.perf.data import add_patients, finish, insert_rows, message
from tests.support.factories import MORNING, enroll_patient, phone_number
from tests.support.sms_client import post_sms

TOKEN = "metrics-token-for-tests"
COUNTED = (
    "recovery_outbound_texts",
    "recovery_send_failures",
    "recovery_inbound_texts",
    "recovery_flags_raised",
    "recovery_open_flags",
)
FAILED = (MessageStatus.FAILED, MessageStatus.UNDELIVERED)
STATUSES = (
    MessageStatus.PENDING,
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.FAILED,
    MessageStatus.UNDELIVERED,
)
Figures = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scraped(client) -> Figures:  # type: ignore[no-untyped-def]
    """The counted figures as ``/metrics`` answers them."""
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.get_data(as_text=True))
        for sample in family.samples
        if sample.name in COUNTED
    }


def counted(engine: Engine) -> Figures:
    """The same figures counted directly over ``messages`` and ``flags``."""
    with engine.connect() as connection:

        def rows(*columns: Any, where: Any = True) -> list[Any]:
            query = select(*columns, func.count()).where(where).group_by(*columns)
            return list(connection.execute(query))

        by_status = dict(rows(Message.status))
        failing = (Message.direction == Direction.OUTBOUND) & Message.status.in_(FAILED)
        figures: Figures = {("recovery_inbound_texts", ()): by_status.pop("received", 0)}
        for status, count in by_status.items():
            figures["recovery_outbound_texts", (("status", status),)] = count
        for code, count in rows(Message.error_code, where=failing):
            label = "none" if code is None else str(code)
            figures["recovery_send_failures", (("error_code", label),)] = count
        for kind, severity, count in rows(Flag.kind, Flag.severity):
            figures["recovery_flags_raised", (("kind", kind), ("severity", severity))] = count
        for severity, count in rows(Flag.severity, where=Flag.status == FlagStatus.OPEN):
            figures["recovery_open_flags", (("severity", severity),)] = count
    return figures


def _scraping(app, settings):  # type: ignore[no-untyped-def]
    app.extensions["recovery"].settings = with_settings(settings, metrics_token=TOKEN)
    return app.test_client()


def _fold(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return fold_tallies(session)


def _tally_rows(runtime: Runtime, *, per_label: bool = False) -> int:
    """How many rows the tallies hold (or how many labels, with ``per_label``)."""
    counted = 0
    with runtime.engine.connect() as connection:
        for table, labels in TALLIES.items():
            columns = ", ".join(labels)
            rows = (
                f"SELECT DISTINCT {columns} FROM {table}"
                if per_label
                else f"SELECT id FROM {table}"
            )
            counted += connection.exec_driver_sql(
                f"SELECT count(*) FROM ({rows}) AS r"
            ).scalar_one()
    return counted


def _conversations(runtime: Runtime, client, settings, patients: int = 3) -> None:  # type: ignore[no-untyped-def]
    for index in range(patients):
        enroll_patient(runtime, phone_number(index), name=f"Pat {index}")
    run_due_work(runtime, now=MORNING)
    for index, text in enumerate(("8", "I can't feel my legs", "hello?")):
        assert post_sms(client, settings, text, phone_number(index % patients)).status_code == 200


def test_figures_equal_the_counts_through_texts_replies_flags_and_folding(
    app, settings, runtime
) -> None:
    client = _scraping(app, settings)
    _conversations(runtime, client, settings)
    figures = scraped(client)
    assert figures == counted(runtime.engine)
    assert figures["recovery_inbound_texts", ()] == 3

    assert _fold(runtime) > 0

    assert scraped(client) == counted(runtime.engine)
    assert _tally_rows(runtime) == _tally_rows(runtime, per_label=True)
    assert _fold(runtime) == 0  # one row a label already: the fold leaves the table alone


def test_erasing_and_purging_patients_take_their_texts_and_flags_out_of_the_figures(
    app, settings, runtime, runner
) -> None:
    client = _scraping(app, settings)
    _conversations(runtime, client, settings)
    _fold(runtime)
    with runtime.transaction() as session:
        for enrollment_id in (1, 2):
            withdraw(
                session, session.get_one(Enrollment, enrollment_id), actor="nurse", now=MORNING
            )

    erased = runner.invoke(args=["erase-patient", "2", "--reason", "patient asked"])

    assert erased.exit_code == 0, erased.output
    assert scraped(client) == counted(runtime.engine)
    with runtime.transaction() as session:
        purge = purge_expired(session, days=1, now=MORNING + timedelta(days=3), actor="tests")
    assert purge.patient_ids == [1]
    assert scraped(client) == counted(runtime.engine)
    with runtime.sessions() as session:
        assert session.scalar(select(func.count(Message.id))) > 0  # the third patient's


def test_bulk_inserts_updates_and_deletes_in_sql_are_counted(app, settings, runtime) -> None:
    client = _scraping(app, settings)
    texts = 3_000
    add_patients(runtime.engine, 10, lambda _index: MORNING)
    rows = (
        message(
            i, 1 + i % 10, MORNING, "check_in", status=STATUSES[i % 5], error_code=i % 3 or None
        )
        for i in range(1, texts + 1)
    )
    with runtime.engine.begin() as connection:
        insert_rows(connection, Message, rows)
        finish(connection)
    assert scraped(client) == counted(runtime.engine)

    with runtime.engine.begin() as connection:
        connection.execute(
            update(Message)
            .where(Message.id % 4 == 0)
            .values(status=MessageStatus.UNDELIVERED, error_code=30006)
        )
        connection.execute(update(Message).where(Message.id % 7 == 0).values(error_code=30003))
        connection.execute(delete(Message).where(Message.id % 5 == 0))
    assert scraped(client) == counted(runtime.engine)
    _fold(runtime)
    assert scraped(client) == counted(runtime.engine)


def test_a_scrape_that_sums_many_rows_folds_them(app, settings, runtime) -> None:
    client = _scraping(app, settings)
    add_patients(runtime.engine, 1, lambda _index: MORNING)
    changes = FOLD_AFTER // 2 + 1
    with runtime.engine.begin() as connection:
        insert_rows(
            connection, Message, (message(i, 1, MORNING, "check_in") for i in range(1, changes + 1))
        )
        connection.execute(update(Message).values(status=MessageStatus.SENT))  # a pair each
    assert _tally_rows(runtime) > FOLD_AFTER

    first = scraped(client)

    assert first == counted(runtime.engine)
    assert _tally_rows(runtime) == 1
    assert scraped(client) == first


def test_concurrent_writers_and_folders_lose_no_change(app, settings, runtime) -> None:
    client = _scraping(app, settings)
    add_patients(runtime.engine, 4, lambda _index: MORNING)
    with runtime.engine.begin() as connection:
        insert_rows(
            connection, Message, (message(i, 1 + i % 4, MORNING, "check_in") for i in range(1, 401))
        )
        finish(connection)
    stop = threading.Event()
    failures: list[Exception] = []

    def write(seed: int) -> None:
        chance = random.Random(seed)
        try:
            for _ in range(60):
                with runtime.transaction() as session:
                    # In id order, so that two writers never wait on each other in a cycle.
                    for text in sorted(chance.sample(range(1, 401), 5)):
                        status = chance.choice(STATUSES)
                        code = chance.choice((None, 30003, 30006)) if status in FAILED else None
                        session.execute(
                            update(Message)
                            .where(Message.id == text)
                            .values(status=status, error_code=code)
                        )
        except Exception as failure:  # reported by the test below
            failures.append(failure)

    def fold() -> None:
        try:
            while not stop.is_set():
                _fold(runtime)
        except Exception as failure:
            failures.append(failure)

    writers = [threading.Thread(target=write, args=(seed,)) for seed in range(4)]
    folders = [threading.Thread(target=fold) for _ in range(2)]
    for thread in writers + folders:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in folders:
        thread.join()

    assert failures == []
    assert scraped(client) == counted(runtime.engine)
    _fold(runtime)
    assert scraped(client) == counted(runtime.engine)
