"""Subtree scope mechanics that need no service: a route nobody resolves refuses to start; a
province token reaches everything; a token without an organisation reaches nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi import APIRouter

from service_kit.auth import Principal
from service_kit.web.access import PROVINCE, Access, check_routes, itself


def principal(org: str | None, kind: str | None) -> Principal:
    return Principal("u1", frozenset({"officer"}), org, kind, client=False)


def test_a_path_parameter_without_a_resolver_refuses_to_start() -> None:
    router = APIRouter(prefix="/v1/things")

    @router.get("/{thing_id}")
    async def get_thing(thing_id: str) -> None: ...

    with pytest.raises(RuntimeError, match=r"/v1/things/\{thing_id\}"):
        check_routes([router], {"branch_id": itself})
    check_routes([router], {"thing_id": itself})  # resolved: starts


class NoTree:
    async def ancestors(self, session, org_id, on):  # type: ignore[no-untyped-def]
        raise AssertionError("a province caller never needs the tree")

    def subtree(self, org_id, on):  # type: ignore[no-untyped-def]
        raise AssertionError("a province caller never needs the tree")


async def test_province_reaches_everything_and_no_scope_reaches_nothing() -> None:
    everywhere = Access(principal("tinh", "province"), NoTree(), None, None)  # type: ignore[arg-type]
    assert await everywhere.within("anything") and await everywhere.within(PROVINCE)
    everywhere.require_province()
    stmt = sa.select(sa.literal(1))
    assert everywhere.restrict(stmt, sa.column("branch_id")) is stmt

    nowhere = Access(principal(None, None), NoTree(), None, None)  # type: ignore[arg-type]
    assert not await nowhere.within("anything")
    restricted = nowhere.restrict(stmt, sa.column("branch_id"))
    assert "false" in str(restricted.compile(compile_kwargs={"literal_binds": True})).lower() or (
        "0 = 1" in str(restricted.compile(compile_kwargs={"literal_binds": True}))
    )
    commune = Access(principal("xa", "commune"), NoTree(), None, None)  # type: ignore[arg-type]
    assert await commune.within("xa")  # itself, without asking the tree
    assert not await commune.within(PROVINCE)
