"""The default rubric (HD 42 style, 100 points) as pure functions of a meeting's facts.

Each criterion returns its points and a Vietnamese explanation a branch secretary can read.
Manual parts come from the branch's self-score, capped at their maximum.
"""

from __future__ import annotations

from dataclasses import dataclass

from event_contracts.events.meetings import MeetingSubmitted

RUBRIC_ID = "hd42-default"
RUBRIC_VERSION = "2025-07-01"
MIN_MINUTES = {"combined": 120}
DEFAULT_MIN_MINUTES = 90
PREP_STEPS = {"prep_meeting": 2, "notice_sent": 2, "documents_early": 2, "draft_resolution": 1}
AGENDA_STEPS = (
    "purpose_and_guests",
    "minute_taker",
    "attendance_announced",
    "agenda_approved",
    "news_and_documents",
    "ideological_situation",
    "resolution_review",
    "self_criticism",
    "next_month_tasks",
    "chair_conclusion",
    "vote",
    "tasks_assigned",
    "scoring",
    "minutes_approved",
)


@dataclass(frozen=True)
class Criterion:
    code: str
    points: float
    max_points: float
    explanation: str

    @property
    def full(self) -> bool:
        return self.points >= self.max_points


@dataclass(frozen=True)
class MeetingScoreResult:
    criteria: list[Criterion]
    total: float
    max_total: float
    grade: str
    grade_reason: str


def _manual(facts: MeetingSubmitted, code: str, cap: float) -> float:
    return max(0.0, min(cap, float(facts.self_score.get(code, 0.0))))


def c1_time(facts: MeetingSubmitted) -> Criterion:
    minimum = MIN_MINUTES.get(facts.meeting_type, DEFAULT_MIN_MINUTES)
    short = minimum - facts.duration_minutes
    if short <= 0:
        points = 5
    elif short <= 15:
        points = 4
    elif short <= 30:
        points = 3
    elif facts.duration_minutes >= minimum / 2:
        points = 2
    else:
        points = 1
    note = f"họp {facts.duration_minutes} phút (tối thiểu {minimum})"
    if not facts.within_scheduled_window:
        points = max(points - 1, 0)
        note += ", ngoài khung ngày sinh hoạt định kỳ (−1)"
    return Criterion("C1", points, 5, f"{note} → {points}/5")


def c2_attendance(facts: MeetingSubmitted) -> Criterion:
    counted = [e for e in facts.roll if e.attendance != "exempt" and not e.on_duty]
    present = sum(e.attendance == "present" for e in counted)
    excused = sum(e.attendance == "excused" for e in counted)
    unexcused = sum(e.attendance == "unexcused" for e in counted)
    rate = present / len(counted) if counted else 0.0
    if unexcused or rate < 0.65:
        points = 1
    elif rate >= 0.90:
        points = 4
    elif rate >= 0.75:
        points = 3
    else:
        points = 2
    why = " vì có đảng viên vắng không lý do" if unexcused else ""
    text = (
        f"dự họp {rate:.0%} ({present}/{len(counted)}; {excused} vắng có lý do, "
        f"{unexcused} vắng không lý do) → {points}/5{why}"
    )
    return Criterion("C2", points, 5, text)


def c3_preparation(facts: MeetingSubmitted) -> Criterion:
    done = [s for s in PREP_STEPS if s in facts.agenda_steps_completed]
    computed = sum(PREP_STEPS[s] for s in done)
    manual = _manual(facts, "C3", 3)
    return Criterion(
        "C3",
        computed + manual,
        10,
        f"chuẩn bị: {len(done)}/{len(PREP_STEPS)} việc ({computed}/7), "
        f"chất lượng nội dung tự chấm {manual:g}/3",
    )


def speaking_share(facts: MeetingSubmitted) -> float:
    present = {e.member_id for e in facts.roll if e.attendance == "present"}
    return len(present & set(facts.speaker_ids)) / len(present) if present else 0.0


def speaking_points(share: float) -> int:
    if share > 0.5:
        return 5
    if share >= 0.4:
        return 4
    if share >= 0.3:
        return 3
    return 2


def c4_conduct(facts: MeetingSubmitted) -> Criterion:
    steps = sum(s in facts.agenda_steps_completed for s in AGENDA_STEPS)
    agenda = round(10 * steps / len(AGENDA_STEPS))
    share = speaking_share(facts)
    speak = speaking_points(share)
    minutes = 5 if "minutes_approved" in facts.agenda_steps_completed else 0
    manual = _manual(facts, "C4", 20)
    return Criterion(
        "C4",
        agenda + speak + minutes + manual,
        40,
        f"trình tự {steps}/{len(AGENDA_STEPS)} bước ({agenda}/10), "
        f"phát biểu {share:.0%} ({speak}/5), biên bản thông qua ({minutes}/5), "
        f"điều hành tự chấm {manual:g}/20",
    )


def c5_principles(facts: MeetingSubmitted) -> Criterion:
    manual = _manual(facts, "C5", 5)
    return Criterion("C5", manual, 5, f"nguyên tắc tổ chức, tự chấm {manual:g}/5")


def c6_results(facts: MeetingSubmitted) -> Criterion:
    total, done = facts.previous_action_items_total, facts.previous_action_items_done_on_time
    if total == 0:
        return Criterion("C6", 30, 30, "không có việc nào của nghị quyết tháng trước → 30/30")
    share = done / total
    bands = ((0.9, 30), (0.8, 27), (0.7, 24), (0.6, 20), (0.5, 15))
    points = next((p for floor, p in bands if share >= floor), 10)
    return Criterion(
        "C6", points, 30, f"hoàn thành đúng hạn {done}/{total} việc ({share:.0%}) → {points}/30"
    )


def c7_closing(facts: MeetingSubmitted) -> Criterion:
    voted = 2 if facts.resolution_voted else 0
    tasks = 2 if "tasks_assigned" in facts.agenda_steps_completed else 0
    posted = 1 if "documents_posted" in facts.agenda_steps_completed else 0
    return Criterion(
        "C7",
        voted + tasks + posted,
        5,
        f"biểu quyết nghị quyết {voted}/2, giao việc có người và hạn {tasks}/2, "
        f"gửi văn bản trong 2 ngày {posted}/1",
    )


def grade_for(total: float, gates_full: bool) -> tuple[str, str]:
    if total >= 90:
        if gates_full:
            return "tot", "≥ 90 điểm và đạt tối đa các tiêu chí bắt buộc"
        return "kha", "≥ 90 điểm nhưng chưa đạt tối đa C1, C2, tỷ lệ phát biểu hoặc biên bản"
    if total >= 70:
        return "kha", "70 đến dưới 90 điểm"
    if total >= 50:
        return "trung_binh", "50 đến dưới 70 điểm"
    return "kem", "dưới 50 điểm"


def score_meeting(facts: MeetingSubmitted) -> MeetingScoreResult:
    criteria = [
        c1_time(facts),
        c2_attendance(facts),
        c3_preparation(facts),
        c4_conduct(facts),
        c5_principles(facts),
        c6_results(facts),
        c7_closing(facts),
    ]
    total = round(sum(c.points for c in criteria), 2)
    gates = (
        criteria[0].full
        and criteria[1].points >= 4
        and speaking_points(speaking_share(facts)) == 5
        and "minutes_approved" in facts.agenda_steps_completed
    )
    grade, reason = grade_for(total, gates)
    return MeetingScoreResult(criteria, total, sum(c.max_points for c in criteria), grade, reason)
