"""The migrations build the schema the models describe, on every database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from recovery.db import is_up_to_date, make_engine, upgrade_database
from recovery.models import Base
from tests.recovery.migrations.test_tallies_migration import triggers


def test_migrations_match_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert is_up_to_date(engine)
    engine.dispose()


def test_empty_sqlite_database_upgrades_to_head_twice(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/empty.db")
    assert not is_up_to_date(engine)
    upgrade_database(engine)
    upgrade_database(engine)
    assert is_up_to_date(engine)
    assert {"patients", "enrollments", "check_ins", "messages", "flags"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/pragmas.db")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    engine.dispose()


def test_postgres_urls_use_psycopg_3() -> None:
    engine = make_engine("postgresql://someone@127.0.0.1:1/nothing")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


def test_the_schema_counts_texts_and_flags_by_triggers(database_url: str) -> None:
    engine = make_engine(database_url)
    names = {
        f"{tally}_{event}"
        for tally in ("message_tallies", "flag_tallies")
        for event in ("insert", "update", "delete")
    }
    assert triggers(engine) == names
    engine.dispose()
