"""The rule set document operators edit: rules plus one template per event type and channel."""

from __future__ import annotations

import string
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from event_contracts import spec_for_routing_key
from event_contracts.catalog import UnknownEventType
from notifications.templates.rendering import template_error
from service_kit.web.dates import PlausibleDateTime

Channel = Literal["inbox", "email", "webhook"]
Urgency = Literal["routine", "urgent"]
Delivery = Literal["by_urgency", "immediate", "digest"]
TEMPLATED_CHANNELS: tuple[Channel, ...] = ("inbox", "email")
Scalar = Annotated[str, Field(max_length=500)] | int | float | bool | None  # None: null or absent


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,99}$")
    event_type: str = Field(
        max_length=200, description="routing key, e.g. scoring.meeting.scored.v1"
    )
    filter: dict[str, Annotated[list[Scalar], Field(max_length=200)]] = Field(
        default_factory=dict,
        max_length=20,
        description="every listed field must equal one of its values",
    )
    recipients: list[Annotated[str, Field(max_length=200)]] = Field(
        min_length=1,
        max_length=20,
        description="role addresses, fields in braces: branch-secretary:{branch_id}",
    )
    channels: list[Channel] = Field(min_length=1, max_length=5)
    urgency: Urgency = "routine"
    delivery: Delivery = Field(
        default="by_urgency",
        description="e-mail now or in the daily digest; by_urgency: urgent now, routine digest",
    )


class FatiguePolicy(BaseModel):
    """How much e-mail one person gets: immediate ones are budgeted per local day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    daily_immediate_budget: int = Field(
        default=5, ge=0, le=100_000, description="immediate e-mails per person and day; more fold"
    )


class MessageTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str = Field(min_length=1, max_length=2000)
    body: str = Field(min_length=1, max_length=20_000)

    @field_validator("subject", "body")
    @classmethod
    def _compiles(cls, source: str) -> str:
        """Compiling is cheap and computes nothing (templates.rendering); rendering a sample
        of its event type, under time limits, is done when a rule set is published."""
        error = template_error(source)
        if error:
            raise ValueError(f"mẫu không biên dịch được: {error}")
        return source


class RuleSetDocument(BaseModel):
    """Validated as a whole: a rule set that could fail at delivery time is refused on save."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: list[Rule] = Field(max_length=500)
    templates: dict[
        str, Annotated[dict[Literal["inbox", "email"], MessageTemplate], Field(max_length=2)]
    ] = Field(
        default_factory=dict,
        max_length=200,
        description="event type → channel → template (Jinja2, Vietnamese)",
    )
    fatigue: FatiguePolicy = Field(default_factory=FatiguePolicy)

    @model_validator(mode="after")
    def _consistent(self) -> RuleSetDocument:
        problems: list[str] = []
        ids = [r.id for r in self.rules]
        problems += [
            f"mã quy tắc {i!r} bị dùng hai lần"
            for i in sorted({i for i in ids if ids.count(i) > 1})
        ]
        for rule in self.rules:
            try:
                fields = set(spec_for_routing_key(rule.event_type).model.model_fields)
            except UnknownEventType:
                problems.append(f"quy tắc {rule.id}: không có loại sự kiện {rule.event_type!r}")
                continue
            for name in rule.filter:
                if name not in fields:
                    problems.append(f"quy tắc {rule.id}: sự kiện không có trường lọc {name!r}")
            for recipient in rule.recipients:
                for name in placeholders(recipient):
                    if name not in fields:
                        problems.append(
                            f"quy tắc {rule.id}: sự kiện không có trường người nhận {{{name}}}"
                        )
            for channel in rule.channels:
                if channel in TEMPLATED_CHANNELS and channel not in self.templates.get(
                    rule.event_type, {}
                ):
                    problems.append(
                        f"quy tắc {rule.id}: chưa có mẫu {channel} cho {rule.event_type}"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self


def placeholders(recipient: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(recipient) if name]
    except ValueError:
        return ["<malformed braces>"]


class RuleSetIn(RuleSetDocument):
    based_on_version: int = Field(
        ge=0, description="the version this edit starts from; a newer one answers 409"
    )
    note: str = Field(default="", max_length=500, description="why this change")
    effective_at: PlausibleDateTime | None = Field(
        default=None, description="when it takes effect (UTC); now when absent"
    )


class RuleSetOut(BaseModel):
    version: int
    effective_at: datetime
    created_at: datetime
    note: str
    document: RuleSetDocument


class RuleSetVersionOut(BaseModel):
    version: int
    effective_at: datetime
    created_at: datetime
    note: str
