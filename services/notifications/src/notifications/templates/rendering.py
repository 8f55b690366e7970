"""Rendering templates in Vietnamese: dates dd/MM/yyyy in Vietnam time, decimals with a comma.

Templates are operator data, so they run in Jinja2's sandbox with strict undefined variables:
a typo fails when the rule set is saved or rendered, never as an empty blank in a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from event_contracts import CloudEvent
from service_kit.clock import VIETNAM

GRADES_VI = {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "kem": "Kém"}


def _as_datetime(value: Any) -> datetime | date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(VIETNAM)
    if isinstance(value, date):
        return value
    raise TypeError(f"not a date: {value!r}")


def ngay(value: Any) -> str:
    """dd/MM/yyyy (a datetime is shown on its Vietnam-time date)."""
    return _as_datetime(value).strftime("%d/%m/%Y")


def gio(value: Any) -> str:
    """HH:mm dd/MM/yyyy in Vietnam time."""
    moment = _as_datetime(value)
    if not isinstance(moment, datetime):
        return moment.strftime("%d/%m/%Y")
    return moment.strftime("%H:%M %d/%m/%Y")


def so(value: Any) -> str:
    """A number as Vietnamese write it: no trailing zeros, decimal comma (7,5)."""
    return f"{float(value):g}".replace(".", ",")


def xep_loai(value: Any) -> str:
    return GRADES_VI.get(str(value), str(value))


@pass_context
def ten(context: Context, value: Any) -> str:
    """An organisation's full name from the registry replica (`names`), else its id."""
    names = context.get("names") or {}
    return str(names.get(value, value))


STATUS_VI = {
    "submitted": "đã gửi",
    "acknowledged": "đã tiếp nhận",
    "in_progress": "đang giải quyết",
    "answered": "đã trả lời",
    "closed": "đã kết thúc",
    "forwarded": "đã chuyển cấp có thẩm quyền",
    "returned": "bị trả lại",
    "rejected": "bị từ chối",
}


def trang_thai(value: Any) -> str:
    return STATUS_VI.get(str(value), str(value))


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
    )
    env.filters.update(ngay=ngay, gio=gio, so=so, xep_loai=xep_loai, ten=ten, trang_thai=trang_thai)
    return env


ENV = _environment()


@lru_cache(maxsize=1024)
def _compiled(source: str) -> Any:
    return ENV.from_string(source)


def template_error(source: str) -> str | None:
    """Why the source does not compile, or None."""
    try:
        _compiled(source)
    except TemplateError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def render(subject: str, body: str, context: dict[str, Any]) -> Rendered:
    """Raises jinja2.TemplateError (e.g. an unknown variable) for the caller to report."""
    one_line = re.sub(r"\s+", " ", _compiled(subject).render(context)).strip()
    return Rendered(subject=one_line, body=_compiled(body).render(context).strip() + "\n")


def context_for(event: CloudEvent, names: dict[str, str] | None = None) -> dict[str, Any]:
    """The event's data fields at top level, the envelope under `event`, organisation names
    (for `| ten`) under `names`."""
    return {
        **event.data,
        "event": {"id": event.id, "type": event.type, "time": event.time, "subject": event.subject},
        "names": names or {},
    }
