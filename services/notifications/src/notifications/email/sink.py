"""A local SMTP sink: accepts every message and keeps it (in memory, and as .eml files if asked).

For development (`python -m notifications smtp-sink`, started by `make run`) and tests; never for
production. The SMTP conversation is aiosmtpd's; this module only keeps what arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

MAX_MESSAGE_BYTES = 10 * 1024 * 1024


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpSink:
    host: str = "127.0.0.1"
    port: int = 0
    directory: Path | None = None
    messages: list[Received] = field(default_factory=list)
    # A reply to answer DATA with instead of 250 (e.g. "451 4.3.0 busy" to test retries).
    data_reply: str | None = None
    _server: asyncio.Server | None = None
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def start(self) -> SmtpSink:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(
                self,
                hostname="chibo-smtp-sink",
                data_size_limit=MAX_MESSAGE_BYTES,
                enable_SMTPUTF8=True,
                loop=loop,
            ),
            self.host,
            self.port,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: len(self.messages) >= count), timeout
            )
        return list(self.messages)

    async def handle_DATA(self, _server: Any, _session: Session, envelope: Envelope) -> str:
        if self.data_reply:
            return self.data_reply
        content = envelope.original_content or b""
        received = Received(envelope.mail_from or "", list(envelope.rcpt_tos), content)
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{len(self.messages) + 1:06d}.eml"
            await asyncio.to_thread((self.directory / name).write_bytes, content)
        async with self._arrived:
            self.messages.append(received)
            self._arrived.notify_all()
        return "250 OK queued"


async def serve(host: str, port: int, directory: Path | None) -> None:
    sink = await SmtpSink(host, port, directory).start()
    print(f"SMTP sink on {host}:{sink.port}; messages in {directory or 'memory'}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sink.stop()
