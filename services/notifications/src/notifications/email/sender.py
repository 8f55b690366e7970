"""Sending e-mail over SMTP (aiosmtplib), reusing a few connections; one message may go to
several people (a committee: `Job.target` lists them)."""

from __future__ import annotations

import asyncio
import contextlib
import email.policy
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, parseaddr

import aiosmtplib

from notifications.deliveries.jobs import Job
from notifications.deliveries.rules import Outcome, smtp_outcome
from notifications.settings import NotificationsSettings

MESSAGE_ID_DOMAIN = "notifications.chibo.vn"


# Folding a long Vietnamese subject at 78 columns puts the space between two words outside the
# encoded-words, where RFC 2047 readers drop it ("chuyểnlên"); long lines keep one encoded word.
# (aiosmtplib's send_message re-flattens with the 78-column policy, so we send the bytes.)
POLICY = email.policy.SMTP.clone(max_line_length=998)


def build_message(job: Job, mail_from: str) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["From"] = mail_from
    message["To"] = job.target
    message["Subject"] = job.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    # The same id on every attempt of a delivery lets mail systems drop a duplicate.
    message["Message-ID"] = f"<{job.delivery_id}@{MESSAGE_ID_DOMAIN}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(job.body, charset="utf-8", cte="quoted-printable")
    return message


class SmtpSender:
    def __init__(self, settings: NotificationsSettings, connections: int = 4) -> None:
        self.settings = settings
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[aiosmtplib.SMTP] = []

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            use_tls=s.smtp_use_tls,
            start_tls=s.smtp_start_tls,
            timeout=s.smtp_timeout_seconds,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
        )
        await client.connect()
        return client

    async def send(self, job: Job) -> Outcome:
        message = build_message(job, self.settings.mail_from)
        sender = parseaddr(self.settings.mail_from)[1]
        recipients = [address for _, address in getaddresses([job.target]) if address]
        raw = message.as_bytes(policy=POLICY)
        async with self._slots:
            client = self._idle.pop() if self._idle else None
            reused = client is not None
            try:
                if client is None:
                    client = await self._connect()
                try:
                    await client.sendmail(sender, recipients, raw)
                except aiosmtplib.SMTPServerDisconnected:
                    if not reused:
                        raise
                    # An idle connection the server closed: one fresh try, not a failed attempt.
                    client = await self._connect()
                    await client.sendmail(sender, recipients, raw)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                self._keep(client)
                first = exc.recipients[0] if exc.recipients else None
                return smtp_outcome(first.code if first else None, str(exc))
            except aiosmtplib.SMTPResponseException as exc:
                self._keep(client)
                return smtp_outcome(exc.code, exc.message)
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                await _close(client)
                return smtp_outcome(None, f"{type(exc).__name__}: {exc}")
            self._keep(client)
            return Outcome(ok=True, status_code=250)

    def _keep(self, client: aiosmtplib.SMTP | None) -> None:
        if client is not None and client.is_connected:
            self._idle.append(client)

    async def close(self) -> None:
        while self._idle:
            await _close(self._idle.pop())


async def _close(client: aiosmtplib.SMTP | None) -> None:
    if client is None:
        return
    with contextlib.suppress(Exception):
        if client.is_connected:
            await client.quit()
    client.close()
