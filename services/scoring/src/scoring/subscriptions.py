"""What the scoring service consumes: one readable table of queue → routing key → handler."""

from scoring.meeting_scores import handlers as meeting_scores
from service_kit.bus.consumer import Subscription

SUBSCRIPTIONS = [
    Subscription(
        purpose="meeting-events",
        handlers={
            "meetings.meeting.submitted.v1": meeting_scores.on_meeting_submitted,
            "meetings.meeting.amended.v1": meeting_scores.on_meeting_submitted,
            "meetings.observer_report.filed.v1": meeting_scores.on_observer_report_filed,
        },
        description="score every submitted or amended meeting; add the observer's score",
    ),
]
