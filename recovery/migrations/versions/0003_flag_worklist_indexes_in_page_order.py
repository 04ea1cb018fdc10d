"""flag worklist indexes in page order

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 16:40:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index('ix_flags_worklist')
        batch_op.create_index('ix_flags_worklist', ['status', sa.text('severity_rank DESC'), 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_flags_resolved', ['status', 'resolved_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index('ix_flags_resolved')
        batch_op.drop_index('ix_flags_worklist')
        batch_op.create_index('ix_flags_worklist', ['status', 'severity_rank', 'created_at'], unique=False)
