"""Bắc Mê 2018 at the seed's sizes (seed 003), shaped like the registry demo's district: 13
commune Party committees (đảng bộ cơ sở) holding the 214 sub-branches, 46 chi bộ cơ sở directly
under the district (59 grassroots organisations), 3,834 members of whom 3,643 are classified.

3,834 and not 3,835: the article truncates its percentages (45 of 59 is printed 76,2%), and
3,643 classified reads "95%" truncated only for 3,795 to 3,834 members in all.

Planted decided levels: the seed's 14 / 45 grassroots organisations and 581 / 2,656 / 396
members (the other 10 classified: not fulfilled), members spread so that every grassroots
organisation stays within the 2018 quota (20% of those rated good or above, in each).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scoring_factories import ALL_STEPS, facts, organisation

from event_contracts.events.meetings import MeetingSubmitted, RollEntry

YEAR = 2018
FROM = date(2015, 1, 1)
DISTRICT = "bm"
COMMUNES, DISTRICT_BRANCHES, SUB_BRANCHES = 13, 46, 214
MEMBERS, EXEMPT, SUSPENDED, NEW = 3_834, 150, 30, 11  # 191 not classified
ORGS = {"excellent": 14, "good": 45}
SUBS = {"excellent": 30, "good": 180, "fulfilled": 4}
PEOPLE = {"excellent": 581, "good": 2_656, "fulfilled": 396, "not_fulfilled": 10}


@dataclass
class District:
    tree: list[Any] = field(default_factory=list)
    grassroots: list[str] = field(default_factory=list)  # 13 communes, then 46 branches
    sub_branches: list[str] = field(default_factory=list)
    grassroots_of: dict[str, str] = field(default_factory=dict)  # branch → grassroots org
    members: dict[str, str] = field(default_factory=dict)  # member → branch
    exempt: set[str] = field(default_factory=set)
    exclusions: dict[str, str] = field(default_factory=dict)
    meetings: list[MeetingSubmitted] = field(default_factory=list)
    levels: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, id) → level

    @property
    def branches(self) -> list[str]:
        return self.sub_branches + self.grassroots[COMMUNES:]


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    sizes = [max(3, int(total * w / sum(weights))) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def _largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - out[k], reverse=True)[
        : total - sum(out.values())
    ]:
        out[k] += 1
    return out


def generate(seed: int = 2018) -> District:
    rng = random.Random(seed)
    d = District()
    d.tree += [
        organisation("hg", None, kind="province", valid_from=FROM),
        organisation(DISTRICT, "hg", kind="legacy_district", valid_from=FROM),
    ]
    for i in range(COMMUNES):
        commune = f"bm-x{i:02d}"
        d.grassroots.append(commune)
        d.tree.append(
            organisation(commune, DISTRICT, kind="grassroots_organisation", valid_from=FROM)
        )
    for i, size in enumerate(_spread(SUB_BRANCHES, COMMUNES, rng)):
        for j in range(size):
            branch = f"bm-x{i:02d}-{j:02d}"
            d.sub_branches.append(branch)
            d.grassroots_of[branch] = f"bm-x{i:02d}"
            d.tree.append(
                organisation(branch, f"bm-x{i:02d}", kind="affiliated_branch", valid_from=FROM)
            )
    for k in range(DISTRICT_BRANCHES):
        branch = f"bm-c{k:02d}"
        d.grassroots.append(branch)
        d.grassroots_of[branch] = branch
        d.tree.append(organisation(branch, DISTRICT, valid_from=FROM))
    serial = 0
    for branch, size in zip(d.branches, _spread(MEMBERS, len(d.branches), rng), strict=True):
        roll = []
        for _ in range(size):
            member = f"dv{serial:05d}"
            serial += 1
            d.members[member] = branch
            exempt = serial % 25 == 0 and len(d.exempt) < EXEMPT
            if exempt:
                d.exempt.add(member)
            roll.append(RollEntry(member_id=member, attendance="exempt" if exempt else "present"))
        present = [e.member_id for e in roll if e.attendance == "present"]
        d.meetings.append(
            facts(
                meeting_id=f"{branch}-07",
                branch_id=branch,
                held_on=date(YEAR, 7, 10),  # after HD 12 took effect: scored under it
                roll=roll,
                speaker_ids=present[: len(present) // 2 + 1],
                agenda_steps_completed=ALL_STEPS,
                self_score={"H1": 7, "H3": 5, "H4": 13},
            )
        )
    others = [m for m in d.members if m not in d.exempt]
    rng.shuffle(others)
    d.exclusions = {m: "đình chỉ sinh hoạt đảng" for m in others[:SUSPENDED]}
    d.exclusions |= {m: "kết nạp chưa đủ 6 tháng" for m in others[SUSPENDED : SUSPENDED + NEW]}
    assert len(d.exempt) == EXEMPT and len(d.members) == MEMBERS
    _plant(d, rng)
    return d


def _plant(d: District, rng: random.Random) -> None:
    """The decided levels: the seed's counts; members within each grassroots organisation's
    2018 quota (excellent ≤ 20% of those rated good or above there)."""
    order = d.grassroots[:]
    rng.shuffle(order)
    for i, org in enumerate(order):
        kind = "organisation" if org in d.grassroots[:COMMUNES] else "branch"
        d.levels[(kind, org)] = "excellent" if i < ORGS["excellent"] else "good"
    subs = d.sub_branches[:]
    rng.shuffle(subs)
    plan = [lv for lv, n in SUBS.items() for _ in range(n)]
    d.levels |= {("branch", b): lv for b, lv in zip(subs, plan, strict=True)}
    classified: dict[str, list[str]] = {}
    for member, branch in sorted(d.members.items()):
        if member not in d.exempt and member not in d.exclusions:
            classified.setdefault(d.grassroots_of[branch], []).append(member)
    sizes = {org: len(ms) for org, ms in classified.items()}
    low = {lv: _largest_remainder(PEOPLE[lv], sizes) for lv in ("fulfilled", "not_fulfilled")}
    above = {o: n - low["fulfilled"][o] - low["not_fulfilled"][o] for o, n in sizes.items()}
    cap = {o: n // 5 for o, n in above.items()}  # ⌊20% × good or above⌋
    best = {
        o: min(cap[o], PEOPLE["excellent"] * n // sum(above.values())) for o, n in above.items()
    }
    spare = PEOPLE["excellent"] - sum(best.values())
    for o in sorted(best, key=lambda o: cap[o] - best[o], reverse=True):
        extra = min(spare, cap[o] - best[o])
        best[o] += extra
        spare -= extra
    assert spare == 0
    for org, members in classified.items():
        plan = (
            ["excellent"] * best[org]
            + ["fulfilled"] * low["fulfilled"][org]
            + ["not_fulfilled"] * low["not_fulfilled"][org]
        )
        plan += ["good"] * (len(members) - len(plan))
        d.levels |= {("member", m): lv for m, lv in zip(members, plan, strict=True)}
