"""The formality signals of one meeting, given the branch's earlier meetings: pure, no I/O.

Each signal says in Vietnamese what was seen and keeps the evidence; none changes the score.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from datetime import date

from meetings.signals.policy import FormalityRules
from meetings.signals.records import (
    FormalityReport,
    FormalitySignal,
    MeetingRecord,
    SignalCode,
)
from meetings.signals.similarity import TextSketch, similarity, sketch
from meetings.signals.speakers import named_speakers, unnamed_discussion
from meetings.signals.targets import measurable_targets


def _months_before(later: date, earlier: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _earlier_of_branch(
    meeting: MeetingRecord, earlier: Sequence[MeetingRecord]
) -> list[MeetingRecord]:
    """The branch's earlier meetings, oldest first; another branch's never count."""
    return sorted(
        (
            e
            for e in earlier
            if e.branch_id == meeting.branch_id
            and e.held_on <= meeting.held_on
            and e.meeting_id != meeting.meeting_id
        ),
        key=lambda e: e.held_on,
    )


def _repeated(
    code: SignalCode,
    what: str,
    text: str,
    earlier: list[tuple[MeetingRecord, str]],
    threshold: float,
    rules: FormalityRules,
    sketches: MutableMapping[str, TextSketch],
) -> FormalitySignal | None:
    def sketch_of(t: str) -> TextSketch:
        if t not in sketches:
            sketches[t] = sketch(t, rules)
        return sketches[t]

    mine = sketch_of(text)
    best: tuple[float, MeetingRecord] | None = None
    for record, earlier_text in earlier:
        score = similarity(mine, sketch_of(earlier_text))
        if score is not None and (best is None or score > best[0]):
            best = (score, record)
    if best is None or best[0] < threshold:
        return None
    score, record = best
    return FormalitySignal(
        code,
        f"{what} giống khoảng {round(score * 100)}% {what.lower()} buổi sinh hoạt ngày "
        f"{record.held_on:%d/%m/%Y} (không tính ngày tháng và con số): có thể chép lại.",
        {
            "matched_meeting_id": record.meeting_id,
            "matched_held_on": record.held_on.isoformat(),
            "similarity": round(score, 3),
            "threshold": threshold,
        },
    )


def _without_target(meeting: MeetingRecord, rules: FormalityRules) -> FormalitySignal | None:
    targets = measurable_targets(meeting.resolution, meeting.held_on, meeting.tasks)
    if len(targets) >= rules.min_measurable_targets:
        return None
    return FormalitySignal(
        "resolution_without_target",
        "Nghị quyết không có chỉ tiêu đo được: không nêu con số, thời hạn hay người phụ trách "
        "cụ thể.",
        {
            "targets_found": [{"kind": t.kind, "text": t.text} for t in targets],
            "minimum": rules.min_measurable_targets,
            "tasks_recorded": len(meeting.tasks),
        },
    )


def _speakers_not_named(meeting: MeetingRecord, rules: FormalityRules) -> FormalitySignal | None:
    named = list(dict.fromkeys([*meeting.speakers, *named_speakers(meeting.minutes)]))
    if len(named) >= rules.min_named_speakers:
        return None
    phrases = unnamed_discussion(meeting.minutes)
    if not named and phrases:
        text = f"Biên bản ghi “{phrases[0]}” nhưng không nêu tên người phát biểu nào."
    elif not named:
        text = "Biên bản không ghi tên người phát biểu nào."
    else:
        text = f"Biên bản chỉ nêu tên {len(named)} người phát biểu."
    return FormalitySignal(
        "speakers_not_named",
        text,
        {"named": named, "unnamed_phrases": phrases, "minimum": rules.min_named_speakers},
    )


def _attendance_unchanged(
    meeting: MeetingRecord, earlier: list[MeetingRecord], rules: FormalityRules
) -> FormalitySignal | None:
    figures = meeting.attendance
    if figures is None or figures.members < rules.attendance_min_members:
        return None
    if figures.present == figures.members and figures.members < rules.attendance_full_min_members:
        return None
    window = [
        e
        for e in earlier
        if e.attendance is not None
        and _months_before(meeting.held_on, e.held_on) <= rules.attendance_lookback_months
    ][-(rules.attendance_identical_meetings - 1) :]
    if len(window) < rules.attendance_identical_meetings - 1:
        return None
    if any(e.attendance != figures for e in window):
        return None
    first = window[0].held_on
    return FormalitySignal(
        "attendance_unchanged",
        f"Số liệu điểm danh giống hệt nhau ở {len(window) + 1} buổi sinh hoạt liên tiếp, từ "
        f"tháng {first:%m/%Y} đến tháng {meeting.held_on:%m/%Y}: có mặt {figures.present}/"
        f"{figures.members}, vắng có lý do {figures.excused}, vắng không lý do "
        f"{figures.unexcused}.",
        {
            "meeting_ids": [e.meeting_id for e in window] + [meeting.meeting_id],
            "members": figures.members,
            "present": figures.present,
            "excused": figures.excused,
            "unexcused": figures.unexcused,
        },
    )


def formality_signals(
    meeting: MeetingRecord,
    earlier: Sequence[MeetingRecord],
    rules: FormalityRules,
    sketches: MutableMapping[str, TextSketch] | None = None,
) -> FormalityReport:
    """Every formality signal of `meeting`; `earlier` may hold any of the branch's records.

    `sketches` (text → sketch, made with these rules) spares re-sketching earlier texts when many
    meetings are checked in one run; it is filled as texts are sketched.
    """
    sketches = {} if sketches is None else sketches
    prior = _earlier_of_branch(meeting, earlier)
    compared = [
        e for e in prior if _months_before(meeting.held_on, e.held_on) <= rules.lookback_months
    ]
    found = [
        _repeated(
            "minutes_repeated",
            "Biên bản",
            meeting.minutes,
            [(e, e.minutes) for e in compared],
            rules.minutes_similarity,
            rules,
            sketches,
        ),
        _repeated(
            "resolution_repeated",
            "Nghị quyết",
            meeting.resolution,
            [(e, e.resolution) for e in compared],
            rules.resolution_similarity,
            rules,
            sketches,
        ),
        _without_target(meeting, rules),
        _speakers_not_named(meeting, rules),
        _attendance_unchanged(meeting, prior, rules),
    ]
    return FormalityReport(
        meeting.meeting_id,
        rules.id,
        rules.version,
        tuple(s for s in found if s is not None),
    )
