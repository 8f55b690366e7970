"""The real registry in process (its app on a migrated temporary SQLite), for what notifications
asks it over HTTP: who holds a role, their e-mail, whether an agency's client id exists.

`Registry.client()` is notifications' view of it: a province-scoped service token, every call
counted, and `down = True` makes the next calls fail as an unreachable registry would.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from chibo_testing.plugin import migrated
from chibo_testing.tokens import signed_client, token
from org_tree.registry_client import RegistryClient
from registry.main import MIGRATIONS as REGISTRY_MIGRATIONS
from registry.main import build_app as build_registry
from registry.settings import RegistrySettings

NO_BROKER = "amqp://guest:guest@127.0.0.1:1/"
SINCE = "2020-01-01"
_keys = itertools.count()


@dataclass
class Wire:
    """Every call notifications makes to the registry; `down` makes them fail to connect."""

    calls: list[str] = field(default_factory=list)
    down: bool = False

    async def __call__(self, request: httpx.Request) -> None:
        self.calls.append(request.url.path)
        if self.down:
            raise httpx.ConnectError("registry down (test)", request=request)


@dataclass
class Registry:
    app: FastAPI
    admin: httpx.AsyncClient  # a province officer seeding the registry
    service: httpx.AsyncClient  # what notifications calls it with (through `wire`)
    wire: Wire
    province: str = ""

    async def service_token(self, _: httpx.AsyncClient | None = None) -> str:
        """Notifications' token: a province-scoped service, as its client credentials give."""
        return token(
            self.province, "province", roles=("service", "reader"), client_id="service-notif"
        )

    def client(self) -> RegistryClient:
        return RegistryClient(self.service, self.service_token)

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await self.admin.post(path, json=body, headers={"Idempotency-Key": f"k{next(_keys)}"})
        assert r.status_code in (200, 201), r.text
        return dict(r.json())

    async def org(self, code: str, kind: str, parent: str | None, name: str = "") -> str:
        body: dict[str, Any] = {
            "code": code,
            "name": name or f"Tổ chức {code}",
            "kind": kind,
            "parent_id": parent,
            "valid_from": SINCE,
        }
        if kind.endswith("branch"):
            body["branch_kind"] = "residential"
        return str((await self.post("/v1/organisations", body))["id"])

    async def member(self, branch_id: str, name: str, email: str | None) -> str:
        body = {
            "full_name": name,
            "branch_id": branch_id,
            "status": "full",
            "admitted_on": "2010-05-19",
            "full_member_on": "2011-05-19",
            "joined_on": SINCE,
            "email": email,
        }
        return str((await self.post("/v1/members", body))["id"])

    async def role(self, member_id: str, organisation_id: str, role: str) -> None:
        body = {
            "member_id": member_id,
            "organisation_id": organisation_id,
            "role": role,
            "valid_from": SINCE,
        }
        await self.post("/v1/role-assignments", body)

    async def observer(self, member_id: str, branch_id: str) -> None:
        body = {"member_id": member_id, "branch_id": branch_id, "valid_from": SINCE}
        await self.post("/v1/observer-assignments", body)

    async def app_client(self, name: str, kind: str = "agency") -> str:
        """A registered client (service or agency); its client id."""
        roles = ["reader"] if kind == "agency" else ["service"]
        body = {"name": name, "kind": kind, "organisation_id": self.province, "roles": roles}
        return str((await self.post("/v1/clients", body))["client_id"])


@contextlib.asynccontextmanager
async def running_registry(directory: Path) -> AsyncIterator[Registry]:
    """The registry with a province, ready to seed."""
    url = f"sqlite+aiosqlite:///{directory}/registry.db"
    await (await migrated(url, REGISTRY_MIGRATIONS)).dispose()
    app = build_registry(RegistrySettings(database_url=url, amqp_url=NO_BROKER))
    wire = Wire()
    async with (
        signed_client(app, "http://registry") as admin,
        signed_client(
            app, "http://registry", headers={}, event_hooks={"request": [wire]}
        ) as service,
    ):
        registry = Registry(app, admin, service, wire)
        registry.province = await registry.org("HT", "province", None, "Tỉnh Hà Tĩnh")
        try:
            yield registry
        finally:
            await app.state.runtime.db.dispose()
