"""Permission × subtree mechanics that need no service: a route nobody resolves or no table names
refuses to start; a grant reaches its organisation's subtree for the permissions its role gives;
a province grant reaches everything; nothing reaches without a grant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import APIRouter

from service_kit.auth import Principal
from service_kit.grants import AccessRole, Grant
from service_kit.web.access import PROVINCE, Access, check_routes, itself
from service_kit.web.permissions import Permission, check_permissions, permissions

TODAY = date(2026, 12, 2)
# tinh → xa → { chi-bo-1, chi-bo-2 }
PARENT = {"xa": "tinh", "chi-bo-1": "xa", "chi-bo-2": "xa"}
TABLE = permissions(
    [Permission("thing.read", "xem", write=False), Permission("thing.write", "ghi", write=True)],
    {"GET /v1/things": "thing.read", "POST /v1/things": "thing.write"},
    {
        AccessRole.SECRETARY: ["thing.read", "thing.write"],
        AccessRole.OFFICER: ["thing.read", "thing.write"],
        AccessRole.READER: ["thing.read"],
    },
)


class Tree:
    async def ancestors(self, session: Any, org_id: str, on: date) -> list[str]:
        out, node = [], PARENT.get(org_id)
        while node is not None:
            out.append(node)
            node = PARENT.get(node)
        return out

    def subtree(self, org_id: str, on: date) -> sa.Select[Any]:
        return sa.select(sa.literal(org_id))


class Runtime:
    class db:
        @staticmethod
        @asynccontextmanager
        async def session() -> AsyncIterator[None]:
            yield None

        @staticmethod
        async def read(fn: Any) -> Any:
            return await fn(None)


def access(*grants: Grant, permission: str = "thing.write") -> Access:
    principal = Principal("u1", frozenset(), None, None, client=False, grants=grants)
    return Access(principal, Tree(), Runtime(), TODAY, TABLE, permission)  # type: ignore[arg-type]


def test_a_path_parameter_without_a_resolver_refuses_to_start() -> None:
    router = APIRouter(prefix="/v1/things")

    @router.get("/{thing_id}")
    async def get_thing(thing_id: str) -> None: ...

    with pytest.raises(RuntimeError, match=r"/v1/things/\{thing_id\}"):
        check_routes([router], {"branch_id": itself})
    check_routes([router], {"thing_id": itself})  # resolved: starts


def test_a_route_without_a_permission_or_a_stale_entry_refuses_to_start() -> None:
    router = APIRouter(prefix="/v1/things")

    @router.get("")
    async def list_things() -> None: ...

    @router.delete("")
    async def wipe() -> None: ...

    with pytest.raises(RuntimeError, match=r"DELETE /v1/things.*POST /v1/things"):
        check_permissions([router], TABLE)


def test_a_reader_is_never_given_a_write() -> None:
    with pytest.raises(RuntimeError, match="read-only roles given writes"):
        permissions(
            [Permission("thing.write", "ghi", write=True)],
            {},
            {AccessRole.READER: ["thing.write"], AccessRole.AGENCY: []},
        )


async def test_a_grant_reaches_its_subtree_for_what_its_role_gives() -> None:
    secretary = access(Grant(AccessRole.SECRETARY, "chi-bo-1"))
    assert await secretary.within("chi-bo-1")
    assert not await secretary.within("chi-bo-2")  # a neighbour branch
    assert not await secretary.within("xa")  # above it
    reader = access(Grant(AccessRole.READER, "xa"))
    assert not reader.holds()  # a reader holds no write anywhere
    assert not await reader.within("chi-bo-1")
    assert await reader.within("chi-bo-1", "thing.read")
    both = access(Grant(AccessRole.READER, "tinh"), Grant(AccessRole.SECRETARY, "chi-bo-2"))
    assert await both.within("chi-bo-2") and not await both.within("chi-bo-1")
    office = access(Grant(AccessRole.OFFICER, "xa"))
    assert await office.within("chi-bo-1") and await office.within("xa")
    assert not await office.within("xa", strictly=True)  # never for itself (superior acts)
    assert await office.within("chi-bo-1", strictly=True)


async def test_an_ended_grant_no_longer_holds() -> None:
    ended = access(Grant(AccessRole.SECRETARY, "chi-bo-1", until=TODAY))
    assert not ended.holds() and not await ended.within("chi-bo-1")
    ends_tomorrow = access(Grant(AccessRole.SECRETARY, "chi-bo-1", until=date(2026, 12, 3)))
    assert await ends_tomorrow.within("chi-bo-1")


async def test_province_reaches_everything_and_no_grant_reaches_nothing() -> None:
    everywhere = access(Grant(AccessRole.OFFICER, "tinh", province=True))
    assert await everywhere.within("anything") and await everywhere.within(PROVINCE)
    everywhere.require_province()
    stmt = sa.select(sa.literal(1))
    assert everywhere.restrict(stmt, sa.column("branch_id")) is stmt

    nowhere = access()
    assert not nowhere.holds() and not await nowhere.within("anything")
    restricted = str(
        nowhere.restrict(stmt, sa.column("branch_id")).compile(
            compile_kwargs={"literal_binds": True}
        )
    ).lower()
    assert "false" in restricted or "0 = 1" in restricted
    commune = access(Grant(AccessRole.OFFICER, "xa"))
    assert not await commune.within(PROVINCE)
    with pytest.raises(Exception, match="cấp tỉnh"):
        commune.require_province()


async def test_a_path_parameter_naming_nothing_is_a_404_never_a_pass() -> None:
    """A resolver that finds no resource answers None: the guard refuses with 404 before the
    handler runs, for a caller scoped to a subtree (a handler that forgot to look for the
    resource would otherwise act on a target nobody checked)."""
    from datetime import UTC, datetime

    from fastapi import Depends, FastAPI
    from httpx import ASGITransport, AsyncClient

    from service_kit.clock import FrozenClock
    from service_kit.web.access import guard, principal_of
    from service_kit.web.problems import install_problem_handlers

    things = {"t1": "chi-bo-1", "t2": "chi-bo-2"}
    reached: list[str] = []

    async def thing_owner(_: Any, thing_id: str, __: Any) -> str | None:
        return things.get(thing_id)

    router = APIRouter()

    @router.post("/v1/things/{thing_id}")
    async def touch(thing_id: str) -> dict[str, str]:
        reached.append(thing_id)
        return {"touched": thing_id}

    table = permissions(
        [Permission("thing.write", "ghi", write=True)],
        {"POST /v1/things/{thing_id}": "thing.write"},
        {AccessRole.SECRETARY: ["thing.write"], AccessRole.OFFICER: ["thing.write"]},
    )
    runtime = Runtime()
    runtime.clock = FrozenClock(datetime(2026, 12, 2, 3, tzinfo=UTC))  # type: ignore[attr-defined]
    app = FastAPI()
    app.state.runtime = runtime
    app.state.scope_tree = Tree()
    app.state.scope_resolvers = {"thing_id": thing_owner}
    app.state.permissions = table
    install_problem_handlers(app)
    app.include_router(router, dependencies=[Depends(guard)])
    holder = {"grants": (Grant(AccessRole.SECRETARY, "chi-bo-1"),)}

    async def principal() -> Principal:
        return Principal("u1", frozenset(), None, None, client=False, grants=holder["grants"])

    app.dependency_overrides[principal_of] = principal
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.post("/v1/things/t1")).status_code == 200
        assert (await client.post("/v1/things/t2")).status_code == 403  # a neighbour's
        missing = await client.post("/v1/things/nope")
        assert missing.status_code == 404, missing.text
        assert missing.json()["code"] == "not-found"
        assert missing.headers["content-type"] == "application/problem+json"
        assert reached == ["t1"]
        # The province reaches everything: the handler itself says whether the thing exists.
        holder["grants"] = (Grant(AccessRole.OFFICER, "tinh", province=True),)
        assert (await client.post("/v1/things/nope")).status_code == 200
