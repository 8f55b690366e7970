"""Domain counters of requests (labels bounded: level numbers and stages)."""

from prometheus_client import Counter

from service_kit.metrics import NS

ESCALATIONS = Counter(
    f"{NS}_requests_escalated_total", "Requests escalated, by new level", ["level"]
)
REMINDERS = Counter(f"{NS}_request_reminders_total", "Reminders sent before a deadline", ["stage"])
OVERDUE_AT_TOP = Counter(
    f"{NS}_requests_overdue_at_top_total", "Deadlines passed at the top of the ladder"
)
