"""Migration 0006 (texts and flags counted by triggers) on a database that holds data: the
tallies start at the counts, follow later changes, and a downgrade takes them away."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, func, insert, inspect, select, update

from recovery.db import alembic_config, upgrade_database
from recovery.models import Base, Flag, FlagTally, Message, MessageTally
from recovery.states import FlagStatus, MessageStatus
from tests.recovery.migrations.test_shared_phones_migration import rows

TRIGGERS = {
    f"{tally}_{event}"
    for tally in ("message_tallies", "flag_tallies")
    for event in ("insert", "update", "delete")
}


def _counts(engine: Engine) -> list[dict[tuple[object, ...], int]]:
    """The tallies' sums and the direct counts, for texts then flags."""
    pairs = (
        (MessageTally, Message, ("direction", "status", "error_code")),
        (FlagTally, Flag, ("kind", "severity", "status")),
    )
    found = []
    with engine.connect() as connection:
        for tally, counted, labels in pairs:
            by = [getattr(tally, label) for label in labels]
            sums = select(*by, func.sum(tally.delta)).group_by(*by)
            found.append({tuple(row[:-1]): row[-1] for row in connection.execute(sums) if row[-1]})
            by = [getattr(counted, label) for label in labels]
            direct = select(*by, func.count()).group_by(*by)
            found.append({tuple(row[:-1]): row[-1] for row in connection.execute(direct)})
    return found


def triggers(engine: Engine) -> set[str]:
    """The names of the triggers in the database."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        return set(connection.exec_driver_sql(query).scalars())


def test_upgrading_through_0006_counts_what_is_there_and_what_changes(blank_engine) -> None:
    upgrade_database(blank_engine, "0005")
    with blank_engine.begin() as connection:
        for model, values in rows():
            connection.execute(insert(Base.metadata.tables[model.__tablename__]), [values])

    upgrade_database(blank_engine)

    texts, texts_counted, flags, flags_counted = _counts(blank_engine)
    assert (texts, flags) == (texts_counted, flags_counted)
    assert sum(texts.values()) == 3 and sum(flags.values()) == 3
    assert triggers(blank_engine) == TRIGGERS
    with blank_engine.begin() as connection:
        connection.execute(update(Message).values(status=MessageStatus.FAILED, error_code=30003))
        connection.execute(update(Flag).values(status=FlagStatus.RESOLVED))
    texts, texts_counted, flags, flags_counted = _counts(blank_engine)
    assert (texts, flags) == (texts_counted, flags_counted)


def test_downgrading_0006_drops_the_tallies_and_their_triggers(blank_engine) -> None:
    upgrade_database(blank_engine)
    config = alembic_config(blank_engine)
    with blank_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")

    assert triggers(blank_engine) == set()
    assert "message_tallies" not in inspect(blank_engine).get_table_names()
    upgrade_database(blank_engine)
    assert triggers(blank_engine) == TRIGGERS
