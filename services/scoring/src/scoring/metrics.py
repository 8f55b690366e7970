"""Domain metrics of scoring (labels bounded: grades, flag kinds)."""

from prometheus_client import Counter

from service_kit.metrics import domain_name

SCORED = Counter(
    domain_name("scoring", "meetings_scored_total"),
    "Official scores announced, by grade (a re-score counts again)",
    ["grade"],
)
FLAGGED = Counter(
    domain_name("scoring", "compliance_flags_total"), "Compliance flags raised, by kind", ["kind"]
)
UNSCORED = Counter(
    domain_name("scoring", "meetings_unscored_total"),
    "Meetings recorded without a score: no rubric in force on their date",
)
