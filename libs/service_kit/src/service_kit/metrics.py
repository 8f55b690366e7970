"""The Prometheus metrics every service exposes; domain counters live next to their domain.

One naming scheme: `chibo_<thing>_<unit>` with a `service` label for the mechanics every service
shares (HTTP, events, outbox, sweeps), and `chibo_<service>_<thing>_<unit>` for a service's
own domain counters (`domain_name("meetings", "submitted_total")`).

A service served by several worker processes (`service_kit.serving`) sums its workers' samples
at each scrape; every gauge therefore says how its workers' values combine (`multiprocess_mode`,
ignored in a single process): a figure of the whole database (the outbox backlog) is the
one a live worker set last, a figure of the process (consumers attached) their sum.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

NS = "chibo"


def domain_name(service: str, name: str) -> str:
    """`chibo_meetings_submitted_total` for ("meetings", "submitted_total")."""
    return f"{NS}_{service}_{name}"


HTTP_REQUESTS = Counter(
    f"{NS}_http_requests_total",
    "HTTP requests answered",
    ["service", "method", "route", "status_code"],
)
HTTP_DURATION = Histogram(
    f"{NS}_http_request_duration_seconds", "HTTP request duration", ["service", "method", "route"]
)
EVENTS_PUBLISHED = Counter(
    f"{NS}_events_published_total",
    "Events handed to the broker",
    ["service", "event_type", "outcome"],
)
PUBLISH_DURATION = Histogram(
    f"{NS}_event_publish_duration_seconds", "Time to a publisher confirm", ["service"]
)
EVENTS_CONSUMED = Counter(
    f"{NS}_events_consumed_total",
    "Deliveries handled, by outcome (ack, duplicate, retry, dead_letter)",
    ["service", "queue", "event_type", "outcome"],
)
HANDLER_DURATION = Histogram(
    f"{NS}_event_handler_duration_seconds",
    "Handler time incl. commit",
    ["service", "queue", "event_type"],
)
DELIVERY_LAG = Histogram(
    f"{NS}_event_delivery_lag_seconds",
    "Time from the event's `time` to its handling",
    ["service", "queue", "event_type"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)
OUTBOX_PENDING = Gauge(
    f"{NS}_outbox_pending_events",
    "Outbox rows not yet confirmed",
    ["service"],
    multiprocess_mode="livemostrecent",
)
OUTBOX_OLDEST_AGE = Gauge(
    f"{NS}_outbox_oldest_pending_age_seconds",
    "Age of the oldest unconfirmed outbox row",
    ["service"],
    multiprocess_mode="livemostrecent",
)
CONSUMERS_ATTACHED = Gauge(
    f"{NS}_consumers_attached",
    "Consumers attached",
    ["service", "queue"],
    multiprocess_mode="livesum",
)
BROKER_CONNECTED = Gauge(
    f"{NS}_broker_connected",
    "1 while the broker connection is up (in every worker)",
    ["service"],
    multiprocess_mode="livemin",
)
SWEEP_PASSES = Counter(
    f"{NS}_sweep_passes_total",
    "Passes of a sweeper, by outcome (ok, failed)",
    ["service", "sweep", "outcome"],
)
SWEEP_ITEMS = Counter(f"{NS}_sweep_items_total", "Items a sweeper acted on", ["service", "sweep"])


def exposition() -> tuple[bytes, str]:
    """The text a scrape gets, and its content type: this process's registry, or the sum of
    every worker's samples when the service runs several (`PROMETHEUS_MULTIPROC_DIR` set)."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry), CONTENT_TYPE_LATEST
