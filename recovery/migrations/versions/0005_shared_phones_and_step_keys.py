"""patients may share a phone; check-ins keep their protocol step's stable key

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 02:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_constraint("uq_patients_phone", type_="unique")
        batch_op.create_index("ix_patients_phone", ["phone"], unique=False)
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("step_key", sa.String(length=32), nullable=True))
    # Until now a step was known by its label: that label is its key.
    op.execute("UPDATE check_ins SET step_key = label")


def downgrade() -> None:
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_column("step_key")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index("ix_patients_phone")
        batch_op.create_unique_constraint("uq_patients_phone", ["phone"])
