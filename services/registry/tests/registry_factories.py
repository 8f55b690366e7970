"""Builds trees and members through the API as an operator would, and reads the outbox back."""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx
import sqlalchemy as sa

from registry.organisations import service as organisations
from registry.organisations.schemas import OrganisationIn
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime

_keys = itertools.count(1)


class Registry:
    """`headers`: sent with every request made through `post`, `get` and the builders (a
    caller's Authorization), on top of the client's own."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        runtime: ServiceRuntime,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.client = client
        self.runtime = runtime
        self.headers = headers or {}

    async def post(self, path: str, body: dict[str, Any], expect: int | None = None) -> Any:
        response = await self.client.post(
            path, json=body, headers={**self.headers, "Idempotency-Key": f"k-{next(_keys)}"}
        )
        if expect is not None:
            assert response.status_code == expect, response.text
        return response.json()

    async def get(self, path: str, **params: Any) -> Any:
        response = await self.client.get(path, params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def org(
        self, code: str, kind: str, parent: dict[str, Any] | None = None, **extra: Any
    ) -> dict[str, Any]:
        body = {
            "code": code,
            "name": extra.pop("name", f"Tổ chức {code}"),
            "kind": kind,
            "valid_from": extra.pop("valid_from", "2020-01-01"),
            **extra,
        }
        if parent is not None:
            body["parent_id"] = parent["id"]
        result: dict[str, Any] = await self.post("/v1/organisations", body, 201)
        return result

    async def member(self, branch: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
        body = {
            "full_name": name,
            "branch_id": branch["id"],
            "status": "full",
            "admitted_on": "2010-05-19",
            "full_member_on": "2011-05-19",
            "joined_on": "2020-01-01",
            **extra,
        }
        result: dict[str, Any] = await self.post("/v1/members", body, 201)
        return result

    async def ancestor_codes(self, org: dict[str, Any], on: str) -> list[str]:
        page = await self.get(f"/v1/organisations/{org['id']}/ancestors", on=on)
        return [node["code"] for node in page["items"]]

    async def roster(self, branch: dict[str, Any], on: str) -> dict[str, str]:
        page = await self.get(f"/v1/organisations/{branch['id']}/roster", on=on)
        return {entry["full_name"]: entry["status"] for entry in page["items"]}

    async def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """CloudEvents waiting in the outbox, oldest first, optionally of one type."""
        async with self.runtime.db.session() as session:
            rows = await session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.id))
            events = [json.loads(row.payload) for row in rows]
        if event_type:
            events = [e for e in events if e["type"] == f"vn.chibo.registry.{event_type}.v1"]
        return events


async def seed_organisation(runtime: ServiceRuntime, **fields: Any) -> dict[str, Any]:
    """An organisation registered through the service layer, as the import or the demo does
    (the province must exist before anyone can sign in)."""
    async with runtime.uow() as uow:
        out = await organisations.register(uow, OrganisationIn(**fields))
        await uow.commit()
    return out.model_dump(mode="json")


async def province_with_district(
    reg: Registry, ht: dict[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """Hà Tĩnh before the 2025 reform: province → Thạch Hà district → two communes → branches.
    `ht`: the province when it is already registered."""
    if ht is None:
        ht = await reg.org("HT", "province", name="Tỉnh ủy Hà Tĩnh", valid_from="2000-01-01")
    th = await reg.org("HT.TH", "legacy_district", ht, name="Huyện ủy Thạch Hà")
    tl = await reg.org("HT.TH.TL", "commune", th, name="Đảng bộ xã Thạch Long")
    ts = await reg.org("HT.TH.TS", "commune", th, name="Đảng bộ xã Thạch Sơn")
    dh = await reg.org(
        "HT.TH.TL.01",
        "affiliated_branch",
        tl,
        name="Chi bộ thôn Đông Hà",
        branch_kind="residential",
        meeting_day_from=1,
        meeting_day_to=3,
    )
    tb = await reg.org(
        "HT.TH.TS.01",
        "affiliated_branch",
        ts,
        name="Chi bộ thôn Bắc Sơn",
        branch_kind="residential",
    )
    return {"ht": ht, "th": th, "tl": tl, "ts": ts, "dh": dh, "tb": tb}
