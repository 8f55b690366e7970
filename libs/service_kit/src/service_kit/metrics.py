"""The Prometheus metrics every service exposes; domain counters live next to their domain.

One naming scheme: `chibo_<thing>_<unit>` with a `service` label for the mechanics every service
shares (HTTP, events, outbox, sweeps), and `chibo_<service>_<thing>_<unit>` for a service's
own domain counters (`domain_name("meetings", "submitted_total")`).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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
OUTBOX_PENDING = Gauge(f"{NS}_outbox_pending_events", "Outbox rows not yet confirmed", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    f"{NS}_outbox_oldest_pending_age_seconds",
    "Age of the oldest unconfirmed outbox row",
    ["service"],
)
CONSUMERS_ATTACHED = Gauge(f"{NS}_consumers_attached", "Consumers attached", ["service", "queue"])
BROKER_CONNECTED = Gauge(
    f"{NS}_broker_connected", "1 while the broker connection is up", ["service"]
)
SWEEP_PASSES = Counter(
    f"{NS}_sweep_passes_total",
    "Passes of a sweeper, by outcome (ok, failed)",
    ["service", "sweep", "outcome"],
)
SWEEP_ITEMS = Counter(f"{NS}_sweep_items_total", "Items a sweeper acted on", ["service", "sweep"])
