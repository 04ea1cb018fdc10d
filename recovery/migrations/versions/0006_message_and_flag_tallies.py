"""texts and flags counted by the database's triggers, for /metrics

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 09:00:00

Each tally table holds rows of changes that add up to ``COUNT(*) GROUP BY`` its labels over
the counted table. Triggers append them on every insert, delete and change of a label,
whoever writes: on PostgreSQL one row per label and statement for inserts and deletes (a bulk
insert of 10,000 texts adds a handful of rows), one pair per changed row for updates; on
SQLite one row per inserted or deleted row and a pair per changed row. The tables are seeded
with the counts at migration time, in the same transaction as the triggers are made.

A later batch migration of ``messages`` or ``flags`` on SQLite rebuilds the table and drops
its triggers: such a migration must make them again (``tests/recovery/test_db.py`` checks
that they exist at head).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# counted table: (tally table, labels)
TALLIES = {
    "messages": ("message_tallies", ("direction", "status", "error_code")),
    "flags": ("flag_tallies", ("kind", "severity", "status")),
}
TALLY_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "message_tallies",
        sa.Column("id", TALLY_ID, nullable=False),
        sa.Column("direction", _enum("direction", "inbound", "outbound"), nullable=False),
        sa.Column(
            "status",
            _enum(
                "messagestatus",
                "pending",
                "claimed",
                "accepted",
                "queued",
                "sending",
                "sent",
                "delivered",
                "undelivered",
                "failed",
                "cancelled",
                "received",
            ),
            nullable=False,
        ),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("delta", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_tallies")),
    )
    op.create_table(
        "flag_tallies",
        sa.Column("id", TALLY_ID, nullable=False),
        sa.Column(
            "kind",
            _enum(
                "flagkind",
                "red_flag_symptoms",
                "severe_pain",
                "worsening_pain",
                "persistent_pain",
                "not_improving",
                "limited_mobility",
                "no_response",
                "delivery_failure",
                "opted_out",
                "needs_review",
                "patient_comment",
            ),
            nullable=False,
        ),
        sa.Column("severity", _enum("severity", "urgent", "high", "normal"), nullable=False),
        sa.Column(
            "status", _enum("flagstatus", "open", "acknowledged", "resolved"), nullable=False
        ),
        sa.Column("delta", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_tallies")),
    )
    is_postgresql = op.get_bind().dialect.name == "postgresql"
    for counted, (tally, labels) in TALLIES.items():
        statements = _postgresql_triggers if is_postgresql else _sqlite_triggers
        for statement in statements(counted, tally, labels):
            op.execute(statement)
        columns = ", ".join(labels)
        op.execute(
            f"INSERT INTO {tally} ({columns}, delta) "
            f"SELECT {columns}, count(*) FROM {counted} GROUP BY {columns}"
        )


def downgrade() -> None:
    is_postgresql = op.get_bind().dialect.name == "postgresql"
    for counted, (tally, _labels) in TALLIES.items():
        for event in ("insert", "update", "delete"):
            on = f" ON {counted}" if is_postgresql else ""
            op.execute(f"DROP TRIGGER IF EXISTS {tally}_{event}{on}")
            if is_postgresql:
                op.execute(f"DROP FUNCTION IF EXISTS {tally}_{event}()")
        op.drop_table(tally)


def _changed(labels: tuple[str, ...], distinct: str) -> str:
    return " OR ".join(f"OLD.{label} {distinct} NEW.{label}" for label in labels)


def _values(labels: tuple[str, ...], row: str, delta: int) -> str:
    return "(" + ", ".join([*(f"{row}.{label}" for label in labels), str(delta)]) + ")"


def _sqlite_triggers(counted: str, tally: str, labels: tuple[str, ...]) -> list[str]:
    into = f"INSERT INTO {tally} ({', '.join(labels)}, delta) VALUES"
    old, new = _values(labels, "OLD", -1), _values(labels, "NEW", 1)
    return [
        f"CREATE TRIGGER {tally}_insert AFTER INSERT ON {counted} BEGIN {into} {new}; END",
        f"CREATE TRIGGER {tally}_update AFTER UPDATE OF {', '.join(labels)} ON {counted} "
        f"WHEN {_changed(labels, 'IS NOT')} BEGIN {into} {old}, {new}; END",
        f"CREATE TRIGGER {tally}_delete AFTER DELETE ON {counted} BEGIN {into} {old}; END",
    ]


def _postgresql_triggers(counted: str, tally: str, labels: tuple[str, ...]) -> list[str]:
    columns = ", ".join(labels)
    into = f"INSERT INTO {tally} ({columns}, delta)"

    def function(name: str, body: str) -> str:
        return (
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body}; RETURN NULL; END $$"
        )

    def per_statement(rows: str, sign: str) -> str:
        return f"{into} SELECT {columns}, {sign}count(*) FROM {rows} GROUP BY {columns}"

    return [
        function(f"{tally}_insert", per_statement("new_rows", "")),
        f"CREATE TRIGGER {tally}_insert AFTER INSERT ON {counted} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {tally}_insert()",
        function(f"{tally}_delete", per_statement("old_rows", "-")),
        f"CREATE TRIGGER {tally}_delete AFTER DELETE ON {counted} "
        f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {tally}_delete()",
        function(
            f"{tally}_update",
            f"{into} VALUES {_values(labels, 'OLD', -1)}, {_values(labels, 'NEW', 1)}",
        ),
        f"CREATE TRIGGER {tally}_update AFTER UPDATE OF {columns} ON {counted} "
        f"FOR EACH ROW WHEN ({_changed(labels, 'IS DISTINCT FROM')}) "
        f"EXECUTE FUNCTION {tally}_update()",
    ]
