"""shared observer replica

Observer assignments move to the shared, versioned table of `org_tree.observers` (the one
meetings keeps), so an assignment that ended stays ended whatever order its facts arrive in.
Copied rows get version 1 while open and 2 once ended (an end always follows its assignment).

Revision ID: a3f1c0e2b7d4
Revises: d190da67bc2a
Create Date: 2026-12-02 11:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'a3f1c0e2b7d4'
down_revision: str | None = 'd190da67bc2a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'replica_observer_assignment',
        sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('member_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('branch_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_replica_observer_branch', 'replica_observer_assignment', ['branch_id', 'valid_from'], unique=False)
    op.execute(
        "INSERT INTO replica_observer_assignment "
        "(id, member_id, branch_id, valid_from, valid_to, version) "
        "SELECT observer_assignment_id, member_id, branch_id, valid_from, valid_to, "
        "CASE WHEN valid_to IS NULL THEN 1 ELSE 2 END FROM known_observer_assignment"
    )
    op.drop_index(op.f('ix_known_observer_assignment_branch_id'), table_name='known_observer_assignment')
    op.drop_table('known_observer_assignment')


def downgrade() -> None:
    op.create_table(
        'known_observer_assignment',
        sa.Column('observer_assignment_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('member_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('branch_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('observer_assignment_id'),
    )
    op.create_index(op.f('ix_known_observer_assignment_branch_id'), 'known_observer_assignment', ['branch_id'], unique=False)
    op.execute(
        "INSERT INTO known_observer_assignment "
        "(observer_assignment_id, member_id, branch_id, valid_from, valid_to) "
        "SELECT id, member_id, branch_id, valid_from, valid_to FROM replica_observer_assignment"
    )
    op.drop_index('ix_replica_observer_branch', table_name='replica_observer_assignment')
    op.drop_table('replica_observer_assignment')
