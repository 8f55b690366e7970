"""Loading the rule set in effect and publishing new versions (never editing old ones)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from jinja2 import TemplateError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.catalog import UnknownEventType
from notifications.rules.defaults import DEFAULT_RULES
from notifications.rules.models import RuleSetVersion
from notifications.rules.schemas import RuleSetDocument, RuleSetIn
from notifications.templates.samples import sample_context
from notifications.templates.worker import RenderLimitExceeded, TemplateRenderer
from service_kit.errors import Conflict, FieldError, Invalid

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


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


async def template_problems(
    renderer: TemplateRenderer, document: RuleSetDocument
) -> list[FieldError]:
    """Each template rendered on a sample event of its type, as delivery will render it (in a
    worker, under the time and size limits). After a template runs out of time the others are
    not tried: a rule set full of endless loops costs one time limit, not one each."""
    problems: list[FieldError] = []
    for event_type, by_channel in document.templates.items():
        try:
            context = sample_context(event_type)
        except UnknownEventType:
            problems.append(
                FieldError(_pointer("templates", event_type), "Không có loại sự kiện này.")
            )
            continue
        for channel, template in by_channel.items():
            for part in ("subject", "body"):
                source = getattr(template, part)
                try:
                    if part == "subject":
                        await renderer.render(source, "", context)
                    else:
                        await renderer.render("", source, context)
                except TemplateError as exc:
                    problems.append(
                        FieldError(
                            _pointer("templates", event_type, channel, part),
                            f"Mẫu không hiển thị được với một sự kiện mẫu: {exc}",
                            "template-fails",
                        )
                    )
                    if isinstance(exc, RenderLimitExceeded):
                        return problems
    return problems


async def check_templates(renderer: TemplateRenderer, document: RuleSetDocument) -> None:
    """Raises Invalid (422) naming each template that fails on a sample of its event."""
    problems = await template_problems(renderer, document)
    if problems:
        raise Invalid(
            "rule-set-template-fails",
            "Có mẫu thông báo không hiển thị được với sự kiện mẫu; bộ quy tắc không được lưu.",
            errors=problems,
        )


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
