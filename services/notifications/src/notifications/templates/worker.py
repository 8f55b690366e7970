"""Operators' templates rendered in worker processes, each render bounded in time and output.

The sandbox (`templates.rendering`) bounds what a template can build, not how long it loops:
`{% for a in range(60000) %}{% for b in range(60000) %}…` would hold a thread (and half the
GIL) for hours, and no thread can be stopped. So renders run in a small pool of child
processes (`python -m notifications.templates.worker`), limited in address space; one that
does not answer within the time limit is killed and replaced by a fresh one when next needed,
and the caller gets a `RenderLimitExceeded` (a `TemplateError`). The event loop only waits on a
thread of this pool: health checks and every other request keep being answered.

Frames on the child's stdin/stdout: 4-byte big-endian length, then a pickle (to the child:
our own request, never operator data as code) or JSON (from the child).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import time
import weakref
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from jinja2 import TemplateError

from notifications.templates.rendering import Rendered, render

START_TIMEOUT_SECONDS = 60.0
_HEADER = struct.Struct(">I")


class RenderLimitExceeded(TemplateError):
    """The template ran out of time or memory, or its worker died: the render was stopped."""


def _read_exactly(stream: IO[bytes], size: int, deadline: float | None) -> bytes:
    data = b""
    fd = stream.fileno()
    while len(data) < size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _read_frame(stream: IO[bytes], deadline: float | None = None) -> bytes:
    (size,) = _HEADER.unpack(_read_exactly(stream, _HEADER.size, deadline))
    return _read_exactly(stream, size, deadline)


def _write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


class _Worker:
    """One child process; used by one thread at a time."""

    def __init__(self, memory_bytes: int) -> None:
        self.memory_bytes = memory_bytes
        self.process: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "notifications.templates.worker", str(self.memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdout is not None
        try:
            ready = _read_frame(process.stdout, time.monotonic() + START_TIMEOUT_SECONDS)
        except (TimeoutError, EOFError) as exc:
            self._kill(process)
            raise RenderLimitExceeded("the template worker did not start") from exc
        assert ready == b"ready"
        return process

    @staticmethod
    def _kill(process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def render(self, request: tuple[Any, ...], timeout_seconds: float) -> dict[str, Any]:
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
        process = self.process
        assert process.stdin is not None and process.stdout is not None
        try:
            _write_frame(process.stdin, pickle.dumps(request))
            answer = _read_frame(process.stdout, time.monotonic() + timeout_seconds)
        except TimeoutError:
            self.close()
            raise RenderLimitExceeded(
                f"rendering took longer than {timeout_seconds:g} s and was stopped"
            ) from None
        except (EOFError, OSError) as exc:
            self.close()
            raise RenderLimitExceeded(
                "rendering stopped: the template worker ended (out of memory?)"
            ) from exc
        found: dict[str, Any] = json.loads(answer)
        return found

    def close(self) -> None:
        if self.process is not None:
            self._kill(self.process)
            self.process = None


def _close_all(workers: list[_Worker]) -> None:
    for worker in workers:
        worker.close()


class TemplateRenderer:
    """A pool of `workers` processes (started when first needed); `render` waits on a thread."""

    def __init__(
        self,
        *,
        timeout_seconds: float,
        max_output_bytes: int,
        memory_bytes: int,
        workers: int = 1,
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self.max_output_bytes = max_output_bytes
        self._workers = [_Worker(memory_bytes) for _ in range(workers)]
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        for worker in self._workers:
            self._idle.put(worker)
        self._threads = ThreadPoolExecutor(workers, thread_name_prefix="templates")
        # Children also end when this process does (their stdin closes); this ends them sooner.
        weakref.finalize(self, _close_all, self._workers)

    def _render(self, subject: str, body: str, context: Mapping[str, Any]) -> Rendered:
        worker = self._idle.get()
        try:
            request = (subject, body, dict(context), self.max_output_bytes)
            answer = worker.render(request, self.timeout_seconds)
        finally:
            self._idle.put(worker)
        if "error" in answer:
            raise TemplateError(answer["error"])
        return Rendered(subject=answer["subject"], body=answer["body"])

    async def render(self, subject: str, body: str, context: Mapping[str, Any]) -> Rendered:
        """Raises TemplateError: the template fails, or `RenderLimitExceeded`."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._render, subject, body, context)

    def close(self) -> None:
        _close_all(self._workers)
        self._threads.shutdown(wait=False, cancel_futures=True)


def serve(memory_bytes: int) -> None:
    """The child: render requests from stdin until it closes."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the time limit still holds
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    _write_frame(stdout, b"ready")
    while True:
        try:
            subject, body, context, max_bytes = pickle.loads(_read_frame(stdin))
        except EOFError:
            return
        try:
            done = render(subject, body, context, max_bytes)
            answer = {"subject": done.subject, "body": done.body}
        except MemoryError:
            answer = {"error": "RenderLimitExceeded: the template needs too much memory"}
        except Exception as exc:  # a template's failure, whatever its kind, is reported
            answer = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        _write_frame(stdout, json.dumps(answer).encode())


if __name__ == "__main__":
    serve(int(sys.argv[1]))
