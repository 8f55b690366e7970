"""Storing the signals meetings announced, and the monthly list of branches whose signals
persist (a signal in each of `persist_months` months running, the asked month the last)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.events.meetings import MeetingFormalityAssessed
from scoring.formality.models import MeetingFormality
from scoring.formality.schemas import (
    FormalityOut,
    PersistingBranchOut,
    PersistingFormalityOut,
    SignalOut,
)
from scoring.reports.vietnamese import period_label
from scoring.rollups.periods import Period
from scoring.subtree import branches_in

SIGNAL_NAMES = {
    "minutes_repeated": "biên bản chép lại",
    "resolution_repeated": "nghị quyết chép lại",
    "resolution_without_target": "nghị quyết không có chỉ tiêu đo được",
    "speakers_not_named": "không ghi tên người phát biểu",
    "attendance_unchanged": "số liệu điểm danh không đổi",
}


async def record_assessment(session: AsyncSession, data: MeetingFormalityAssessed) -> None:
    """The latest version wins; an older or repeated event changes nothing."""
    row = await session.get(MeetingFormality, data.meeting_id)
    if row is not None and row.meeting_version >= data.aggregate_version:
        return
    row = row or MeetingFormality(
        meeting_id=data.meeting_id,
        branch_id=data.branch_id,
        held_on=data.held_on,
        meeting_version=data.aggregate_version,
        rules_id=data.rules_id,
        rules_version=data.rules_version,
    )
    row.branch_id, row.held_on = data.branch_id, data.held_on
    row.meeting_version = data.aggregate_version
    row.rules_id, row.rules_version = data.rules_id, data.rules_version
    row.signals = [s.model_dump(mode="json") for s in data.signals]
    session.add(row)


def formality_out(row: MeetingFormality | None) -> FormalityOut | None:
    if row is None:
        return None
    return FormalityOut(
        meeting_version=row.meeting_version,
        rules_id=row.rules_id,
        rules_version=row.rules_version,
        signals=[SignalOut.model_validate(s) for s in row.signals],
    )


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


async def persisting(
    session: AsyncSession, organisation_id: str, month: Period, persist_months: int
) -> PersistingFormalityOut:
    branches = await branches_in(session, organisation_id, month)
    names = {b.id: b.name for b in branches}
    last = _month_index(month.starts_on)
    first = last - persist_months + 1
    starts = date(first // 12, first % 12 + 1, 1)
    rows = (
        await session.execute(
            sa.select(MeetingFormality)
            .where(
                col(MeetingFormality.branch_id).in_(list(names)),
                col(MeetingFormality.held_on) >= starts,
                col(MeetingFormality.held_on) < month.ends_before,
            )
            .order_by(col(MeetingFormality.held_on))
        )
    ).scalars()
    months: dict[str, dict[int, list[MeetingFormality]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row.signals:
            months[row.branch_id][_month_index(row.held_on)].append(row)
    listed = []
    for branch_id, by_month in sorted(months.items(), key=lambda kv: names[kv[0]]):
        if any(m not in by_month for m in range(first, last + 1)):
            continue
        found = [r for m in range(first, last + 1) for r in by_month[m]]
        codes = sorted({s["code"] for r in found for s in r.signals})
        listed.append(
            PersistingBranchOut(
                branch_id=branch_id,
                branch_name=names[branch_id],
                months_with_signals=[_label(m) for m in range(first, last + 1)],
                signal_codes=codes,
                meeting_ids=[r.meeting_id for r in found],
                summary=f"{names[branch_id]}: {persist_months} tháng liên tiếp có dấu hiệu hình "
                f"thức ({', '.join(SIGNAL_NAMES.get(c, c) for c in codes)}).",
            )
        )
    return PersistingFormalityOut(
        organisation_id=organisation_id,
        month=month.label,
        period_label=period_label(month),
        persist_months=persist_months,
        branches_checked=len(branches),
        branches=listed,
    )
