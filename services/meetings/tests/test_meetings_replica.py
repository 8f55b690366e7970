"""The registry replica answers "who is above X on day D" whatever order the facts arrive in."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from event_contracts.events.registry import (
    OrganisationDissolved,
    OrganisationMoved,
    OrganisationRegistered,
)
from meetings.replica import service
from org_tree import replica
from service_kit.db import Database


def reg(org_id: str, kind: str, parent: str | None) -> OrganisationRegistered:
    return OrganisationRegistered.produce(
        aggregate_version=1,
        organisation_id=org_id,
        code=org_id,
        name=f"Tên {org_id}",
        kind=kind,
        parent_id=parent,
        valid_from=date(2020, 1, 1),
    )


REFORM = date(2025, 7, 1)
FACTS = [
    reg("tinh", "province", None),
    reg("huyen", "legacy_district", "tinh"),
    reg("xa", "commune", "huyen"),
    OrganisationMoved.produce(
        aggregate_version=2,
        organisation_id="xa",
        from_parent_id="huyen",
        parent_id="tinh",
        on=REFORM,
        reason="dissolve",
    ),
    OrganisationDissolved.produce(
        aggregate_version=2, organisation_id="huyen", on=REFORM, children_moved_to_id="tinh"
    ),
]


async def apply(session, fact) -> None:  # type: ignore[no-untyped-def]
    if isinstance(fact, OrganisationRegistered):
        await replica.apply_registered(session, fact)
    elif isinstance(fact, OrganisationMoved):
        await replica.apply_moved(session, fact)
    else:
        await replica.apply_ceased(session, fact)


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(FACTS))))[::17])
async def test_chain_before_and_after_the_reform_in_any_order(tmp_path, order) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import SQLModel

    import org_tree.models  # noqa: F401

    db = Database(f"sqlite+aiosqlite:///{tmp_path}/r.db")
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    async with db.transaction() as session:
        for i in order:
            await apply(session, FACTS[i])
    async with db.session() as session:
        before = await replica.chain_on(session, "xa", date(2025, 6, 30))
        after = await replica.chain_on(session, "xa", REFORM)
        gone = await replica.chain_on(session, "huyen", date(2026, 1, 1))
        name = await replica.node_on(session, "xa", REFORM)
    await db.dispose()
    assert [(n.organisation_id, n.active) for n in before] == [
        ("xa", True),
        ("huyen", True),
        ("tinh", True),
    ]
    assert [(n.organisation_id, n.active) for n in after] == [("xa", True), ("tinh", True)]
    assert [(n.organisation_id, n.active) for n in gone] == [("huyen", False), ("tinh", True)]
    assert name is not None and name.kind == "commune"


def test_roll_is_checked_against_the_roster_on_the_meeting_day() -> None:
    from meetings_factories import submission

    from meetings.meetings.rules import roll_violations
    from meetings.meetings.schemas import MeetingSubmissionIn

    roster = {"a": "full", "b": "probationary", "c": "exempt", "d": "full"}
    sub = MeetingSubmissionIn.model_validate(
        submission(
            roll=[
                {"member_id": "a", "attendance": "present"},
                {"member_id": "b", "attendance": "present"},  # not flagged probationary
                {
                    "member_id": "c",
                    "attendance": "excused",
                    "reason": "ốm",
                },  # exempt, not marked so
                {"member_id": "x", "attendance": "present"},  # not on the roster
            ],
            speaker_ids=[],
        )
    )
    found = {(e["pointer"], e["code"]) for e in roll_violations(sub, roster)}
    assert found == {
        ("/roll/1/probationary", "probationary-mismatch"),
        ("/roll/2/attendance", "exempt-mismatch"),
        ("/roll/3/member_id", "not-on-roster"),
        ("/roll", "roll-missing-member"),
    }
    assert roll_violations(sub, None) == []  # roster unknown: not checked


async def test_roster_follows_status_transfer_and_attachment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import SQLModel

    import meetings.replica.models  # noqa: F401
    from event_contracts.events.registry import (
        MemberAdmitted,
        MemberStatusChanged,
        MemberTransferred,
    )

    db = Database(f"sqlite+aiosqlite:///{tmp_path}/r.db")
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    d = date(2026, 1, 1)
    async with db.transaction() as s:
        for m in ("m1", "m2", "m3"):
            await service.apply_member_admitted(
                s,
                MemberAdmitted.produce(
                    aggregate_version=1,
                    member_id=m,
                    branch_id="A",
                    status="full",
                    admitted_on=d,
                    on=d,
                ),
            )
        await service.apply_member_status(
            s,
            MemberStatusChanged.produce(
                aggregate_version=2,
                member_id="m2",
                branch_id="A",
                from_status="full",
                status="exempt",
                on=date(2026, 3, 1),
            ),
        )
        await service.apply_member_transferred(
            s,
            MemberTransferred.produce(
                aggregate_version=2,
                member_id="m3",
                from_branch_id="A",
                branch_id="B",
                on=date(2026, 4, 1),
            ),
        )
        await service.apply_member_status(
            s,
            MemberStatusChanged.produce(
                aggregate_version=3,
                member_id="m1",
                branch_id="A",
                from_status="full",
                status="temporarily_attached",
                attached_branch_id="B",
                on=date(2026, 5, 1),
            ),
        )
    async with db.session() as s:
        feb = await service.roster_on(s, "A", date(2026, 2, 1))
        jun_a = await service.roster_on(s, "A", date(2026, 6, 1))
        jun_b = await service.roster_on(s, "B", date(2026, 6, 1))
        unknown = await service.roster_on(s, "Z", date(2026, 6, 1))
    await db.dispose()
    assert feb == {"m1": "full", "m2": "full", "m3": "full"}
    assert jun_a == {"m2": "exempt"}
    assert jun_b == {"m3": "full", "m1": "full"}
    assert unknown is None
