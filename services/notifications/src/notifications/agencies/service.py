"""Registering agencies (their client id checked against the registry), the subtrees an agency
is granted as paths of the replica's tree, and the webhook subscribers of an event."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.routing import organisation_of, with_path
from notifications.agencies.models import Agency
from notifications.agencies.rules import (
    AmqpGrant,
    Path,
    amqp_grant,
    binding_keys,
    entitled,
    is_public,
    subscribed_types,
    topic_matches,
)
from notifications.settings import NotificationsSettings
from org_tree.registry_client import RegistryClient, RegistryUnavailable
from org_tree.replica import chain_on
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


async def grant_paths(
    session: AsyncSession, organisation_ids: Sequence[str], on: date
) -> list[Path]:
    """Each granted organisation as a path from the province down, as the tree stands on `on`:
    the province itself is `()` (everything); an organisation the replica does not know, or
    cannot follow up to the province, grants nothing."""
    paths: list[Path] = []
    for org in dict.fromkeys(organisation_ids):
        chain = await chain_on(session, org, on)  # nearest first
        if chain[-1].kind != "province":
            continue
        if len(chain) == 1:  # the province itself: everything, placed or not
            paths.append(())
        else:
            paths.append(tuple(node.organisation_id for node in reversed(chain)))
    return paths


async def event_path(
    session: AsyncSession, routing_key: str, data: dict[str, object], on: date
) -> list[str]:
    """Where a public event is, as its producer put it in the key: the path of the organisation
    it is about (empty when it is about none the replica knows)."""
    org = organisation_of(routing_key, data)
    if org is None:
        return []
    chain = await chain_on(session, org, on)
    if chain[0].kind == "unknown":
        return []
    return [node.organisation_id for node in reversed(chain)]


async def webhook_subscribers(
    session: AsyncSession, routing_key: str, data: dict[str, object], on: date
) -> list[str]:
    """Names of the webhook agencies entitled to this event (`rules.entitled`: a subscribed
    public type, about an organisation in a granted subtree as the tree stood on `on`)."""
    if not is_public(routing_key):
        return []
    rows = (await session.execute(sa.select(Agency).where(Agency.channel == "webhook"))).scalars()
    candidates = [a for a in rows if any(topic_matches(p, routing_key) for p in patterns_of(a))]
    if not candidates:
        return []
    keyed = with_path(routing_key, await event_path(session, routing_key, data, on))
    return [
        a.name
        for a in candidates
        if entitled(
            subscribed_types(patterns_of(a)),
            await grant_paths(session, organisations_of(a), on),
            keyed,
        )
    ]


async def amqp_grant_of(
    session: AsyncSession, name: str, settings: NotificationsSettings, vhost: str, on: date
) -> AmqpGrant | str:
    """The broker grant of a registered AMQP agency, or why there is none."""
    agency = await session.scalar(sa.select(Agency).where(Agency.name == name))
    if agency is None or agency.channel != "amqp":
        return f"Không có cơ quan nhận qua AMQP tên {name!r}."
    grants = await grant_paths(session, organisations_of(agency), on)
    if not grants:
        return "Chưa có tổ chức nào được cấp nằm trong cây (bản sao chưa có tổ chức đó?)."
    keys = binding_keys(subscribed_types(patterns_of(agency)), grants)
    return amqp_grant(
        name,
        keys,
        vhost,
        max_age=settings.agency_stream_max_age,
        max_length_bytes=settings.agency_stream_max_length_bytes,
        segment_bytes=settings.agency_stream_segment_bytes,
        max_connections=settings.agency_max_connections,
        max_channels=settings.agency_max_channels,
    )
