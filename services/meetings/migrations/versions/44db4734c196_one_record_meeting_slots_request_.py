"""one record: meeting slots, request subject keys, cluster replica

Revision ID: 44db4734c196
Revises: f6aed7efb8b3
Create Date: 2026-12-02 14:51:42.045653

At most one regular meeting per branch and month (`meeting_slot`), one request per subject and
addressee in a meeting (`uq_request_meeting_subject`). Records written before this revision may
already break either rule: the earliest submitted keeps the slot, and a later duplicate request
keeps a subject key of its own (suffixed with its id) — nothing is deleted.
"""
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '44db4734c196'
down_revision: str | None = 'f6aed7efb8b3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in meetings.schedules.rules.REGULAR_TYPES and meetings.requests.rules.subject_key, frozen
# here as they were when this revision was written.
REGULAR_TYPES = ("regular", "combined", "cluster", "pilot")


def _subject_key(subject: str) -> str:
    return " ".join(unicodedata.normalize("NFC", subject).casefold().split())[:300]


def _backfill_slots() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, branch_id, held_on, meeting_type FROM branch_meeting "
            "ORDER BY submitted_at, id"
        )
    ).all()
    taken: dict[tuple[str, str], str] = {}
    for meeting_id, branch_id, held_on, meeting_type in rows:
        if meeting_type not in REGULAR_TYPES:
            continue
        period = str(held_on)[:7]
        taken.setdefault((branch_id, period), meeting_id)
    if taken:
        conn.execute(
            sa.text(
                "INSERT INTO meeting_slot (branch_id, period, kind, meeting_id) "
                "VALUES (:branch_id, :period, 'regular', :meeting_id)"
            ),
            [
                {"branch_id": b, "period": p, "meeting_id": m}
                for (b, p), m in taken.items()
            ],
        )


def _backfill_subject_keys() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, meeting_id, addressee_id, subject FROM request ORDER BY created_at, id"
        )
    ).all()
    seen: set[tuple[str | None, str, str]] = set()
    updates = []
    for request_id, meeting_id, addressee_id, subject in rows:
        key = _subject_key(subject)
        if meeting_id is not None and (meeting_id, addressee_id, key) in seen:
            key = f"{key[:250]}#{request_id}"
        seen.add((meeting_id, addressee_id, key))
        updates.append({"id": request_id, "key": key})
    if updates:
        conn.execute(sa.text("UPDATE request SET subject_key = :key WHERE id = :id"), updates)


def upgrade() -> None:
    op.create_table('replica_rotation_cluster_branch',
    sa.Column('rotation_cluster_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('branch_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('rotation_cluster_id', 'branch_id')
    )
    with op.batch_alter_table('replica_rotation_cluster_branch', schema=None) as batch_op:
        batch_op.create_index('ix_replica_cluster_branch', ['branch_id', 'valid_from'], unique=False)

    op.create_table('meeting_slot',
    sa.Column('branch_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['branch_meeting.id'], ),
    sa.PrimaryKeyConstraint('branch_id', 'period', 'kind')
    )
    with op.batch_alter_table('meeting_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_slot_meeting_id'), ['meeting_id'], unique=False)
    _backfill_slots()

    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default=''))
    _backfill_subject_keys()
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_request_meeting_subject', ['meeting_id', 'addressee_id', 'subject_key'])


def downgrade() -> None:
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_constraint('uq_request_meeting_subject', type_='unique')
        batch_op.drop_column('subject_key')

    with op.batch_alter_table('meeting_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_slot_meeting_id'))

    op.drop_table('meeting_slot')
    with op.batch_alter_table('replica_rotation_cluster_branch', schema=None) as batch_op:
        batch_op.drop_index('ix_replica_cluster_branch')

    op.drop_table('replica_rotation_cluster_branch')
