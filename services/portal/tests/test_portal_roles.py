"""Which desks a token gives: today's access roles, and the grants of the roles issue."""

from __future__ import annotations

from collections.abc import Mapping

from portal.roles import person_from_claims


def kinds(claims: Mapping[str, object]) -> set[tuple[str, str, bool]]:
    person = person_from_claims(claims, "x")
    return {(d.kind, d.organisation_id, d.can_act) for d in person.desks}


def test_a_branch_secretary_gets_the_branch_desk_only() -> None:
    claims = {"sub": "u1", "roles": ["secretary"], "org": "b1", "scope_kind": "affiliated_branch"}
    assert kinds(claims) == {("secretary", "b1", True)}
    assert person_from_claims(claims, "x").inbox_addresses == ["branch-secretary:b1"]


def test_a_secretary_role_outside_a_branch_gives_no_branch_desk() -> None:
    assert kinds({"roles": ["secretary"], "org": "c1", "scope_kind": "commune"}) == set()


def test_a_commune_officer_is_committee_and_addressee() -> None:
    claims = {"roles": ["officer"], "org": "c1", "scope_kind": "commune"}
    assert kinds(claims) == {("committee", "c1", True), ("addressee", "c1", True)}
    assert person_from_claims(claims, "x").inbox_addresses == ["committee:c1"]


def test_admin_only_at_province_and_reader_reads_only() -> None:
    assert ("admin", "p", True) in kinds({"roles": ["admin"], "org": "p", "scope_kind": "province"})
    assert kinds({"roles": ["admin"], "org": "c", "scope_kind": "commune"}) == set()
    assert kinds({"roles": ["reader"], "org": "c", "scope_kind": "commune"}) == {
        ("committee", "c", False)
    }


def test_grants_decide_alone_when_present() -> None:
    claims = {
        "roles": ["admin"],
        "org": "p",
        "scope_kind": "province",
        "member_id": "m7",
        "grants": [
            {"role": "secretary", "org": "b1"},
            {"role": "observer", "org": "b2"},
            {"role": "committee", "org": "c1"},
            {"role": "reader", "org": "c1"},
            {"role": "member", "org": "b1"},
        ],
    }
    person = person_from_claims(claims, "x")
    assert kinds(claims) == {
        ("secretary", "b1", True),
        ("observer", "b2", True),
        ("committee", "c1", True),  # acting wins over reading on the same organisation
        ("addressee", "c1", True),
    }
    assert person.member_id == "m7"
    assert "member:m7" in person.inbox_addresses
