"""Pure rules: who is told what, the Vietnamese text, back-off and retry decisions, URL checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from notifications_servers import scored
from pydantic import ValidationError

from event_contracts import make_event
from notifications.deliveries.rules import (
    Outcome,
    RetryPolicy,
    backoff_seconds,
    decide,
    http_outcome,
    retry_after_seconds,
    smtp_outcome,
)
from notifications.rules.defaults import DEFAULT_RULES
from notifications.rules.rules import Intent, intents
from notifications.rules.schemas import MessageTemplate, Rule, RuleSetDocument
from notifications.templates.rendering import context_for, ngay, render, so

SCORED = "scoring.meeting.scored.v1"
POLICY = RetryPolicy(
    max_attempts=5, base_seconds=10, max_seconds=60, jitter=0.2, retry_after_max_seconds=300
)


def test_a_scored_meeting_reaches_the_secretary_in_inbox_and_email_and_the_commission() -> None:
    data = scored().model_dump(mode="json")
    found = intents(DEFAULT_RULES, SCORED, data)
    assert {(i.recipient, i.channel) for i in found} == {
        ("branch-secretary:branch-dong-ha", "inbox"),
        ("branch-secretary:branch-dong-ha", "email"),
        ("organisation-commission:province", "webhook"),
    }
    assert intents(DEFAULT_RULES, "meetings.meeting.submitted.v1", data) == []


def test_a_score_moved_by_a_rescoring_job_is_not_news_to_the_secretary() -> None:
    data = scored().model_dump(mode="json") | {"rescoring_job_id": "job-2026-q3"}
    found = intents(DEFAULT_RULES, SCORED, data)
    assert {(i.recipient, i.channel) for i in found} == {
        ("organisation-commission:province", "webhook")
    }
    legacy = scored().model_dump(mode="json")
    legacy.pop("rescoring_job_id")  # an event from before the field existed
    assert len(intents(DEFAULT_RULES, SCORED, legacy)) == 3


def test_filters_select_events_and_an_urgent_rule_wins_over_a_routine_one() -> None:
    template = MessageTemplate(subject="s", body="b")
    document = RuleSetDocument(
        rules=[
            Rule(
                id="all",
                event_type=SCORED,
                recipients=["branch-secretary:{branch_id}"],
                channels=["inbox"],
            ),
            Rule(
                id="weak",
                event_type=SCORED,
                filter={"grade": ["kem", "trung_binh"]},
                recipients=["branch-secretary:{branch_id}", "commune-committee:x"],
                channels=["inbox"],
                urgency="urgent",
            ),
        ],
        templates={SCORED: {"inbox": template}},
    )
    good = intents(document, SCORED, scored(grade="tot").model_dump(mode="json"))
    assert good == [Intent("all", "branch-secretary:branch-dong-ha", "inbox", "routine")]
    weak = intents(document, SCORED, scored(grade="kem").model_dump(mode="json"))
    assert sorted((i.recipient, i.urgency) for i in weak) == [
        ("branch-secretary:branch-dong-ha", "urgent"),
        ("commune-committee:x", "urgent"),
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"event_type": "nothing.like.this.v1"}, "không có loại sự kiện"),
        ({"recipients": ["branch-secretary:{branch}"]}, "trường người nhận {branch}"),
        ({"filter": {"colour": ["red"]}}, "trường lọc 'colour'"),
        ({"channels": ["email"]}, "chưa có mẫu email"),
    ],
)
def test_a_rule_set_that_could_not_be_delivered_is_refused(
    change: dict[str, object], message: str
) -> None:
    rule = {
        "id": "r",
        "event_type": SCORED,
        "recipients": ["branch-secretary:{branch_id}"],
        "channels": ["inbox"],
        **change,
    }
    with pytest.raises(ValidationError, match=message.replace("{", r"\{").replace("}", r"\}")):
        RuleSetDocument.model_validate(
            {"rules": [rule], "templates": {SCORED: {"inbox": {"subject": "s", "body": "b"}}}}
        )


def test_a_template_that_does_not_compile_is_refused() -> None:
    with pytest.raises(ValidationError, match="TemplateSyntaxError"):
        RuleSetDocument.model_validate(
            {"rules": [], "templates": {SCORED: {"inbox": {"subject": "{% if %}", "body": "b"}}}}
        )


def test_messages_are_vietnamese_with_dates_in_vietnam_time_and_decimal_commas() -> None:
    assert ngay(datetime(2025, 3, 31, 18, 30, tzinfo=UTC)) == "01/04/2025"  # 01:30 in Hà Nội
    assert ngay("2025-04-05") == "05/04/2025"
    assert so(7.5) == "7,5" and so(99.0) == "99"
    event = make_event(
        scored(total_points=97.5),
        source="/t",
        subject="m",
        time=datetime(2025, 3, 31, 18, 30, tzinfo=UTC),
    )
    inbox = DEFAULT_RULES.templates[SCORED]["inbox"]
    text = render(inbox.subject, inbox.body, context_for(event))
    assert text.subject == "Kết quả chấm điểm sinh hoạt chi bộ: Tốt"
    assert text.body == (
        "Buổi sinh hoạt meeting-1 của branch-dong-ha được chấm 97,5/100 điểm, "
        "xếp loại Tốt. Các tiêu chí chưa đạt tối đa: C2: 4/5.\n"
    )
    email = DEFAULT_RULES.templates[SCORED]["email"]
    mail = render(email.subject, email.body, context_for(event))
    assert "ngày 01/04/2025" in mail.body and "- C1: 20/20" in mail.body
    assert "\n" not in mail.subject


def test_back_off_doubles_up_to_the_cap_less_at_most_the_jitter_share() -> None:
    assert [backoff_seconds(POLICY, n, 0.0) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]
    assert backoff_seconds(POLICY, 2, 0.999) == pytest.approx(20 * 0.8, rel=1e-3)


def test_decisions_after_an_attempt() -> None:
    failed = Outcome(ok=False, status_code=500)
    assert decide(POLICY, 1, Outcome(ok=True), 0.5).kind == "delivered"
    assert decide(POLICY, 1, failed, 0.0).kind == "retry"
    assert decide(POLICY, 5, failed, 0.0).kind == "failed"
    assert decide(POLICY, 1, Outcome(ok=False, gone=True), 0.0).kind == "gone"
    assert decide(POLICY, 1, Outcome(ok=False, permanent=True), 0.0).kind == "failed"
    throttled = decide(POLICY, 1, Outcome(ok=False, retry_after_seconds=120), 0.0)
    assert throttled.delay_seconds == 120
    capped = decide(POLICY, 1, Outcome(ok=False, retry_after_seconds=10**6), 0.0)
    assert capped.delay_seconds == 300


def test_http_and_smtp_outcomes() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert http_outcome(204, None, now).ok
    assert http_outcome(410, None, now).gone
    assert http_outcome(429, "7", now).retry_after_seconds == 7
    assert http_outcome(500, "7", now).retry_after_seconds is None
    later = (now + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert retry_after_seconds(later, now) == 90
    assert retry_after_seconds("soon", now) is None
    assert smtp_outcome(550, "no such mailbox").permanent
    assert not smtp_outcome(451, "try later").permanent
    assert not smtp_outcome(None, "connection refused").permanent
