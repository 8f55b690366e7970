"""CloudEvents 1.0 envelope (structured JSON mode) and the base class of every event's data.

Producers validate strictly (unknown fields are an error); consumers read tolerantly (unknown
fields are ignored), so a producer may add an optional field without breaking anyone.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

TYPE_PREFIX = "vn.chibo."
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
SCHEMA_BASE = "https://chibo.vn/schemas/events/"


class EnvelopeError(ValueError):
    """An envelope or its data does not match the contract: permanent, never worth a retry."""


class EventData(BaseModel):
    """Base of every event's `data`. Subclasses set `event_type` and describe their fields."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    aggregate_version: int = Field(
        ge=1, description="Version of the aggregate after the change; consumers drop stale ones."
    )

    @model_validator(mode="before")
    @classmethod
    def _forbid_unknown_when_producing(cls, data: Any, info: ValidationInfo) -> Any:
        if info.context and info.context.get("producing") and isinstance(data, dict):
            known = {f.alias or name for name, f in cls.model_fields.items()} | set(
                cls.model_fields
            )
            unknown = sorted(set(data) - known)
            if unknown:
                raise ValueError(f"unknown field(s) for {cls.__name__}: {', '.join(unknown)}")
        return data

    @classmethod
    def produce(cls, **fields: Any) -> Self:
        """Build the data strictly: every field checked, unknown fields refused."""
        return cls.model_validate(fields, context={"producing": True})


def new_event_id() -> str:
    """Time-ordered UUIDv7 text, so ids sort roughly by creation (as outbox rows are read)."""
    ms = int(datetime.now(UTC).timestamp() * 1000)
    rand = uuid.uuid4().int & ((1 << 74) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 62) << 64 | 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 event in structured mode, with chibo's extensions."""

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: str = "1.0"
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(pattern=r"^vn\.chibo\.[a-z_]+\.[a-z_]+\.[a-z_]+\.v[0-9]+$")
    time: datetime
    subject: str | None = None
    datacontenttype: str = "application/json"
    dataschema: str | None = None
    correlationid: str | None = None
    causationid: str | None = None
    traceparent: str | None = None
    data: dict[str, Any]

    @property
    def routing_key(self) -> str:
        return self.type.removeprefix(TYPE_PREFIX)

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()
