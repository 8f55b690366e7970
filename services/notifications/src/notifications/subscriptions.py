"""What the notifications service consumes: queue → routing key → handler."""

from notifications.inbox import handlers as inbox
from service_kit.bus.consumer import Subscription

SUBSCRIPTIONS = [
    Subscription(
        purpose="scoring-events",
        handlers={"scoring.meeting.scored.v1": inbox.on_meeting_scored},
        description="tell the branch secretary how the meeting was scored",
    ),
]
