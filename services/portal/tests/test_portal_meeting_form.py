"""The meeting form as data: the body it makes, and each API error placed beside its field."""

from __future__ import annotations

from portal.secretary.form import Values, build_submission, field_for, map_problem, values_from_body


def form(**extra: str) -> Values:
    pairs = [
        ("held_on", "04/12/2026"),
        ("started_time", "19:30"),
        ("ended_time", "21:00"),
        ("roll-0-member_id", "m1"),
        ("roll-0-attendance", "present"),
        ("roll-0-spoke", "1"),
        ("roll-1-member_id", "m2"),
        ("roll-1-attendance", "excused"),
        ("roll-1-reason", "Ốm"),
        ("roll-1-spoke", "1"),  # absent: not a speaker
        ("agenda_steps", "vote"),
        ("agenda_steps", "not-a-step"),
        ("prev-0-title", "Việc cũ"),
        ("prev-0-status", "done_on_time"),
        ("prev-1-title", "Việc chưa báo cáo"),
        ("prev-1-status", ""),
        ("item-0-title", ""),
        ("item-1-title", "Việc mới"),
        ("item-1-owner", "m1"),
        ("item-1-due_on", "28/12/2026"),
        ("req-0-subject", "Đường"),
        ("req-0-text", "Sửa đường"),
        ("req-0-addressee_id", "c1"),
        ("self-C4", "15,5"),
        ("votes-in_favour", "1"),
    ]
    return Values([*extra.items(), *pairs])  # the first value of a name counts


def test_the_body_is_what_the_meetings_api_expects() -> None:
    built, errors = build_submission(form(), "b1")
    assert not errors
    body = built.body
    assert body["started_at"] == "2026-12-04T19:30:00+07:00"
    assert body["roll"][1] == {
        "member_id": "m2",
        "attendance": "excused",
        "probationary": False,
        "reason": "Ốm",
    }
    assert body["speaker_ids"] == ["m1"]
    assert body["agenda_steps_completed"] == ["vote"]
    assert body["previous_action_item_reports"] == [{"title": "Việc cũ", "status": "done_on_time"}]
    assert body["action_items"] == [
        {"title": "Việc mới", "owner_member_id": "m1", "due_on": "2026-12-28"}
    ]
    assert built.rows["action_items"] == [1]
    assert body["self_score"] == {"C4": 15.5}
    assert body["votes"] == {"in_favour": 1, "against": 0, "abstain": 0}


def test_what_the_form_can_tell_is_wrong_is_named_by_field() -> None:
    _, errors = build_submission(form(started_time="7 giờ", **{"self-C5": "9"}), "b1")
    assert set(errors.by_field) == {"started_time", "self-C5"}


def test_api_pointers_land_on_their_fields() -> None:
    built, _ = build_submission(form(), "b1")
    known = {
        "roll-1-reason",
        "roll-1-attendance",
        "item-1-title",
        "item",
        "prev",
        "req-0-addressee_id",
        "held_on",
        "started_time",
    }
    assert field_for("/roll/1/reason", built, known) == "roll-1-reason"
    assert field_for("/roll/1/member_id", built, known) == "roll-1-attendance"
    # The body's first action item is the form's second row.
    assert field_for("/action_items/0/title", built, known) == "item-1-title"
    assert field_for("/previous_action_item_reports", built, known) == "prev"
    assert field_for("/requests_raised/0/addressee_id", built, known) == "req-0-addressee_id"
    assert field_for("/body/held_on", built, known) == "held_on"
    assert field_for("/started_at", built, known) == "started_time"
    assert field_for("/nothing_here", built, known) is None
    mapped = map_problem(
        [{"pointer": "/roll", "detail": "Thiếu: m9"}], built, known | {"roll"}, {"m9": "Lê Văn A"}
    )
    assert mapped.summary == [{"field": "roll", "text": "Thiếu: Lê Văn A"}]


def test_a_saved_draft_comes_back_as_the_same_form() -> None:
    built, _ = build_submission(form(), "b1")
    again, errors = build_submission(Values(values_from_body(built.body)), "b1")
    assert not errors
    assert {k: v for k, v in again.body.items()} == built.body
