"""What the notifications service consumes: queue → routing key → handler.

Every event type goes through the same rules (`dispatch`); adding one is a line here plus a rule
and its templates (e.g. `meetings.request.escalated.v1` once it is in the catalog).
"""

from notifications.dispatch.handlers import on_event
from service_kit.bus.consumer import Subscription

SUBSCRIPTIONS = [
    Subscription(
        purpose="scoring-events",
        handlers={"scoring.meeting.scored.v1": on_event},
        description="tell the branch secretary and subscribers how the meeting was scored",
    ),
]
