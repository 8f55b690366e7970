"""A local SMTP sink: accepts every message and keeps it (in memory, and as .eml files if asked).

For development (`python -m notifications smtp-sink`) and tests; never for production. It speaks
just enough SMTP for aiosmtplib and ordinary clients: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

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
    # A reply code to answer DATA with instead of 250 (e.g. 451 to test retries).
    data_reply: str | None = None
    _server: asyncio.Server | None = None
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def start(self) -> SmtpSink:
        self._server = await asyncio.start_server(self._session, self.host, self.port)
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

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        mail_from = ""
        rcpt_to: list[str] = []
        try:
            await reply("220 chibo-smtp-sink ready")
            while True:
                raw = await asyncio.wait_for(reader.readline(), 300)
                if not raw:
                    return
                command = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb = command[:4].upper()
                if verb == "EHLO":
                    await reply("250-chibo-smtp-sink")
                    await reply("250-8BITMIME")
                    await reply("250-SMTPUTF8")
                    await reply(f"250 SIZE {MAX_MESSAGE_BYTES}")
                elif verb == "HELO":
                    await reply("250 chibo-smtp-sink")
                elif verb == "MAIL":
                    mail_from, rcpt_to = _address(command), []
                    await reply("250 OK")
                elif verb == "RCPT":
                    rcpt_to.append(_address(command))
                    await reply("250 OK")
                elif verb == "DATA":
                    await reply("354 End data with <CR><LF>.<CR><LF>")
                    data = await _read_data(reader)
                    if self.data_reply:
                        await reply(self.data_reply)
                        continue
                    await self._keep(Received(mail_from, rcpt_to, data))
                    await reply("250 OK queued")
                elif verb == "RSET":
                    mail_from, rcpt_to = "", []
                    await reply("250 OK")
                elif verb == "NOOP":
                    await reply("250 OK")
                elif verb == "QUIT":
                    await reply("221 Bye")
                    return
                else:
                    await reply("502 Command not implemented")
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    async def _keep(self, received: Received) -> None:
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{len(self.messages) + 1:06d}.eml"
            await asyncio.to_thread((self.directory / name).write_bytes, received.data)
        async with self._arrived:
            self.messages.append(received)
            self._arrived.notify_all()


def _address(command: str) -> str:
    start, end = command.find("<"), command.find(">")
    return command[start + 1 : end] if 0 <= start < end else command.split(":", 1)[-1].strip()


async def _read_data(reader: asyncio.StreamReader) -> bytes:
    lines: list[bytes] = []
    size = 0
    while True:
        line = await asyncio.wait_for(reader.readline(), 300)
        if not line or line in (b".\r\n", b".\n"):
            return b"".join(lines)
        if line.startswith(b".."):
            line = line[1:]  # dot-unstuffing (RFC 5321 §4.5.2)
        size += len(line)
        if size > MAX_MESSAGE_BYTES:
            raise ConnectionError("message too large")
        lines.append(line)


async def serve(host: str, port: int, directory: Path | None) -> None:
    sink = await SmtpSink(host, port, directory).start()
    print(f"SMTP sink on {host}:{sink.port}; messages in {directory or 'memory'}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sink.stop()
