"""What the notifications service consumes: queue → routing key → handler.

Every notified event type goes through the same rules (`dispatch`); adding one is a line here
plus a rule and its templates. Registry facts feed the local replica (names, subtrees, windows,
observers) used for templates, agency filters and reminders.
"""

from event_contracts.catalog import routing_key_of
from event_contracts.events.meetings import REQUEST_EVENTS
from notifications.dispatch.handlers import on_event
from org_tree import handlers as tree
from org_tree.observers import OBSERVER_KEYS, on_observer_event
from service_kit.bus.consumer import Subscription

REQUEST_KEYS = [routing_key_of(e) for e in REQUEST_EVENTS]

SUBSCRIPTIONS = [
    Subscription(
        purpose="scoring-events",
        handlers={"scoring.meeting.scored.v1": on_event, "scoring.compliance.flagged.v1": on_event},
        description="tell the branch secretary and subscribers how the meeting was scored, and "
        "about compliance flags (e.g. a member nearing the absence threshold)",
    ),
    Subscription(
        purpose="meeting-events",
        handlers={
            **dict.fromkeys(REQUEST_KEYS, on_event),
            "meetings.meeting.missed.v1": on_event,
            "meetings.observer_report.overdue.v1": on_event,
        },
        description="requests (raise, state changes, due soon, escalation), missed meetings, "
        "overdue observer reports",
    ),
    Subscription(
        purpose="registry-replica",
        handlers={
            **dict.fromkeys(tree.ORGANISATION_KEYS, tree.on_organisation_event),
            **dict.fromkeys(OBSERVER_KEYS, on_observer_event),
        },
        description="the organisation tree (names, parents over time, meeting windows) and "
        "observer assignments",
    ),
]
