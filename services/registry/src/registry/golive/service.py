"""Setting go-live dates — one organisation, a roll-out plan, or the rows of an import — each
change kept as history and announced (`registry.organisation.go_live_set`), all of a request
or none; and reading the effective date of many organisations in one query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.events.registry import OrganisationGoLiveSet
from registry.golive import rules
from registry.golive.models import OrganisationGoLive
from registry.golive.schemas import GoLiveOut, GoLiveSettingOut
from registry.imports.bulk import insert_rows
from registry.organisations.models import Organisation, OrganisationLink
from registry.organisations.queries import MAX_DEPTH, require_org
from registry.periods import in_force_sql
from service_kit.errors import FieldError, invalid
from service_kit.uow import UnitOfWork

CHUNK = 5_000
org_t, link_t = Organisation.__table__, OrganisationLink.__table__


@dataclass(frozen=True)
class Change:
    organisation_id: str
    go_live_on: date | None
    previous_go_live_on: date | None
    changed: bool


async def _load(session: AsyncSession, ids: Sequence[str]) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        rows = await session.scalars(
            sa.select(Organisation).where(Organisation.id.in_(unique[start : start + CHUNK]))
        )
        found.update({o.id: o for o in rows})
    return found


def _errors(
    items: Sequence[tuple[str, date | None]], orgs: dict[str, Organisation], pointer: str
) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for i, (org_id, day) in enumerate(items):
        at = pointer.format(i=i)
        org = orgs.get(org_id)
        if org is None:
            detail = f"Không có tổ chức {org_id}."
            errors.append(FieldError(f"{at}/organisation_id", detail, "unknown"))
            continue
        if org_id in seen:
            detail = f"{org.name} có hai lần trong kế hoạch (mục {seen[org_id]})."
            errors.append(FieldError(f"{at}/organisation_id", detail, "duplicate"))
            continue
        seen[org_id] = i
        errors += rules.go_live_errors(
            day, org.valid_from, org.valid_to, org.name, f"{at}/go_live_on"
        )
    return errors


async def set_go_live(
    uow: UnitOfWork,
    items: Sequence[tuple[str, date | None]],
    *,
    set_by: str,
    source: str,
    plan_id: str | None = None,
    pointer: str = "/items/{i}",
) -> list[Change]:
    """Give each organisation its own go-live date (None: remove it), all or none: any unknown
    organisation, duplicate or date outside the organisation's life is a 422 naming the item
    (`pointer`, `{i}` its index). An unchanged date writes nothing and announces nothing."""
    session = uow.session
    orgs = await _load(session, [org_id for org_id, _ in items])
    errors = _errors(items, orgs, pointer)
    if errors:
        raise invalid("Không đặt được ngày đưa vào sử dụng.", errors, "go-live-invalid")
    now = uow.now()
    changes: list[Change] = []
    history: list[dict[str, Any]] = []
    events: list[tuple[OrganisationGoLiveSet, str]] = []
    for org_id, day in items:
        org = orgs[org_id]
        previous = org.go_live_on
        if previous == day:
            changes.append(Change(org_id, day, previous, False))
            continue
        org.go_live_on, org.version = day, org.version + 1
        session.add(org)
        changes.append(Change(org_id, day, previous, True))
        history.append(_history(org_id, day, previous, now, set_by, source, plan_id))
        events.append(
            (
                OrganisationGoLiveSet.produce(
                    aggregate_version=org.version, organisation_id=org_id, go_live_on=day
                ),
                f"organisations/{org_id}",
            )
        )
    await session.flush()
    await insert_rows(uow, OrganisationGoLive.__table__, history)
    await uow.emit_many(events)
    return changes


def _history(
    org_id: str,
    day: date | None,
    previous: date | None,
    now: datetime,
    set_by: str,
    source: str,
    plan_id: str | None,
) -> dict[str, Any]:
    return {
        "organisation_id": org_id,
        "go_live_on": day,
        "previous_go_live_on": previous,
        "set_at": now,
        "set_by": set_by[:200],
        "source": source,
        "plan_id": plan_id,
    }


async def planned(session: AsyncSession) -> bool:
    """Whether any organisation has a go-live date (else everything is live)."""
    found = await session.scalar(
        sa.select(org_t.c.id).where(org_t.c.go_live_on.is_not(None)).limit(1)
    )
    return found is not None


async def effective_many(
    session: AsyncSession, ids: Sequence[str], on: date
) -> dict[str, rules.Effective]:
    """The effective go-live date of each organisation for the tree of `on`, in one query: a
    walk up from every one of them at once, keeping the own dates met on the way."""
    if not ids:
        return {}
    is_planned = await planned(session)
    found: dict[str, list[tuple[int, str, date]]] = {i: [] for i in ids}
    if is_planned:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            up = (
                sa.select(
                    sa.cast(org_t.c.id, sa.String).label("start_id"),
                    sa.cast(org_t.c.id, sa.String).label("id"),
                    sa.literal(0).label("depth"),
                )
                .where(org_t.c.id.in_(chunk))
                .cte("go_live_up", recursive=True)
            )
            step = link_t.alias("go_live_step")
            up = up.union_all(
                sa.select(
                    sa.cast(up.c.start_id, sa.String),
                    sa.cast(step.c.parent_id, sa.String),
                    up.c.depth + 1,
                ).where(
                    step.c.child_id == up.c.id,
                    in_force_sql(step.c.valid_from, step.c.valid_to, on),
                    up.c.depth < MAX_DEPTH,
                )
            )
            rows = await session.execute(
                sa.select(up.c.start_id, up.c.depth, org_t.c.id, org_t.c.go_live_on)
                .join(org_t, org_t.c.id == up.c.id)
                .where(org_t.c.go_live_on.is_not(None))
            )
            for start_id, depth, org_id, day in rows.all():
                found[start_id].append((depth, org_id, day))
    return {i: rules.effective(found[i], planned=is_planned, on=on) for i in ids}


async def history(session: AsyncSession, organisation_id: str) -> list[OrganisationGoLive]:
    rows = await session.scalars(
        sa.select(OrganisationGoLive)
        .where(OrganisationGoLive.organisation_id == organisation_id)
        .order_by(OrganisationGoLive.id)
    )
    return list(rows)


async def state(session: AsyncSession, organisation_id: str, on: date) -> GoLiveOut:
    """The organisation's own date, the one that applies on `on`, and every setting (404 for
    an unknown organisation)."""
    org = await require_org(session, organisation_id)
    effective = (await effective_many(session, [org.id], on))[org.id]
    return GoLiveOut(
        organisation_id=org.id,
        go_live_on=org.go_live_on,
        effective_go_live_on=effective.go_live_on,
        go_live_from_id=effective.source_id,
        status=effective.status,
        on=on,
        history=[
            GoLiveSettingOut.model_validate(row, from_attributes=True)
            for row in await history(session, org.id)
        ],
    )
