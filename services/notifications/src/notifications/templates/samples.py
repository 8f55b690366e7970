"""A sample event of each type, to try operators' templates on before a rule set is published.

Built from the event's data model (every field, optional ones filled, one item in each list),
serialised as it arrives from the bus (dates as ISO strings), with the envelope and names as
`context_for` gives them.
"""

from __future__ import annotations

import enum
import json
import operator
import re
import types
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from event_contracts import spec_for_routing_key

SAMPLE_TIME = datetime(2026, 1, 15, 2, 30, tzinfo=UTC)
_PATTERN_CANDIDATES = ("2026-01", "2026-01-15", "2026", "mau-1", "A1", "1")


_BOUNDS = (("gt", operator.gt), ("ge", operator.ge), ("lt", operator.lt), ("le", operator.le))


def _number(kind: type, metadata: list[Any]) -> Any:
    candidates = (7.5, 0.5, 1.0, 0.0) if kind is float else (1, 3, 0, 100)
    for value in candidates:
        if all(
            compare(value, getattr(item, name))
            for item in metadata
            for name, compare in _BOUNDS
            if getattr(item, name, None) is not None
        ):
            return kind(value)
    return kind(candidates[0])


def _text(name: str, metadata: list[Any]) -> str:
    for item in metadata:
        pattern = getattr(item, "pattern", None)
        if isinstance(pattern, str):
            for candidate in _PATTERN_CANDIDATES:
                if re.fullmatch(pattern, candidate):
                    return candidate
    return f"{name}-mau" if name.endswith("_id") else "mẫu"


def _value(name: str, annotation: Any, metadata: list[Any], depth: int = 0) -> Any:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        chosen = [a for a in get_args(annotation) if a is not type(None)]
        return _value(name, chosen[0], metadata, depth) if chosen else None
    if origin is Literal:
        return get_args(annotation)[0]
    if origin in (list, tuple, set, frozenset):
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        return [_value(name, args[0], [], depth + 1)] if args and depth < 4 else []
    if origin is dict:
        pair = get_args(annotation)
        return {"mau": _value(name, pair[1], [], depth + 1)} if len(pair) == 2 else {}
    if isinstance(annotation, type):
        if issubclass(annotation, bool):
            return True
        if issubclass(annotation, enum.Enum):
            return next(iter(annotation)).value
        if issubclass(annotation, int | float):
            return _number(float if issubclass(annotation, float) else int, metadata)
        if issubclass(annotation, datetime):
            return SAMPLE_TIME
        if issubclass(annotation, date):
            return SAMPLE_TIME.date()
        if issubclass(annotation, BaseModel) and depth < 4:
            return _data(annotation, depth + 1)
    return _text(name, metadata)


def _data(model: type[BaseModel], depth: int = 0) -> dict[str, Any]:
    return {
        name: _value(name, field.annotation, list(field.metadata), depth)
        for name, field in model.model_fields.items()
    }


@lru_cache(maxsize=256)
def _sample_json(routing_key: str) -> dict[str, Any]:
    model = spec_for_routing_key(routing_key).model
    raw = _data(model)
    try:
        return model.model_validate(raw).model_dump(mode="json")
    except ValidationError:  # a constraint the sample does not meet: still a fair try
        found: dict[str, Any] = json.loads(json.dumps(raw, default=lambda d: d.isoformat()))
        return found


def sample_context(routing_key: str) -> dict[str, Any]:
    """Raises event_contracts' UnknownEventType for a type not in the catalog."""
    spec = spec_for_routing_key(routing_key)
    return {
        **_sample_json(routing_key),
        "event": {"id": "su-kien-mau", "type": spec.type, "time": SAMPLE_TIME, "subject": "mẫu"},
        "names": {},
    }
