"""What the scoring service consumes: one readable table of queue → routing key → handler."""

from org_tree import handlers as tree
from scoring.compliance import handlers as compliance
from scoring.formality import handlers as formality
from scoring.meeting_scores import handlers as meeting_scores
from service_kit.bus.consumer import Subscription

SUBSCRIPTIONS = [
    Subscription(
        purpose="meeting-events",
        handlers={
            "meetings.meeting.submitted.v1": meeting_scores.on_meeting_submitted,
            "meetings.meeting.amended.v1": meeting_scores.on_meeting_submitted,
            "meetings.observer_report.filed.v1": meeting_scores.on_observer_report_filed,
            "meetings.observer_report.overdue.v1": compliance.on_observer_report_overdue,
            "meetings.meeting.formality_assessed.v1": formality.on_formality_assessed,
        },
        description="score every submitted or amended meeting, keep its roll and run the "
        "detectors; add the observer's score; note overdue observer reports; keep the "
        "formality signals beside the score",
        groupable=True,
    ),
    Subscription(
        purpose="registry-events",
        handlers=dict.fromkeys(tree.ORGANISATION_KEYS, tree.on_organisation_event),
        description="replica of the organisation tree, for roll-ups, reports and rankings of "
        "a subtree",
    ),
]
