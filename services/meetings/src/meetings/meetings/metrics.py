"""Domain metrics of meeting records (labels bounded: meeting types)."""

from prometheus_client import Counter

from service_kit.metrics import domain_name

SUBMITTED = Counter(
    domain_name("meetings", "submitted_total"), "Meetings recorded, by type", ["meeting_type"]
)
AMENDED = Counter(domain_name("meetings", "amended_total"), "Amendments of recorded meetings")
MISSED = Counter(domain_name("meetings", "missed_total"), "Months a branch did not meet")
