"""Notifications per person per week, with bounded labels.

A person id as a label would make one series per person (100,000+ in a province); instead a
daily job computes each person's count over the last 7 days and publishes the distribution:
p50, p90, p99 and max per channel (8 series), plus how many people got anything. An alert on
`stat="p99"` catches fatigue without naming anyone; the inbox API names the person.
"""

from __future__ import annotations

from prometheus_client import Gauge

from notifications.fatigue.rules import percentiles
from service_kit.metrics import domain_name

QUANTILES = {0.5: "p50", 0.9: "p90", 0.99: "p99", 1.0: "max"}

PER_PERSON_WEEK = Gauge(
    domain_name("notifications", "per_person_week"),
    "Notifications per person over the last 7 days: a percentile of the per-person counts",
    ["channel", "stat"],
    multiprocess_mode="livemostrecent",  # a figure of the database: the last one set
)
PEOPLE_WEEK = Gauge(
    domain_name("notifications", "people_week"),
    "People notified in the last 7 days",
    ["channel"],
    multiprocess_mode="livemostrecent",
)


def publish(counts: dict[str, list[int]]) -> None:
    for channel, values in counts.items():
        for q, value in percentiles(values, list(QUANTILES)).items():
            PER_PERSON_WEEK.labels(channel, QUANTILES[q]).set(value)
        PEOPLE_WEEK.labels(channel).set(len(values))
