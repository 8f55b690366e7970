"""Running `async def` database code on a plain thread with SQLAlchemy's sync engine.

On SQLite every awaited statement of an `AsyncSession` is a hop to aiosqlite's thread and back
(several per statement: cursor, execute, fetch, close), each waiting for the GIL. Code whose only
awaits are its session's can instead be handed a `SyncSessionFacade` over a sync `Session`: its
awaits then never suspend, so `drive` runs the coroutine to its end at once, on whichever thread
calls it — one hop for the whole piece of work (`service_kit.group`, `service_kit.reads`)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")


class SyncSessionFacade:
    """The part of `AsyncSession`'s surface the units use, over a sync `Session`: every method
    does its I/O at once and returns, so `await facade.execute(…)` never suspends."""

    def __init__(self, session: Session) -> None:
        self.sync_session = session

    # Plain attribute access: add, add_all, expunge, info, bind, identity_map, …
    def __getattr__(self, name: str) -> Any:
        return getattr(self.sync_session, name)

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self.sync_session.execute(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return self.sync_session.scalar(*args, **kwargs)

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return self.sync_session.scalars(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        return self.sync_session.get(*args, **kwargs)

    async def merge(self, *args: Any, **kwargs: Any) -> Any:
        return self.sync_session.merge(*args, **kwargs)

    async def refresh(self, *args: Any, **kwargs: Any) -> None:
        self.sync_session.refresh(*args, **kwargs)

    async def delete(self, instance: Any) -> None:
        self.sync_session.delete(instance)

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        self.sync_session.flush(*args, **kwargs)

    async def begin(self) -> None:
        self.sync_session.begin()

    async def commit(self) -> None:
        self.sync_session.commit()

    async def rollback(self) -> None:
        self.sync_session.rollback()

    async def close(self) -> None:
        self.sync_session.close()

    async def run_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return fn(self.sync_session, *args, **kwargs)

    @contextlib.asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[Any]:
        with self.sync_session.begin_nested() as nested:
            yield nested


class Suspended(RuntimeError):
    """The coroutine awaited something other than its session (real I/O, a sleep, a lock)."""


def drive(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends to its end, here and now (on any thread)."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise Suspended("code run on a sync session awaited something other than its session")
