"""meetings held before every rubric: recorded unscored, with the reason

Revision ID: 5e1c0a7d2b94
Revises: 7aebc56eb2b1
Create Date: 2026-12-02 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import service_kit.db
from alembic import op


revision: str = '5e1c0a7d2b94'
down_revision: str | None = '7aebc56eb2b1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('meeting_unscored',
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('branch_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('meeting_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('meeting_version', sa.Integer(), nullable=False),
    sa.Column('province_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('recorded_at', service_kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('meeting_id')
    )
    with op.batch_alter_table('meeting_unscored', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_unscored_branch_id'), ['branch_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('meeting_unscored', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_unscored_branch_id'))

    op.drop_table('meeting_unscored')
