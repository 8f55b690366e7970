"""The registry as the portal uses it: sign-in, the tree, rosters, roles, imports."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import httpx

from portal.clients.base import ApiProblem, ServiceClient, ServiceDown


class NameCache:
    """Organisation names by id for a few minutes: names of Party organisations are shown to
    everyone who meets their id, and a list would otherwise cost one call per row."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._names: dict[str, tuple[float, dict[str, Any]]] = {}

    def get(self, organisation_id: str) -> dict[str, Any] | None:
        hit = self._names.get(organisation_id)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, org: dict[str, Any]) -> None:
        if len(self._names) > 50_000:  # bounded: a province is ~25,000 organisations
            self._names.clear()
        self._names[org["id"]] = (time.monotonic() + self.seconds, org)


async def password_grant(http: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    """The token endpoint answers before there is a token: the one call without one."""
    try:
        return await http.post(
            "/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        )
    except httpx.HTTPError as exc:
        raise ServiceDown("registry", type(exc).__name__) from exc


class RegistryApi(ServiceClient):
    service = "registry"

    def __init__(self, http: httpx.AsyncClient, token: str, names: NameCache) -> None:
        super().__init__(http, token)
        self.names = names

    async def organisation(self, organisation_id: str, on: date | None = None) -> dict[str, Any]:
        cached = None if on else self.names.get(organisation_id)
        if cached is not None:
            return cached
        org: dict[str, Any] = await self.get(f"/v1/organisations/{organisation_id}", on=on)
        if on is None:
            self.names.put(org)
        return org

    async def name(self, organisation_id: str | None) -> str:
        """A readable name; the id itself only when the organisation cannot be read."""
        if not organisation_id:
            return ""
        try:
            return str((await self.organisation(organisation_id))["name"])
        except ApiProblem:
            return organisation_id

    async def children(self, parent_id: str, on: date | None = None) -> list[dict[str, Any]]:
        return await self.pages("/v1/organisations", parent_id=parent_id, on=on)

    async def subtree(
        self,
        organisation_id: str,
        on: date | None = None,
        *,
        branches_only: bool = False,
        max_pages: int = 10,
    ) -> list[dict[str, Any]]:
        items = await self.pages(
            f"/v1/organisations/{organisation_id}/subtree",
            on=on,
            branches_only=str(branches_only).lower(),
            max_pages=max_pages,
        )
        return items

    async def ancestors(self, organisation_id: str, on: date | None = None) -> list[dict[str, Any]]:
        body = await self.get(f"/v1/organisations/{organisation_id}/ancestors", on=on)
        return list(body["items"])

    async def roster(self, branch_id: str, on: date) -> list[dict[str, Any]]:
        return await self.pages(f"/v1/organisations/{branch_id}/roster", on=on.isoformat())

    async def roles(self, organisation_id: str, on: date | None = None) -> list[dict[str, Any]]:
        body = await self.get(f"/v1/organisations/{organisation_id}/roles", on=on)
        return list(body["items"])

    async def observers(self, branch_id: str, on: date | None = None) -> list[dict[str, Any]]:
        body = await self.get(f"/v1/organisations/{branch_id}/observers", on=on)
        return list(body["items"])

    async def member_name(self, member_id: str) -> str:
        """Only the name is kept from the member record (it also holds personal data)."""
        try:
            return str((await self.get(f"/v1/members/{member_id}"))["full_name"])
        except ApiProblem:
            return member_id

    async def import_file(
        self, kind: str, data: bytes, media_type: str, *, dry_run: bool
    ) -> tuple[int, dict[str, Any]]:
        """(status, body): 200 with the report, or 422 with the rows in `errors`."""
        try:
            response = await self.request(
                "POST",
                f"/v1/imports/{kind}",
                params={"dry_run": str(dry_run).lower()},
                content=data,
                headers={"Content-Type": media_type},
            )
        except ApiProblem as exc:
            if exc.status == 422 and exc.code == "import-rejected":
                return 422, exc.problem
            raise
        return response.status_code, dict(response.json())
