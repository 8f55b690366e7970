"""Pure rules of fatigue control: now or in the digest, day bounds, the digest's text, stats.

Lessons from Decidim's digests: no day window decides what a digest holds — every item not yet
sent goes into the next one, so a job running early, late or twice neither loses nor repeats an
item; items are grouped by kind, urgent ones first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from notifications.rules.schemas import Delivery, Urgency
from notifications.templates.rendering import gio, ngay
from service_kit.clock import VIETNAM, start_of_vietnam_day, vietnam_date

KINDS_VI: dict[str, str] = {
    "meetings.request.raised.v1": "Kiến nghị mới",
    "meetings.request.due_soon.v1": "Kiến nghị sắp đến hạn",
    "meetings.request.escalated.v1": "Kiến nghị chuyển cấp trên",
    "meetings.meeting.missed.v1": "Chi bộ chưa sinh hoạt",
    "meetings.observer_report.overdue.v1": "Báo cáo dự sinh hoạt quá hạn",
    "scoring.meeting.scored.v1": "Kết quả chấm điểm",
    "reminder.meeting_window": "Nhắc lịch sinh hoạt",
    "reminder.report_due": "Nhắc hạn báo cáo",
}
REQUEST_CHANGE_VI = "Kiến nghị thay đổi trạng thái"


def kind_vi(event_type: str) -> str:
    key = event_type.removeprefix("vn.chibo.")
    if key in KINDS_VI:
        return KINDS_VI[key]
    if key.startswith("meetings.request."):
        return REQUEST_CHANGE_VI
    return "Thông báo khác"


def wants_now(urgency: Urgency, delivery: Delivery) -> bool:
    return delivery == "immediate" or (delivery == "by_urgency" and urgency == "urgent")


def send_now(urgency: Urgency, delivery: Delivery, sent_today: int, budget: int) -> bool:
    """Immediate when the rule wants it and the person's budget for today is not spent."""
    return wants_now(urgency, delivery) and sent_today < budget


def local_day_start(now: datetime) -> datetime:
    """Midnight (Vietnam time) of `now`'s local day, as an aware datetime."""
    return start_of_vietnam_day(vietnam_date(now))


def digest_due(now: datetime, hour: int) -> date | None:
    """The local day a digest is due for, once the local hour is reached; None before."""
    local = now.astimezone(VIETNAM)
    return local.date() if local.hour >= hour else None


@dataclass(frozen=True)
class DigestLine:
    event_type: str
    subject: str
    urgent: bool
    created_at: datetime


def compose(on: date, lines: Sequence[DigestLine]) -> tuple[str, str]:
    """Subject and body of one person's digest: grouped by kind, urgent first, oldest first."""
    groups: dict[str, list[DigestLine]] = {}
    for line in sorted(lines, key=lambda x: (not x.urgent, x.created_at)):
        groups.setdefault(kind_vi(line.event_type), []).append(line)
    subject = f"Tổng hợp thông báo ngày {ngay(on)}: {len(lines)} mục"
    parts = [
        "Kính gửi đồng chí,",
        "",
        f"Các thông báo chưa gửi riêng đến đồng chí tính đến ngày {ngay(on)}:",
    ]
    for kind, group in groups.items():
        parts += ["", f"{kind} ({len(group)}):"]
        parts += [
            f"- {'[KHẨN] ' if line.urgent else ''}{line.subject} ({gio(line.created_at)})"
            for line in group
        ]
    parts += [
        "",
        "Chi tiết từng mục có trong hộp thư của hệ thống theo dõi sinh hoạt chi bộ.",
        "Thư này được gửi tự động mỗi ngày một lần; vui lòng không trả lời.",
    ]
    return subject, "\n".join(parts) + "\n"


def percentiles(counts: Sequence[int], quantiles: Sequence[float]) -> dict[float, float]:
    """Nearest-rank percentiles of per-person counts (0 for nobody)."""
    ordered = sorted(counts)
    if not ordered:
        return dict.fromkeys(quantiles, 0.0)
    found: dict[float, float] = {}
    for q in quantiles:
        rank = max(1, -(-int(q * 1000) * len(ordered) // 1000))  # ceil(q × n), at least 1
        found[q] = float(ordered[min(rank, len(ordered)) - 1])
    return found


def week_start(now: datetime) -> datetime:
    return now - timedelta(days=7)
