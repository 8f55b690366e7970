"""Write definitions.json: the broker topology the services declare at start-up, for operators.

Import it into a cluster before the services start (`rabbitmqctl import_definitions`), review it
in a pull request, and diff it: `tests/contract/test_topology_definitions.py` fails when code and
file disagree. Regenerate with `.venv/bin/python deploy/rabbitmq/generate.py`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from event_contracts import CATALOG
from event_contracts.routing import any_path
from service_kit.bus import topology
from service_kit.settings import ServiceSettings

OUT = Path(__file__).with_name("definitions.json")
SERVICES = ("registry", "meetings", "scoring", "notifications")


def subscriptions() -> dict[str, list[Any]]:
    import importlib

    return {
        name: importlib.import_module(f"{name}.subscriptions").SUBSCRIPTIONS for name in SERVICES
    }


def definitions() -> dict[str, Any]:
    defaults = ServiceSettings(database_url="sqlite+aiosqlite:///unused")
    policy = topology.QueuePolicy(tuple(defaults.retry_delays_seconds), defaults.delivery_limit)
    vhost = "/"
    exchanges = [
        {"name": topology.EVENTS, "type": "topic"},
        {"name": topology.PUBLIC, "type": "topic"},
        {"name": topology.DLX, "type": "direct"},
    ]
    from notifications.feed.stream import PUBLIC_STREAM, public_stream_arguments
    from notifications.settings import NotificationsSettings

    public_stream = public_stream_arguments(
        NotificationsSettings(database_url="sqlite+aiosqlite:///unused")
    )
    queues: list[dict[str, Any]] = [
        {"name": topology.AUDIT, "arguments": topology.AUDIT_ARGS},
        {"name": PUBLIC_STREAM, "arguments": public_stream},
    ]
    bindings: list[dict[str, Any]] = [
        {
            "source": topology.EVENTS,
            "destination": topology.PUBLIC,
            "destination_type": "exchange",
            "routing_key": any_path(spec.routing_key),
        }
        for spec in CATALOG
        if spec.public
    ]
    bindings.append(
        {
            "source": topology.EVENTS,
            "destination": topology.AUDIT,
            "destination_type": "queue",
            "routing_key": "#",
        }
    )
    bindings.append(
        {
            "source": topology.PUBLIC,
            "destination": PUBLIC_STREAM,
            "destination_type": "queue",
            "routing_key": "#",
        }
    )
    for service, subs in subscriptions().items():
        for sub in subs:
            name = f"{service}.{sub.purpose}"
            queues.append({"name": name, "arguments": topology.main_queue_args(name, policy)})
            bindings += [
                {
                    "source": topology.EVENTS,
                    "destination": name,
                    "destination_type": "queue",
                    "routing_key": any_path(key),
                }
                for key in sub.routing_keys
            ]
            for step, delay in enumerate(policy.retry_delays_seconds):
                queues.append(
                    {
                        "name": topology.retry_queue(name, step),
                        "arguments": topology.retry_queue_args(name, delay),
                    }
                )
            queues.append({"name": topology.dlq(name), "arguments": topology.DLQ_ARGS})
            bindings.append(
                {
                    "source": topology.DLX,
                    "destination": topology.dlq(name),
                    "destination_type": "queue",
                    "routing_key": name,
                }
            )
    return {
        "rabbit_version": "3.10.8",
        "vhosts": [{"name": vhost}],
        "exchanges": [
            {
                **e,
                "vhost": vhost,
                "durable": True,
                "auto_delete": False,
                "internal": False,
                "arguments": {},
            }
            for e in exchanges
        ],
        "queues": [{**q, "vhost": vhost, "durable": True, "auto_delete": False} for q in queues],
        "bindings": [{**b, "vhost": vhost, "arguments": {}} for b in bindings],
        "policies": [],
    }


def render() -> str:
    return json.dumps(definitions(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
