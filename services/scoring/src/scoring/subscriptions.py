"""What the scoring service consumes: one readable table of queue → routing key → handler."""

from scoring.meeting_scores import handlers as meeting_scores
from service_kit.bus.consumer import Subscription

SUBSCRIPTIONS = [
    Subscription(
        purpose="meeting-events",
        handlers={"meetings.meeting.submitted.v1": meeting_scores.on_meeting_submitted},
        description="score every submitted meeting",
    ),
]
