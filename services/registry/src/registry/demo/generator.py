"""The demo province as plain data, deterministic by seed: organisations, members, roles and
observer assignments, identified by codes and party card numbers (ids come when written)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from registry.demo import names
from registry.members.rules import PROBATION_MONTHS, add_months


@dataclass(frozen=True)
class Scale:
    """The shape of one source district (or of a large province for load tests)."""

    key: str
    province: tuple[str, str]
    district: tuple[str, str] | None
    unit_kind: str  # what holds the village branches: grassroots_organisation or commune
    unit_names: tuple[str, ...]
    unit_count: int
    district_branches: int  # chi bộ cơ sở directly under the district
    branches: int
    members: int
    card_prefix: str
    valid_from: date
    highland: bool = False
    agency_units: int = 0  # grassroots organisations of agencies, next to the communes


SCALES: dict[str, Scale] = {
    s.key: s
    for s in (
        Scale(
            "binh-phu",
            ("TQ", "Tỉnh ủy Tuyên Quang"),
            None,
            "commune",
            ("Bình Phú",),
            1,
            0,
            10,
            184,
            "08",
            date(2020, 1, 1),
            highland=True,
        ),
        Scale(
            "thach-ha",
            ("HT", "Tỉnh ủy Hà Tĩnh"),
            ("TH", "Huyện ủy Thạch Hà"),
            "grassroots_organisation",
            names.THACH_HA_COMMUNES,
            36,
            0,
            369,
            8_952,
            "42",
            date(2020, 1, 1),
            agency_units=5,
        ),
        Scale(
            "hoang-su-phi",
            ("HG", "Tỉnh ủy Hà Giang"),
            ("HSP", "Huyện ủy Hoàng Su Phì"),
            "grassroots_organisation",
            names.HOANG_SU_PHI_COMMUNES,
            25,
            48,
            247,
            5_660,
            "20",
            date(2020, 1, 1),
            highland=True,
        ),
        Scale(
            "bac-me",
            ("HG", "Tỉnh ủy Hà Giang"),
            ("BM", "Huyện ủy Bắc Mê"),
            "grassroots_organisation",
            names.BAC_ME_COMMUNES,
            13,
            46,
            260,  # 46 chi bộ cơ sở + 214 chi bộ trực thuộc the 13 đảng ủy cơ sở (the seed, 2018)
            3_834,  # 3,643 classified were 95 %: 3,795–3,834 in all; the seed's "~3,835"
            "21",
            date(2020, 1, 1),
            highland=True,
        ),
        Scale(
            "province-20000",
            ("TP", "Tỉnh ủy Thái Phong"),
            None,
            "commune",
            (),
            100,
            0,
            20_000,
            500_000,
            "99",
            date(2025, 7, 1),
        ),
    )
}
AS_OF = date(2025, 9, 1)
ROLES_FROM = date(2025, 1, 1)


@dataclass(frozen=True)
class DemoOrganisation:
    code: str
    name: str
    kind: str
    parent_code: str | None
    branch_kind: str | None = None
    meeting_day_from: int | None = None
    meeting_day_to: int | None = None


@dataclass(frozen=True)
class DemoMember:
    party_card_number: str
    full_name: str
    date_of_birth: date
    admitted_on: date
    full_member_on: date | None
    status: str
    branch_code: str
    phone: str
    citizen_id: str


@dataclass(frozen=True)
class DemoRole:
    party_card_number: str
    organisation_code: str
    role: str


@dataclass(frozen=True)
class DemoObserver:
    party_card_number: str
    branch_code: str


@dataclass
class DemoProvince:
    scale: Scale
    valid_from: date
    organisations: list[DemoOrganisation] = field(default_factory=list)
    members: list[DemoMember] = field(default_factory=list)
    roles: list[DemoRole] = field(default_factory=list)
    observers: list[DemoObserver] = field(default_factory=list)

    @property
    def roles_from(self) -> date:
        return max(self.valid_from, ROLES_FROM)


def spread(rng: random.Random, total: int, parts: int, minimum: int) -> list[int]:
    """`total` split into `parts` uneven sizes, each at least `minimum`, summing exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    spare = total - minimum * parts
    scale = spare / sum(weights)
    sizes = [minimum + int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def _window(rng: random.Random, branch_kind: str) -> tuple[int, int]:
    """Residential branches meet on days 1–5 (Thạch Hà: 1–3, Bình Phú: the 4th)."""
    if branch_kind == "residential":
        first = rng.choice((1, 1, 1, 2, 3, 4))
        return first, min(first + rng.choice((0, 2, 2, 4)), 5)
    first = rng.choice((1, 3, 5, 10))
    return first, first + 2


def build(scale_key: str, seed: int, members_per_branch: float | None = None) -> DemoProvince:
    scale = SCALES[scale_key]
    rng = random.Random(f"{scale.key}:{seed}")
    province = DemoProvince(scale, scale.valid_from)
    orgs = province.organisations
    p_code, p_name = scale.province
    orgs.append(DemoOrganisation(p_code, p_name, "province", None))
    top = p_code
    if scale.district is not None:
        top = f"{p_code}.{scale.district[0]}"
        orgs.append(DemoOrganisation(top, scale.district[1], "legacy_district", p_code))
    district_label = scale.district[1].removeprefix("Huyện ủy ") if scale.district else ""
    villages_count = scale.unit_count - scale.agency_units
    unit_names = list(scale.unit_names[:villages_count])
    if len(unit_names) < villages_count:
        unit_names = names.place_names(
            rng, villages_count, names.SINO_SYLLABLES, names.SINO_SYLLABLES
        )
    units: list[tuple[str, str, str]] = []  # (code, label, what its branches are)
    for i, unit_name in enumerate(unit_names, start=1):
        code = f"{top}.{i:03d}"
        orgs.append(DemoOrganisation(code, f"Đảng bộ xã {unit_name}", scale.unit_kind, top))
        units.append((code, unit_name, "village"))
    for k in range(scale.agency_units):
        code = f"{top}.{villages_count + k + 1:03d}"
        org_name = names.DISTRICT_GRASSROOTS[k % len(names.DISTRICT_GRASSROOTS)][0]
        orgs.append(DemoOrganisation(code, org_name, scale.unit_kind, top))
        units.append((code, org_name, "agency"))
    branch_codes: list[str] = []
    affiliated = scale.branches - scale.district_branches
    per_unit = spread(rng, affiliated, len(units), 3)
    for (unit_code, unit_label, source), count in zip(units, per_unit, strict=True):
        if source == "village":
            institutions = list(names.COMMUNE_INSTITUTIONS)[: max(0, min(5, count // 6))]
            first, second = (
                (names.HIGHLAND_VILLAGE_FIRST, names.HIGHLAND_VILLAGE_SECOND)
                if scale.highland
                else (names.LOWLAND_VILLAGE_FIRST, names.LOWLAND_VILLAGE_SECOND)
            )
            if scale.key == "binh-phu":
                villages = list(names.BINH_PHU_VILLAGES)
                institutions = [names.COMMUNE_INSTITUTIONS[0], names.COMMUNE_INSTITUTIONS[4]]
            else:
                villages = names.place_names(rng, count - len(institutions), first, second)
            labels = [(f"Chi bộ thôn {v}", "residential") for v in villages]
            labels = labels[: count - len(institutions)]
            labels += [(f"{n} {unit_label}", kind) for n, kind in institutions]
        else:
            labels = [(f"Chi bộ {k}", "agency") for k in _agency_units(count)]
        for j, (label, branch_kind) in enumerate(labels, start=1):
            code = f"{unit_code}.{j:03d}"
            day_from, day_to = _window(rng, branch_kind)
            orgs.append(
                DemoOrganisation(
                    code, label, "affiliated_branch", unit_code, branch_kind, day_from, day_to
                )
            )
            branch_codes.append(code)
    for k in range(scale.district_branches):
        label, branch_kind = names.DISTRICT_AGENCIES[k % len(names.DISTRICT_AGENCIES)]
        round_no = k // len(names.DISTRICT_AGENCIES)
        suffix = f" {district_label}" + (f" số {round_no + 1}" if round_no else "")
        code = f"{top}.C{k + 1:03d}"
        day_from, day_to = _window(rng, branch_kind)
        orgs.append(
            DemoOrganisation(
                code, label + suffix, "grassroots_branch", top, branch_kind, day_from, day_to
            )
        )
        branch_codes.append(code)
    total_members = (
        round(members_per_branch * len(branch_codes)) if members_per_branch else scale.members
    )
    _members(province, rng, branch_codes, total_members)
    _roles(province, rng)
    return province


def _agency_units(count: int) -> list[str]:
    kinds = ("Ban Chỉ huy", "Văn phòng", "Phòng Tổ chức", "Phòng Nghiệp vụ", "Đội")
    return [f"{kinds[i % len(kinds)]} số {i // len(kinds) + 1}" for i in range(count)]


def _members(
    province: DemoProvince, rng: random.Random, branch_codes: list[str], total: int
) -> None:
    scale = province.scale
    family = names.HIGHLAND_FAMILY_NAMES if scale.highland else names.FAMILY_NAMES
    sizes = spread(rng, total, len(branch_codes), 3)
    serial = 0
    latest_full = add_months(AS_OF, -PROBATION_MONTHS - 1)
    for branch_code, size in zip(branch_codes, sizes, strict=True):
        for k in range(size):
            serial += 1
            female = rng.random() < 0.35
            born = date(rng.randint(1945, 2002), rng.randint(1, 12), rng.randint(1, 28))
            earliest = add_months(born, 12 * 18 + 1)
            # The first three of a branch are full members, so every branch has a secretary.
            probationary = k >= 3 and rng.random() < 0.04 and earliest < AS_OF - timedelta(days=60)
            if probationary:
                start = max(earliest, AS_OF - timedelta(days=330))
                admitted = start + timedelta(days=rng.randint(0, (AS_OF - start).days - 30))
                full_on = None
                status = "probationary"
            else:
                span = max((latest_full - earliest).days, 0)
                admitted = earliest + timedelta(days=rng.randint(0, span))
                full_on = add_months(admitted, PROBATION_MONTHS)
                old = AS_OF.year - born.year >= 70
                status = "exempt" if k >= 3 and old and rng.random() < 0.5 else "full"
            card = f"{scale.card_prefix}.{serial:06d}"
            province.members.append(
                DemoMember(
                    party_card_number=card,
                    full_name=names.person_name(rng, female, family),
                    date_of_birth=born,
                    admitted_on=admitted,
                    full_member_on=full_on,
                    status=status,
                    branch_code=branch_code,
                    phone=f"09{rng.randint(0, 99_999_999):08d}",
                    citizen_id=f"0{scale.card_prefix}{int(female) + 2}{born.year % 100:02d}"
                    f"{rng.randint(0, 999_999):06d}",
                )
            )


def _roles(province: DemoProvince, rng: random.Random) -> None:
    """Each branch: a secretary, a deputy from 5 full members, a branch committee member from
    9; each upper organisation's committee drawn from the secretaries below it; each branch an
    observer from its parent's committee."""
    by_branch: dict[str, list[DemoMember]] = {}
    for m in province.members:
        if m.status == "full":
            by_branch.setdefault(m.branch_code, []).append(m)
    parent_of = {o.code: o.parent_code for o in province.organisations}
    secretaries: dict[str, list[str]] = {}  # upper organisation → secretaries of branches below
    for branch_code, full in by_branch.items():
        picked = rng.sample(full, min(len(full), 3))
        roles = ["secretary"]
        if len(full) >= 5:
            roles.append("deputy_secretary")
        if len(full) >= 9:
            roles.append("branch_committee_member")
        for member, role in zip(picked, roles, strict=False):
            province.roles.append(DemoRole(member.party_card_number, branch_code, role))
        parent = parent_of[branch_code]
        while parent is not None:
            secretaries.setdefault(parent, []).append(picked[0].party_card_number)
            parent = parent_of[parent]
    committees: dict[str, list[str]] = {}
    for org in province.organisations:
        pool = secretaries.get(org.code)
        if not pool:
            continue
        size = {"province": 15, "legacy_district": 11}.get(org.kind, 5)
        chosen = rng.sample(pool, min(len(pool), size))
        committees[org.code] = chosen
        for i, card in enumerate(chosen):
            role = "standing_committee_member" if i == 0 else "committee_member"
            province.roles.append(DemoRole(card, org.code, role))
    for branch_code in by_branch:
        parent = parent_of[branch_code]
        if parent in committees:
            card = rng.choice(committees[parent])
            province.observers.append(DemoObserver(card, branch_code))
