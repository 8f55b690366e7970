"""A generated year of meetings for a Bắc Mê-sized district (214 branches, ≈ 3,600 members).

Branches come in three tiers (strong, ordinary, weak); a few miss a quarter's thematic meeting;
one member is planted with unexcused absences in three months, others get at most two.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from scoring_factories import ALL_STEPS, facts

from event_contracts.events.meetings import MeetingSubmitted, RollEntry

YEAR = 2026
BRANCHES = 214
PLANTED = "b-007-m03"
PLANTED_MONTHS = (2, 5, 9)
LATE_JOINER = "b-010-late"  # on the roll from September: under 6 months
EXEMPT = "b-011-m00"  # exempt all year
NO_THEMATIC_Q2 = ("b-020", "b-021", "b-022")


@dataclass
class Year:
    meetings: list[MeetingSubmitted] = field(default_factory=list)
    tiers: dict[str, str] = field(default_factory=dict)
    unexcused_months: dict[str, set[int]] = field(default_factory=dict)


def _tier(i: int) -> str:
    return "strong" if i % 20 < 7 else "weak" if i % 20 >= 17 else "ordinary"


def generate(seed: int = 366) -> Year:
    rng = random.Random(seed)
    year = Year()
    for i in range(BRANCHES):
        branch = f"b-{i:03d}"
        tier = year.tiers[branch] = _tier(i)
        members = [f"{branch}-m{k:02d}" for k in range(rng.randint(14, 20))]
        for month in range(1, 13):
            roll = []
            for member in members:
                attendance = "present"
                if member == EXEMPT:
                    attendance = "exempt"
                elif member == PLANTED:
                    attendance = "unexcused" if month in PLANTED_MONTHS else "present"
                elif tier != "strong" and rng.random() < (0.02 if tier == "ordinary" else 0.05):
                    months = year.unexcused_months.setdefault(member, set())
                    if len(months) < 2:  # nobody else reaches the removal threshold
                        attendance = "unexcused"
                        months.add(month)
                elif rng.random() < 0.04:
                    attendance = "excused"
                roll.append(RollEntry(member_id=member, attendance=attendance))  # type: ignore[arg-type]
            if branch == "b-010" and month >= 9:
                roll.append(RollEntry(member_id=LATE_JOINER, attendance="present"))
            present = [e.member_id for e in roll if e.attendance == "present"]
            share = {"strong": 0.7, "ordinary": 0.45, "weak": 0.25}[tier]
            speakers = rng.sample(present, k=max(1, round(share * len(present))))
            thematic = month % 3 == 0 and not (branch in NO_THEMATIC_Q2 and month == 6)
            manual = {
                "strong": {"C3": 3, "C4": 20, "C5": 5},
                "ordinary": {"C3": 2, "C4": rng.randint(11, 16), "C5": 4},
                "weak": {"C3": 1, "C4": rng.randint(4, 9), "C5": 2},
            }[tier]
            items = rng.randint(4, 8)
            on_time = items if tier == "strong" or rng.random() < 0.8 else items - 1
            year.meetings.append(
                facts(
                    meeting_id=f"{branch}-{month:02d}",
                    branch_id=branch,
                    meeting_type="combined" if thematic else "regular",
                    held_on=date(YEAR, month, rng.randint(3, 12)),
                    duration_minutes=130 if thematic else (100 if tier != "weak" else 70),
                    roll=roll,
                    speaker_ids=speakers,
                    agenda_steps_completed=ALL_STEPS,
                    previous_action_items_total=items,
                    previous_action_items_done_on_time=on_time,
                    self_score=manual,
                )
            )
    return year
