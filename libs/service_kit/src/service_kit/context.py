"""What a service's event handlers, sweepers and routes share, built once where the app is built.

Each service subclasses `ServiceContext` with what its rules need (scoring: the rubric book and
the policy; notifications: the directory and the registry client; meetings: the request rules and
the meeting calendar; registry: the cluster rules) and passes the class, or a factory that loads
its rule files first, to `ServiceRuntime`. Every subscription handler receives it as its first
argument, every sweeper as its only one, every route through `Annotated` dependencies — no
module globals, no lookups keyed on objects, and one clock for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from service_kit.clock import Clock, today_in_vietnam

if TYPE_CHECKING:
    from event_contracts import CloudEvent
    from service_kit.db import Database
    from service_kit.runtime import ServiceRuntime
    from service_kit.settings import ServiceSettings
    from service_kit.uow import UnitOfWork


@dataclass(eq=False)
class ServiceContext:
    runtime: ServiceRuntime

    @property
    def settings(self) -> ServiceSettings:
        return self.runtime.settings

    @property
    def db(self) -> Database:
        return self.runtime.db

    @property
    def clock(self) -> Clock:
        """The injected clock (tests and `make run`'s demo move it; production never does)."""
        return self.runtime.clock

    def now(self) -> datetime:
        return self.runtime.clock.now()

    def today(self) -> date:
        """Today in Việt Nam on the injected clock."""
        return today_in_vietnam(self.runtime.clock)

    def uow(
        self, *, causation: CloudEvent | None = None, correlation_id: str | None = None
    ) -> UnitOfWork:
        return self.runtime.uow(causation=causation, correlation_id=correlation_id)


ContextFactory = Callable[["ServiceRuntime"], ServiceContext]
