"""Who hears about an event, on which channel, how urgently (pure functions over the rule set)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from notifications.rules.schemas import Channel, Delivery, RuleSetDocument, Urgency


@dataclass(frozen=True)
class Intent:
    """One notification to make: a role address on one channel."""

    rule_id: str
    recipient: str
    channel: Channel
    urgency: Urgency
    delivery: Delivery = "by_urgency"


def matches(filter_: Mapping[str, list[Any]], data: Mapping[str, Any]) -> bool:
    return all(data.get(name) in allowed for name, allowed in filter_.items())


def recipient_address(template: str, data: Mapping[str, Any]) -> str | None:
    """`branch-secretary:{branch_id}` filled from the event; None when a field is empty."""
    try:
        address = template.format_map({k: v for k, v in data.items() if v not in (None, "")})
    except (KeyError, IndexError, ValueError):
        return None
    return address


def intents(document: RuleSetDocument, event_type: str, data: Mapping[str, Any]) -> list[Intent]:
    """One intent per (recipient, channel); when rules overlap, the urgent one wins."""
    chosen: dict[tuple[str, str], Intent] = {}
    for rule in document.rules:
        if rule.event_type != event_type or not matches(rule.filter, data):
            continue
        for template in rule.recipients:
            recipient = recipient_address(template, data)
            if recipient is None:
                continue
            for channel in rule.channels:
                key = (recipient, channel)
                known = chosen.get(key)
                if known is None or (known.urgency == "routine" and rule.urgency == "urgent"):
                    chosen[key] = Intent(rule.id, recipient, channel, rule.urgency, rule.delivery)
    return list(chosen.values())
