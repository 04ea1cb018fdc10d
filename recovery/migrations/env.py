"""Alembic environment: runs on the connection that ``recovery.db`` hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from recovery.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations(connection) -> None:  # type: ignore[no-untyped-def]
    """Run the migrations on one connection, in batch mode for SQLite."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url")).connect() as own:
        run_migrations(own)
