"""The month's requests consolidated by the body responsible for them (Ninh Bình practice: each
request "by competence", with a clear responsible party). Pure over the timeline; no I/O.

Each row is one organisation that owed answers in the month, with its level (the kind of
organisation: province, commune, department, …):
- raised: requests addressed to it first, raised in the month;
- received_by_forward: requests forwarded to it in the month;
- forwarded: requests it passed on to the competent body in the month;
- answered: requests it answered within its competence in the month;
- answered_late: of those, answered after the deadline of the level that answered (or after the
  request had already climbed the ladder for want of an answer);
- overdue: deadlines it let pass in the month (the request climbed a level, or sat overdue at
  the top);
- median_days_to_answer: calendar days from the raising to its answer, for its answers.
"""

from __future__ import annotations

import io
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from pydantic import BaseModel

LEVEL_NAMES = {
    "province": "Cấp tỉnh",
    "commune": "Cấp xã",
    "legacy_district": "Cấp huyện (cũ)",
    "sectoral": "Sở, ban, ngành",
}


class ConsolidationLine(BaseModel):
    organisation_id: str
    level: str
    raised: int = 0
    received_by_forward: int = 0
    forwarded: int = 0
    answered: int = 0
    answered_late: int = 0
    overdue: int = 0
    median_days_to_answer: float | None = None


class LevelTotal(BaseModel):
    level: str
    organisations: int
    raised: int
    received_by_forward: int
    forwarded: int
    answered: int
    answered_late: int
    overdue: int
    median_days_to_answer: float | None


class ConsolidationOut(BaseModel):
    organisation_id: str
    month: str
    lines: list[ConsolidationLine]
    by_level: list[LevelTotal]


@dataclass
class _Acc:
    line: ConsolidationLine
    days: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """One timeline entry with what the consolidation needs of its request."""

    kind: str
    at_day: date
    level_organisation_id: str
    details: Mapping[str, object]
    late_answer: bool = False
    days_to_answer: float | None = None


def _median(days: list[float]) -> float | None:
    return round(statistics.median(days), 1) if days else None


def consolidate(
    organisation_id: str,
    year: int,
    month: int,
    entries: Iterable[Entry],
    kinds: Mapping[str, str],
    within: set[str] | None = None,
) -> ConsolidationOut:
    """`kinds`: organisation id → kind; `within`: the organisations the report covers (None:
    every one named by the entries)."""
    accs: dict[str, _Acc] = {}

    def acc(org: str) -> _Acc | None:
        if within is not None and org not in within:
            return None
        if org not in accs:
            level = kinds.get(org, "unknown")
            accs[org] = _Acc(ConsolidationLine(organisation_id=org, level=level))
        return accs[org]

    for e in entries:
        if (e.at_day.year, e.at_day.month) != (year, month):
            continue
        here = acc(e.level_organisation_id)
        if e.kind == "raised" and here:
            here.line.raised += 1
        elif e.kind == "forward":
            source = acc(str(e.details.get("from_organisation_id") or ""))
            if source:
                source.line.forwarded += 1
            if here:
                here.line.received_by_forward += 1
        elif e.kind == "answer" and here:
            here.line.answered += 1
            here.line.answered_late += e.late_answer
            if e.days_to_answer is not None:
                here.days.append(e.days_to_answer)
        elif e.kind in ("escalated", "overdue_at_top"):
            owing = (
                acc(str(e.details["from_organisation_id"]))
                if e.kind == "escalated" and e.details.get("from_organisation_id")
                else here
            )
            if owing:
                owing.line.overdue += 1
    lines = []
    for a in sorted(accs.values(), key=lambda a: (a.line.level, a.line.organisation_id)):
        a.line.median_days_to_answer = _median(a.days)
        lines.append(a.line)
    by_level = []
    for level in sorted({line.level for line in lines}):
        mine = [a for a in accs.values() if a.line.level == level]
        by_level.append(
            LevelTotal(
                level=level,
                organisations=len(mine),
                raised=sum(a.line.raised for a in mine),
                received_by_forward=sum(a.line.received_by_forward for a in mine),
                forwarded=sum(a.line.forwarded for a in mine),
                answered=sum(a.line.answered for a in mine),
                answered_late=sum(a.line.answered_late for a in mine),
                overdue=sum(a.line.overdue for a in mine),
                median_days_to_answer=_median([d for a in mine for d in a.days]),
            )
        )
    return ConsolidationOut(
        organisation_id=organisation_id,
        month=f"{year:04d}-{month:02d}",
        lines=lines,
        by_level=by_level,
    )


HEADER = [
    "Tổ chức",
    "Cấp",
    "Kiến nghị nhận",
    "Nhận do chuyển đến",
    "Đã chuyển cơ quan có thẩm quyền",
    "Đã trả lời theo thẩm quyền",
    "Trả lời quá hạn",
    "Quá hạn chưa trả lời",
    "Số ngày trả lời (trung vị)",
]


def to_xlsx(report: ConsolidationOut, names: Mapping[str, str] | None = None) -> bytes:
    names = names or {}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Theo nơi nhận"
    sheet.append([f"Tổng hợp kiến nghị tháng {report.month}"])
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in report.lines:
        sheet.append(
            [
                names.get(line.organisation_id, line.organisation_id),
                LEVEL_NAMES.get(line.level, line.level),
                line.raised,
                line.received_by_forward,
                line.forwarded,
                line.answered,
                line.answered_late,
                line.overdue,
                line.median_days_to_answer if line.median_days_to_answer is not None else "",
            ]
        )
    levels = book.create_sheet("Theo cấp")
    levels.append(["Cấp", "Số tổ chức", *HEADER[2:]])
    for cell in levels[1]:
        cell.font = Font(bold=True)
    for total in report.by_level:
        levels.append(
            [
                LEVEL_NAMES.get(total.level, total.level),
                total.organisations,
                total.raised,
                total.received_by_forward,
                total.forwarded,
                total.answered,
                total.answered_late,
                total.overdue,
                total.median_days_to_answer if total.median_days_to_answer is not None else "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
