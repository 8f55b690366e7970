"""Registering agencies (their client id checked against the registry) and finding the webhook
subscribers of an event."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.agencies.models import Agency
from notifications.agencies.rules import is_public, topic_matches, wants
from notifications.replica import service as replica
from org_tree.registry_client import RegistryClient, RegistryUnavailable
from service_kit.errors import FieldError, Invalid, Unavailable


async def check_client(registry: RegistryClient | None, client_id: str) -> None:
    """The client id must name an enabled agency client of the registry: 422 naming
    `/client_id` when it does not, 503 when the registry cannot say (nothing is stored)."""
    try:
        if registry is None:
            raise RegistryUnavailable("dịch vụ chưa có NOTIFICATIONS_CLIENT_ID/CLIENT_SECRET")
        r = await registry.get(f"/v1/clients/{quote(client_id, safe='')}")
        if r.status_code not in (200, 404):
            raise RegistryUnavailable(f"registry: {r.status_code} {r.text[:300]}")
    except RegistryUnavailable as exc:
        raise Unavailable(
            "registry-unavailable",
            f"Chưa kiểm tra được client_id với registry ({exc}); hãy thử lại sau.",
            headers={"Retry-After": "30"},
        ) from exc
    client = r.json() if r.status_code == 200 else None
    if client is None:
        problem = f"Registry không có ứng dụng {client_id}."
    elif client["kind"] != "agency":
        problem = f"Ứng dụng {client_id} là loại {client['kind']}, không phải cơ quan (agency)."
    elif client["disabled"]:
        problem = f"Ứng dụng {client_id} đã bị vô hiệu hóa ở registry."
    else:
        return
    raise Invalid(
        "invalid-agency",
        "Đăng ký cơ quan không hợp lệ.",
        errors=[FieldError("/client_id", problem, "client-unknown")],
    )


def address(name: str) -> str:
    return f"agency:{name}"


def patterns_of(agency: Agency) -> list[str]:
    return list(json.loads(agency.patterns))


def organisations_of(agency: Agency) -> list[str]:
    return list(json.loads(agency.organisation_ids))


async def webhook_subscribers(
    session: AsyncSession, routing_key: str, organisation_ids: Sequence[str], on: date
) -> list[str]:
    """Names of the webhook agencies that get this event (public, subscribed, in their subtree
    as the tree stood on `on`)."""
    if not is_public(routing_key):
        return []
    rows = (await session.execute(sa.select(Agency).where(Agency.channel == "webhook"))).scalars()
    candidates = [a for a in rows if any(topic_matches(p, routing_key) for p in patterns_of(a))]
    if not candidates:
        return []
    chains = [await replica.ancestors(session, oid, on) for oid in organisation_ids]
    return [
        a.name
        for a in candidates
        if wants(patterns_of(a), organisations_of(a), routing_key, chains)
    ]
