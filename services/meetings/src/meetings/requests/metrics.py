"""Domain metrics of requests (labels bounded: level numbers and stages)."""

from prometheus_client import Counter, Gauge

from service_kit.metrics import domain_name

ESCALATIONS = Counter(
    domain_name("meetings", "requests_escalated_total"),
    "Requests escalated, by new level",
    ["level"],
)
REMINDERS = Counter(
    domain_name("meetings", "request_reminders_total"),
    "Reminders sent before a deadline",
    ["stage"],
)
OVERDUE_AT_TOP = Counter(
    domain_name("meetings", "requests_overdue_at_top_total"),
    "Deadlines passed at the top of the ladder",
)
OPEN_BY_LEVEL = Gauge(
    domain_name("meetings", "requests_open"),
    "Requests still owed an answer, by the level that owes it (0 = the addressee)",
    ["level"],
    multiprocess_mode="livemostrecent",  # a figure of the database: the last one set
)
