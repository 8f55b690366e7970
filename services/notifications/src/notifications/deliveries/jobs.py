"""What a sender needs to make one attempt, detached from the database session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from notifications.deliveries.rules import Outcome


@dataclass(frozen=True)
class Job:
    delivery_id: str
    channel: str
    contact_point_id: str
    target: str
    subject: str
    body: str
    secrets: tuple[str, ...] = ()


class Sender(Protocol):
    async def send(self, job: Job) -> Outcome: ...

    async def close(self) -> None: ...
