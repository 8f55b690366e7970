"""A cuttable TCP forwarder, to simulate a network/broker outage between processes and a server.

Typical use::

    proxy = TcpProxy("127.0.0.1", 5682)
    port = proxy.start()                     # services connect to 127.0.0.1:port instead
    ...
    proxy.cut()                              # every connection dies, new ones are refused
    ...
    proxy.restore()                          # new connections work again
    proxy.stop()

The proxy runs its own asyncio event loop on a daemon thread, so it works the same from sync
tests, async tests (any loop) and across processes (it is a real TCP listener).  All public
methods are thread-safe and bounded in time.

While cut, the listening socket is closed, so clients see an immediate "connection refused" -
exactly what they see when the server process is down - and established connections are
aborted (TCP RST to the client, so the client notices at once instead of waiting for
heartbeats).  :meth:`restore` listens on the same port again.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, Self, TypeVar

__all__ = ["TcpProxy"]

_T = TypeVar("_T")

_BUFFER = 64 * 1024
_CALL_TIMEOUT = 10.0  # bound for every cross-thread call
_REBIND_TIMEOUT = 5.0  # restore(): retry binding the old port this long


class _Pipe:
    """One proxied connection: client <-> upstream."""

    def __init__(self, client: asyncio.StreamWriter, upstream: asyncio.StreamWriter) -> None:
        self.client = client
        self.upstream = upstream
        self.tasks: list[asyncio.Task[None]] = []

    def abort(self) -> None:
        for writer in (self.client, self.upstream):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        for task in self.tasks:
            task.cancel()


class TcpProxy:
    """Forward TCP connections from ``127.0.0.1:<free port>`` to ``target_host:target_port``."""

    def __init__(self, target_host: str, target_port: int, *, connect_timeout: float = 5.0) -> None:
        self.target_host = target_host
        self.target_port = int(target_port)
        self.connect_timeout = connect_timeout
        self._port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._pipes: set[_Pipe] = set()
        self._cut = False
        self._lock = threading.Lock()  # serialises start/cut/restore/stop
        self.total_connections = 0  # accepted and forwarded, for assertions in tests

    # ---------------------------------------------------------------- public, thread-safe API

    @property
    def port(self) -> int:
        """The local port (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("TcpProxy not started")
        return self._port

    @property
    def is_cut(self) -> bool:
        return self._cut

    @property
    def active_connections(self) -> int:
        return len(self._pipes)

    def start(self) -> int:
        """Start listening on 127.0.0.1 on a free port and return that port. Idempotent."""
        with self._lock:
            if self._thread is not None:
                return self.port
            loop = asyncio.new_event_loop()
            ready = threading.Event()

            def run() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                try:
                    loop.run_forever()
                finally:
                    with contextlib.suppress(Exception):
                        loop.run_until_complete(loop.shutdown_asyncgens())
                    loop.close()

            thread = threading.Thread(
                target=run,
                name=f"tcp-proxy->{self.target_host}:{self.target_port}",
                daemon=True,
            )
            thread.start()
            if not ready.wait(_CALL_TIMEOUT):
                raise RuntimeError("TcpProxy event loop did not start")
            self._loop, self._thread = loop, thread
            try:
                self._port = self._call(self._listen(0))
            except BaseException:
                self._shutdown_loop()
                raise
            return self._port

    def cut(self) -> None:
        """Abort all current connections and refuse new ones until :meth:`restore`."""
        with self._lock:
            self._require_started()
            self._call(self._cut_async())

    def restore(self) -> None:
        """Accept connections again (on the same port)."""
        with self._lock:
            self._require_started()
            self._call(self._restore_async())

    def stop(self) -> None:
        """Abort all connections, close the listener and end the thread. Idempotent."""
        with self._lock:
            if self._thread is None:
                return
            with contextlib.suppress(Exception):
                self._call(self._cut_async())
            self._shutdown_loop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "cut" if self._cut else "open"
        return (
            f"TcpProxy(127.0.0.1:{self._port} -> {self.target_host}:{self.target_port}, "
            f"{state}, {len(self._pipes)} connections)"
        )

    # ---------------------------------------------------------------- internals

    def _require_started(self) -> None:
        if self._thread is None or self._loop is None:
            raise RuntimeError("TcpProxy not started (call start() first)")

    def _call(self, coro: Coroutine[Any, Any, _T]) -> _T:
        assert self._loop is not None
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("TcpProxy methods must not be called from its own loop thread")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout=_CALL_TIMEOUT)
        except TimeoutError:
            future.cancel()
            raise

    def _shutdown_loop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=_CALL_TIMEOUT)
        self._loop = None
        self._thread = None

    async def _listen(self, port: int) -> int:
        self._server = await asyncio.start_server(
            self._handle, host="127.0.0.1", port=port, reuse_address=True, backlog=128
        )
        sock: socket.socket = self._server.sockets[0]
        return int(sock.getsockname()[1])

    async def _cut_async(self) -> None:
        self._cut = True
        server, self._server = self._server, None
        if server is not None:
            server.close()  # stop accepting; connections are handled below
        for pipe in list(self._pipes):
            pipe.abort()
        self._pipes.clear()
        if server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.wait_closed(), 2)

    async def _restore_async(self) -> None:
        if self._server is not None:
            self._cut = False
            return
        assert self._port is not None
        deadline = time.monotonic() + _REBIND_TIMEOUT
        while True:
            try:
                await self._listen(self._port)
                break
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"TcpProxy could not listen on 127.0.0.1:{self._port} again: {exc}"
                    ) from exc
                await asyncio.sleep(0.1)
        self._cut = False

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._cut:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection(self.target_host, self.target_port),
                self.connect_timeout,
            )
        except (OSError, TimeoutError):
            writer.transport.abort()  # upstream down: the client sees a reset
            return
        if self._cut:  # cut while we were connecting
            up_writer.transport.abort()
            writer.transport.abort()
            return
        pipe = _Pipe(writer, up_writer)
        self._pipes.add(pipe)
        self.total_connections += 1
        pipe.tasks = [
            asyncio.create_task(self._pump(reader, up_writer)),
            asyncio.create_task(self._pump(up_reader, writer)),
        ]
        try:
            await asyncio.gather(*pipe.tasks, return_exceptions=True)
        finally:
            self._pipes.discard(pipe)
            for w in (writer, up_writer):
                with contextlib.suppress(Exception):
                    w.close()

    @staticmethod
    async def _pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await src.read(_BUFFER)
                if not data:
                    break
                dst.write(data)
                await dst.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            # One side finished: end the whole connection (AMQP/PG do not half-close).
            with contextlib.suppress(Exception):
                dst.close()
