"""inbound texts of erased patients are not fetched again

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 06:30:00
"""

import sqlalchemy as sa
from alembic import op

from recovery.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forgotten_texts",
        sa.Column("sid_sha256", sa.String(length=64), nullable=False),
        sa.Column("forgotten_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sid_sha256", name=op.f("pk_forgotten_texts")),
    )


def downgrade() -> None:
    op.drop_table("forgotten_texts")
