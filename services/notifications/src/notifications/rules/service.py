"""Loading the rule set in effect and publishing new versions (never editing old ones)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.rules.defaults import DEFAULT_RULES
from notifications.rules.models import RuleSetVersion
from notifications.rules.schemas import RuleSetDocument, RuleSetIn
from service_kit.errors import Conflict

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ActiveRuleSet:
    version: int
    document: RuleSetDocument
    effective_at: datetime
    created_at: datetime
    note: str


DEFAULT = ActiveRuleSet(0, DEFAULT_RULES, EPOCH, EPOCH, "mặc định theo DOMAIN.md")

# Parsing and validating a document on every event would dominate dispatch; keyed by the text
# itself, not the version number, so two databases (or a restored one) can never mix them up.
_parsed: dict[str, RuleSetDocument] = {}


def _active(row: RuleSetVersion) -> ActiveRuleSet:
    document = _parsed.get(row.document)
    if document is None:
        document = RuleSetDocument.model_validate_json(row.document)
        if len(_parsed) > 64:
            _parsed.clear()
        _parsed[row.document] = document
    return ActiveRuleSet(row.version, document, row.effective_at, row.created_at, row.note)


async def in_effect(session: AsyncSession, at: datetime) -> ActiveRuleSet:
    stmt = (
        sa.select(RuleSetVersion)
        .where(RuleSetVersion.effective_at <= at)
        .order_by(RuleSetVersion.version.desc())
        .limit(1)
    )
    row = (await session.execute(stmt)).scalar_one_or_none()
    return DEFAULT if row is None else _active(row)


async def version(session: AsyncSession, number: int) -> ActiveRuleSet | None:
    if number == 0:
        return DEFAULT
    row = await session.get(RuleSetVersion, number)
    return None if row is None else _active(row)


async def versions(session: AsyncSession) -> list[ActiveRuleSet]:
    stmt = sa.select(RuleSetVersion).order_by(RuleSetVersion.version.desc())
    return [*(_active(r) for r in (await session.execute(stmt)).scalars()), DEFAULT]


async def publish(session: AsyncSession, edit: RuleSetIn, now: datetime) -> ActiveRuleSet:
    """A new version on top of `based_on_version`; 409 when someone published in between."""
    latest = (
        await session.execute(sa.select(sa.func.max(RuleSetVersion.version)))
    ).scalar_one_or_none() or 0
    if edit.based_on_version != latest:
        raise Conflict(
            "rule-set-stale",
            f"Bộ quy tắc đã có phiên bản {latest} mới hơn phiên bản {edit.based_on_version} "
            "mà bạn sửa; hãy tải lại và sửa trên phiên bản mới nhất.",
            latest_version=latest,
        )
    document = RuleSetDocument(rules=edit.rules, templates=edit.templates, fatigue=edit.fatigue)
    row = RuleSetVersion(
        version=latest + 1,
        document=document.model_dump_json(),
        note=edit.note,
        effective_at=edit.effective_at or now,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(
            "rule-set-stale", "Một phiên bản khác vừa được lưu cùng lúc; hãy tải lại."
        ) from None
    return _active(row)
