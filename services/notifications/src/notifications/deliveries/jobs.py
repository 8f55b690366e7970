"""What a sender needs to make one attempt, detached from the database session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from notifications.deliveries.rules import Outcome


@dataclass(frozen=True)
class Job:
    delivery_id: str
    channel: str
    recipient: str
    contact_point_id: str | None  # None: the registry's people, looked up before sending
    target: str  # webhook URL, or e-mail addresses (comma-separated)
    subject: str
    body: str
    secrets: tuple[str, ...] = ()

    @property
    def lane(self) -> str:
        """What the in-flight limit counts against: the contact point, else the address."""
        return self.contact_point_id or self.recipient


class Sender(Protocol):
    async def send(self, job: Job) -> Outcome: ...

    async def close(self) -> None: ...
