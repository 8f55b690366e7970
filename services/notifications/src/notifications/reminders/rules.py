"""Which reminders are due on a local day (pure), and their Vietnamese text.

- `meeting_window`: the branch secretary and each observer following the branch, from
  `lead_days` before the first day of the scheduled window until that day.
- `report_due`: each observer, from `lead_days` before the `report_due_day` (the 10th) until that
  day, for last month's meeting.
A day range rather than one exact day: a job that did not run one day still reminds the next;
the key (kind, branch, period, recipient) keeps it to once.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Kind = Literal["meeting_window", "report_due"]


@dataclass(frozen=True)
class DueReminder:
    kind: Kind
    branch_id: str
    period: str  # YYYY-MM of the meeting concerned
    recipient: str
    due_on: date  # the window's first day, or the report's due day

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.branch_id}:{self.period}:{self.recipient}"

    @property
    def id(self) -> str:
        return "rem-" + hashlib.sha256(self.key.encode()).hexdigest()[:40]


def _month_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _next_month(on: date) -> tuple[int, int]:
    return (on.year + 1, 1) if on.month == 12 else (on.year, on.month + 1)


def _previous_month(on: date) -> tuple[int, int]:
    return (on.year - 1, 12) if on.month == 1 else (on.year, on.month - 1)


def due_reminders(
    today: date,
    windows: Sequence[tuple[str, int, int]],
    observers: Mapping[str, Sequence[str]],
    *,
    lead_days: int,
    report_due_day: int,
) -> list[DueReminder]:
    found: list[DueReminder] = []
    for branch_id, day_from, _day_to in windows:
        for year, month in ((today.year, today.month), _next_month(today)):
            start = _month_day(year, month, day_from)
            if start - timedelta(days=lead_days) <= today <= start:
                period = f"{year:04d}-{month:02d}"
                recipients = [f"branch-secretary:{branch_id}"]
                recipients += [f"member:{m}" for m in observers.get(branch_id, ())]
                found += [
                    DueReminder("meeting_window", branch_id, period, r, start) for r in recipients
                ]
    due = _month_day(today.year, today.month, report_due_day)
    if due - timedelta(days=lead_days) <= today <= due:
        year, month = _previous_month(today)
        period = f"{year:04d}-{month:02d}"
        for branch_id, members in observers.items():
            found += [
                DueReminder("report_due", branch_id, period, f"member:{m}", due) for m in members
            ]
    return found


SUBJECTS = {
    "meeting_window": "Nhắc lịch sinh hoạt {{ branch_id | ten }} từ ngày {{ due_on | ngay }}",
    "report_due": "Nhắc hạn báo cáo dự sinh hoạt {{ branch_id | ten }}: {{ due_on | ngay }}",
}
BODIES = {
    "meeting_window": """\
Kính gửi đồng chí,

{{ branch_id | ten }} sinh hoạt thường kỳ tháng {{ period[5:] }}/{{ period[:4] }} \
theo lịch từ ngày {{ due_on | ngay }}. {% if recipient.startswith('member:') %}Đề nghị đồng chí \
bố trí dự sinh hoạt theo phân công.{% else %}Đề nghị đồng chí chuẩn bị nội dung và thông báo \
cho đảng viên.{% endif %}

Thư này được gửi tự động; vui lòng không trả lời.
""",
    "report_due": """\
Kính gửi đồng chí,

Báo cáo dự sinh hoạt tháng {{ period[5:] }}/{{ period[:4] }} tại {{ branch_id | ten }} \
cần gửi trước ngày {{ due_on | ngay }}.

Thư này được gửi tự động; vui lòng không trả lời.
""",
}
