"""One logging set-up: JSON lines (or text) carrying request and event ids, never payloads."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
event_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("event_id", default=None)
event_type_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "event_type", default=None
)
correlation_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "correlation_id", default=None
)

_STATIC: dict[str, str] = {}
_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_STATIC,
        }
        for key, var in (
            ("request_id", request_id_var),
            ("event_id", event_id_var),
            ("event_type", event_type_var),
            ("correlation_id", correlation_id_var),
        ):
            value = var.get()
            if value:
                line[key] = value
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        ids = " ".join(
            f"{k}={v.get()}"
            for k, v in (("req", request_id_var), ("event", event_id_var))
            if v.get()
        )
        extra = " ".join(
            f"{k}={v}"
            for k, v in record.__dict__.items()
            if k not in _RESERVED and not k.startswith("_")
        )
        text = f"{record.levelname:<7} {_STATIC.get('service', '')} {record.getMessage()}"
        text += f" {ids}" if ids else ""
        text += f" {extra}" if extra else ""
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def configure_logging(service: str, environment: str, version: str, level: str, fmt: str) -> None:
    _STATIC.update(service=service, environment=environment, version=version)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aio-pika/aiormq log every failed reconnect attempt at ERROR with a traceback; the bus logs
    # one line per connection change instead.
    for noisy in ("aiormq", "aio_pika"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    logging.getLogger("uvicorn.access").disabled = True
