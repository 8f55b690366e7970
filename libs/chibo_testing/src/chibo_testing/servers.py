"""How tests obtain a real RabbitMQ broker and a real PostgreSQL server.

Both :func:`get_broker` and :func:`get_postgres` resolve a server once per process, trying in
order:

1. **Environment** - ``CHIBO_TEST_AMQP_URL`` (plus optional ``CHIBO_TEST_RABBITMQ_API_URL``) or
   ``CHIBO_TEST_PG_URL``: use a server somebody else runs (CI service container, ...).
2. **Docker** - when a Docker engine answers within a couple of seconds, start a throw-away
   container with testcontainers (``rabbitmq:3.13-management`` / ``postgres:15``); it is removed
   when the process exits.  Set ``CHIBO_TEST_NO_DOCKER=1`` to skip this step.
3. **Private local node** - ``deploy/local/rabbitmq.sh start`` / ``deploy/local/postgres.sh
   start`` on free loopback ports, with their data in a directory of their own per checkout
   (:func:`servers_dir`: outside the checkout, so the ``rabbitmq``/``postgres`` OS users reach
   it even when the checkout lies under a private 0700 folder).  The ports are chosen once and
   remembered in ``ports.json`` there; a port another program took meanwhile is replaced.  Two
   checkouts on one machine therefore never share or fight over a server.  The servers are left
   running after the session because booting RabbitMQ takes several seconds; ``python -m
   chibo_testing.servers stop`` stops this checkout's pair.

When every option fails a :class:`RuntimeError` explains the three options; tests are never
skipped silently.

Isolation between tests is by RabbitMQ vhost (:meth:`Broker.new_vhost`) and by PostgreSQL
database (:meth:`Postgres.new_database`).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import hashlib
import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx

__all__ = [
    "POSTGRES_IMAGE",
    "RABBITMQ_IMAGE",
    "Broker",
    "Postgres",
    "ServerUnavailableError",
    "get_broker",
    "get_postgres",
    "repo_root",
    "servers_dir",
]

RABBITMQ_IMAGE = "rabbitmq:3.13-management"
POSTGRES_IMAGE = "postgres:15"

# Queue counters in the management API lag by about this much on the test node.
_STATS_INTERVAL_MS = "1000"
# The shared broker, the one outage tests stop (so nothing else loses its broker meanwhile),
# and PostgreSQL.
BROKER_ROLES = ("shared", "outage")
_RMQ_PORTS = ("amqp", "management", "prometheus", "distribution")
_PORT_NAMES = (
    *(f"{role}-{p}" for role in BROKER_ROLES for p in _RMQ_PORTS),
    "postgres",
)

# Bounds for the slow operations (seconds).
_DOCKER_PING_TIMEOUT = 3.0
_SCRIPT_TIMEOUT = 600.0  # includes a possible apt-get install of rabbitmq-server
_CTL_TIMEOUT = 120.0
_HTTP_TIMEOUT = 15.0
_CONTAINER_READY_TIMEOUT = 120.0

_T = TypeVar("_T")


class ServerUnavailableError(RuntimeError):
    """No way to obtain the requested server; the message lists the options."""


# --------------------------------------------------------------------------------------------
# helpers


def repo_root() -> Path:
    """The monorepo root (the directory holding ``deploy/local/rabbitmq.sh``).

    ``CHIBO_REPO_ROOT`` wins; otherwise searched upwards from this file, then from the cwd.
    """
    env = os.environ.get("CHIBO_REPO_ROOT")
    if env:
        return Path(env).resolve()
    marker = Path("deploy/local/rabbitmq.sh")
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for candidate in (start, *start.parents):
            if (candidate / marker).is_file():
                return candidate
    raise RuntimeError(
        "cannot find the chibo repo root (no deploy/local/rabbitmq.sh above "
        f"{Path(__file__).resolve()} or {Path.cwd()}); set CHIBO_REPO_ROOT"
    )


def _run_script(
    script: str, args: Sequence[str], env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run ``deploy/local/<script> ARGS`` with extra env; raise RuntimeError on failure."""
    path = repo_root() / "deploy" / "local" / script
    cmd = ["bash", str(path), *args]
    try:
        proc = subprocess.run(
            cmd,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"{' '.join(cmd)} did not finish within {timeout:.0f}s") from exc
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-40:])
        env_text = " ".join(f"{k}={v}" for k, v in sorted(env.items()))
        raise RuntimeError(
            f"`{env_text} {' '.join(cmd)}` failed with exit code {proc.returncode}:\n{tail}"
        )
    return proc


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError("script printed no URL")
    return lines[-1]


def _docker_available() -> bool:
    """True when a Docker engine answers a ping within a couple of seconds (never raises)."""
    if os.environ.get("CHIBO_TEST_NO_DOCKER", "").strip() not in ("", "0"):
        return False

    def ping() -> bool:
        import docker  # optional, slow import

        client = docker.from_env(timeout=int(_DOCKER_PING_TIMEOUT))
        try:
            return bool(client.ping())
        finally:
            client.close()

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="docker-ping")
    try:
        return pool.submit(ping).result(timeout=_DOCKER_PING_TIMEOUT + 1)
    except Exception:
        return False
    finally:
        pool.shutdown(wait=False)


def _run_coro(factory: Callable[[], Coroutine[Any, Any, _T]], timeout: float) -> _T:
    """Run a coroutine to completion on a private loop in a worker thread.

    Works whether or not the caller is itself inside a running event loop (async tests).
    """
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-admin")
    try:
        return pool.submit(lambda: asyncio.run(factory())).result(timeout=timeout)
    finally:
        pool.shutdown(wait=False)


def _split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """Return (url without user:password, user, password), both unquoted."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    user = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    return bare, user, password


# --------------------------------------------------------------------------------------------
# RabbitMQ


@dataclass
class Broker:
    """A RabbitMQ broker reachable from this process.

    ``amqp_url`` points at the default vhost ``/``; tests should isolate themselves with
    :meth:`new_vhost`.  ``api_url`` is the management HTTP API base (``.../api``) with
    credentials in the URL, or ``None`` when unknown.
    """

    amqp_url: str
    api_url: str | None
    controllable: bool
    #: Where the broker came from: ``"env"``, ``"docker"`` or ``"local"``.
    source: str = "env"
    _ctl: Callable[[Sequence[str]], None] | None = field(default=None, repr=False, compare=False)

    # -- management API ---------------------------------------------------------------------

    def _api(self) -> tuple[str, httpx.BasicAuth | None]:
        if not self.api_url:
            raise RuntimeError(
                f"no RabbitMQ management API known for {self.amqp_url}; "
                "set CHIBO_TEST_RABBITMQ_API_URL (e.g. http://guest:guest@127.0.0.1:15672/api)"
            )
        bare, user, password = _split_userinfo(self.api_url)
        auth = httpx.BasicAuth(user, password or "") if user is not None else None
        return bare.rstrip("/"), auth

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        base, auth = self._api()
        with httpx.Client(auth=auth, timeout=_HTTP_TIMEOUT) as client:
            return client.request(method, base + path, **kwargs)

    def _amqp_user(self) -> str:
        return unquote(urlsplit(self.amqp_url).username or "guest")

    def new_vhost(self, name: str) -> str:
        """Create a fresh vhost ``name`` and return an AMQP URL pointing at it.

        Any existing vhost of that name is deleted first (left-overs of a crashed run).  The
        user of :attr:`amqp_url` gets full permissions on it.
        """
        if not name:
            raise ValueError("vhost name must not be empty")
        vhost = quote(name, safe="")
        self.delete_vhost(name)
        resp = self._request("PUT", f"/vhosts/{vhost}", json={})
        if resp.status_code not in (201, 204):
            raise RuntimeError(f"creating vhost {name!r} failed: {resp.status_code} {resp.text}")
        user = quote(self._amqp_user(), safe="")
        resp = self._request(
            "PUT",
            f"/permissions/{vhost}/{user}",
            json={"configure": ".*", "write": ".*", "read": ".*"},
        )
        if resp.status_code not in (201, 204):
            raise RuntimeError(
                f"granting {self._amqp_user()!r} access to vhost {name!r} failed: "
                f"{resp.status_code} {resp.text}"
            )
        parts = urlsplit(self.amqp_url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + vhost, parts.query, ""))

    def delete_vhost(self, name: str) -> None:
        """Delete vhost ``name`` (with its queues and exchanges); a missing vhost is fine."""
        resp = self._request("DELETE", f"/vhosts/{quote(name, safe='')}")
        if resp.status_code not in (204, 404):
            raise RuntimeError(f"deleting vhost {name!r} failed: {resp.status_code} {resp.text}")

    def queue_depth(self, vhost: str, queue: str) -> int:
        """Messages ready + unacknowledged in ``queue`` according to the management API.

        The management API reports statistics sampled every ``collect_statistics_interval``
        (1 s on the local test node, 5 s by default elsewhere), so poll with a deadline
        instead of expecting an exact value right after publishing.  Raises LookupError when
        the queue does not exist.
        """
        resp = self._request("GET", f"/queues/{quote(vhost, safe='')}/{quote(queue, safe='')}")
        if resp.status_code == 404:
            raise LookupError(f"queue {queue!r} not found in vhost {vhost!r}")
        resp.raise_for_status()
        data = resp.json()
        ready = int(data.get("messages_ready") or 0)
        unacked = int(data.get("messages_unacknowledged") or 0)
        return ready + unacked

    # -- node control -------------------------------------------------------------------------

    def _require_control(self, what: str) -> Callable[[Sequence[str]], None]:
        if not self.controllable or self._ctl is None:
            raise RuntimeError(
                f"cannot {what}: the broker at {self.amqp_url} (from {self.source}) was not "
                "started by this process. Unset CHIBO_TEST_AMQP_URL to let get_broker() start "
                "its own broker (Docker or deploy/local/rabbitmq.sh) for outage tests."
            )
        return self._ctl

    def stop_app(self) -> None:
        """Stop the RabbitMQ application (``rabbitmqctl stop_app``); the node OS process stays.

        All client connections drop and new ones are refused until :meth:`start_app`.
        """
        self._require_control("stop_app")(["stop_app"])

    def start_app(self) -> None:
        """Start the RabbitMQ application again and wait until it accepts connections."""
        ctl = self._require_control("start_app")
        ctl(["start_app"])
        ctl(["await_startup", "--timeout", "60"])

    @contextlib.contextmanager
    def app_stopped(self) -> Iterator[None]:
        """Context manager: broker outage for the duration of the block (always restarted)."""
        self.stop_app()
        try:
            yield
        finally:
            self.start_app()


def _broker_from_env(amqp_url: str) -> Broker:
    api_url = os.environ.get("CHIBO_TEST_RABBITMQ_API_URL") or None
    if api_url is None:
        parts = urlsplit(amqp_url)
        user = parts.username or "guest"
        password = parts.password or "guest"
        host = parts.hostname or "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        api_url = f"http://{user}:{password}@{host}:15672/api"
    return Broker(amqp_url=amqp_url, api_url=api_url, controllable=False, source="env")


def _wait_http_ok(url: str, auth: tuple[str, str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            resp = httpx.get(url, auth=auth, timeout=5)
            if resp.status_code == 200:
                return
            last = resp.status_code
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(1)
    raise RuntimeError(f"{url} not ready within {timeout:.0f}s (last: {last!r})")


def _broker_from_docker() -> Broker:
    try:
        # Needs `pika` (testcontainers' readiness probe), which the lock file may not carry.
        from testcontainers.community.rabbitmq import (
            RabbitMqContainer as _Container,
        )

        container: Any = _Container(RABBITMQ_IMAGE, username="guest", password="guest")
        readiness_builtin = True
    except ImportError:
        from testcontainers.core.container import DockerContainer

        container = DockerContainer(RABBITMQ_IMAGE).with_exposed_ports(5672)
        readiness_builtin = False
    container.with_exposed_ports(15672)
    container.start()
    atexit.register(container.stop)
    try:
        host = container.get_container_host_ip()
        amqp_port = int(container.get_exposed_port(5672))
        api_port = int(container.get_exposed_port(15672))
        api_url = f"http://guest:guest@{host}:{api_port}/api"
        # Management answering means the rabbit app has booted (plugins start after it).
        _wait_http_ok(
            f"http://{host}:{api_port}/api/overview",
            ("guest", "guest"),
            _CONTAINER_READY_TIMEOUT if not readiness_builtin else 60,
        )
    except BaseException:
        container.stop()
        raise

    def ctl(args: Sequence[str]) -> None:
        result = container.exec(["rabbitmqctl", *args])
        if result.exit_code != 0:
            out = result.output.decode(errors="replace")
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} in container failed: {out}")

    return Broker(
        amqp_url=f"amqp://guest:guest@{host}:{amqp_port}/",
        api_url=api_url,
        controllable=True,
        source="docker",
        _ctl=ctl,
    )


def servers_dir() -> Path:
    """Where this checkout's private test servers keep their data and ports.

    ``CHIBO_TEST_SERVERS_DIR`` wins; else ``<tmp>/chibo-test-<uid>-<hash of the checkout>``:
    one per checkout, outside it, traversable by the servers' OS users.
    """
    env = os.environ.get("CHIBO_TEST_SERVERS_DIR")
    if env:
        path = Path(env).resolve()
    else:
        digest = hashlib.sha1(str(repo_root()).encode()).hexdigest()[:10]
        path = Path(tempfile.gettempdir()) / f"chibo-test-{os.getuid()}-{digest}"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ports(renew: Sequence[str] = ()) -> dict[str, int]:
    """The remembered ports of this checkout's servers; `renew` names those to choose again."""
    path = servers_dir() / "ports.json"
    try:
        ports: dict[str, int] = json.loads(path.read_text())
    except (OSError, ValueError):
        ports = {}
    changed = False
    for name in _PORT_NAMES:
        if name in renew or not isinstance(ports.get(name), int):
            ports[name] = _free_port()
            changed = True
    if changed:
        path.write_text(json.dumps(ports, indent=2))
    return ports


def _start_local(
    script: str, env_of: Callable[[dict[str, int]], dict[str, str]], names: Sequence[str]
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Start a server script on the remembered ports; once, on "already in use", on new ones."""
    env = env_of(_ports())
    try:
        return _run_script(script, ["start"], env, _SCRIPT_TIMEOUT), env
    except RuntimeError as exc:
        if "already in use" not in str(exc):
            raise
    env = env_of(_ports(renew=names))
    return _run_script(script, ["start"], env, _SCRIPT_TIMEOUT), env


def _local_rmq_env(role: str) -> Callable[[dict[str, int]], dict[str, str]]:
    def env(ports: dict[str, int]) -> dict[str, str]:
        return {
            "CHIBO_RMQ_DIR": str(servers_dir() / f"rabbitmq-{role}"),
            "CHIBO_RMQ_PORT": str(ports[f"{role}-amqp"]),
            "CHIBO_RMQ_MGMT_PORT": str(ports[f"{role}-management"]),
            "CHIBO_RMQ_PROM_PORT": str(ports[f"{role}-prometheus"]),
            "CHIBO_RMQ_DIST_PORT": str(ports[f"{role}-distribution"]),
            "CHIBO_RMQ_STATS_INTERVAL_MS": _STATS_INTERVAL_MS,
        }

    return env


def _local_pg_env(ports: dict[str, int]) -> dict[str, str]:
    return {
        "CHIBO_PG_DIR": str(servers_dir() / "postgres"),
        "CHIBO_PG_PORT": str(ports["postgres"]),
        # A test server: a killed process loses nothing; only a power cut would.
        "CHIBO_PG_DURABLE": "off",
    }


def _broker_from_local_node(role: str) -> Broker:
    proc, env = _start_local(
        "rabbitmq.sh", _local_rmq_env(role), tuple(f"{role}-{p}" for p in _RMQ_PORTS)
    )
    amqp_url = _last_line(proc.stdout)

    def ctl(args: Sequence[str]) -> None:
        _run_script("rabbitmq.sh", ["ctl", *args], env, _CTL_TIMEOUT)

    mgmt = env["CHIBO_RMQ_MGMT_PORT"]
    return Broker(
        amqp_url=amqp_url,
        api_url=f"http://guest:guest@127.0.0.1:{mgmt}/api",
        controllable=True,
        source="local",
        _ctl=ctl,
    )


def stop_local_servers() -> None:
    """Stop this checkout's private test broker and PostgreSQL (when they run)."""
    ports = _ports()
    for role in BROKER_ROLES:
        _run_script("rabbitmq.sh", ["stop"], _local_rmq_env(role)(ports), _CTL_TIMEOUT)
    _run_script("postgres.sh", ["stop"], _local_pg_env(ports), _CTL_TIMEOUT)


_broker_lock = threading.Lock()
_brokers: dict[str, Broker] = {}


def get_broker(role: str = "shared") -> Broker:
    """The RabbitMQ broker of `role` for this test process (resolved once, then cached).

    `shared` serves every test; `outage` is a second broker for the tests that stop their
    broker, so tests running beside them (pytest -n) keep theirs. Order: ``CHIBO_TEST_AMQP_URL``
    env (both roles), a testcontainers ``rabbitmq:3.13-management`` container per role when
    Docker answers, a private local node of ``deploy/local/rabbitmq.sh`` per role (free ports,
    left running for reuse).  Raises RuntimeError when all fail.
    """
    if role not in BROKER_ROLES:
        raise ValueError(f"broker role {role!r}: expected one of {BROKER_ROLES}")
    with _broker_lock:
        if role in _brokers:
            return _brokers[role]
        env_url = os.environ.get("CHIBO_TEST_AMQP_URL")
        if env_url:
            _brokers[role] = _broker_from_env(env_url)
            return _brokers[role]
        errors: list[str] = []
        if _docker_available():
            try:
                _brokers[role] = _broker_from_docker()
                return _brokers[role]
            except Exception as exc:
                errors.append(f"docker ({RABBITMQ_IMAGE}): {type(exc).__name__}: {exc}")
        else:
            errors.append("docker: no Docker engine answered (or CHIBO_TEST_NO_DOCKER is set)")
        try:
            _brokers[role] = _broker_from_local_node(role)
            return _brokers[role]
        except Exception as exc:
            errors.append(f"deploy/local/rabbitmq.sh: {exc}")
        raise ServerUnavailableError(
            "no RabbitMQ broker for the tests. Options:\n"
            "  1. point at a running broker: CHIBO_TEST_AMQP_URL=amqp://guest:guest@HOST:5672/ "
            "(and CHIBO_TEST_RABBITMQ_API_URL=http://guest:guest@HOST:15672/api if the "
            "management API is not on port 15672 of the same host);\n"
            f"  2. run a Docker engine so testcontainers can start {RABBITMQ_IMAGE};\n"
            "  3. let deploy/local/rabbitmq.sh start a private node (needs the rabbitmq-server "
            f"package or root to apt-get install it; data in {servers_dir()}).\n"
            "Attempts:\n  - " + "\n  - ".join(errors)
        )


# --------------------------------------------------------------------------------------------
# PostgreSQL

_DB_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def _check_db_name(name: str) -> str:
    if not _DB_NAME.match(name):
        raise ValueError(f"invalid database name {name!r}: use [A-Za-z_][A-Za-z0-9_]*, <= 63")
    return name


def _asyncpg_dsn(url: str) -> str:
    """SQLAlchemy URL (postgresql+asyncpg://...) -> libpq-style DSN asyncpg accepts."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


@dataclass
class Postgres:
    """A PostgreSQL server reachable from this process.

    ``url`` is a SQLAlchemy async URL for the maintenance database ``postgres``
    (``postgresql+asyncpg://user[:password]@host:port/postgres``) of a superuser.
    """

    url: str
    #: Where the server came from: ``"env"``, ``"docker"`` or ``"local"``.
    source: str = "env"

    def _execute(self, *statements: str) -> None:
        dsn = _asyncpg_dsn(self.url)

        async def run() -> None:
            import asyncpg

            conn = await asyncpg.connect(dsn, timeout=15, command_timeout=60)
            try:
                for statement in statements:
                    await conn.execute(statement)
            finally:
                await conn.close(timeout=5)

        _run_coro(run, timeout=90)

    def url_for(self, name: str) -> str:
        """URL of database ``name`` on this server (same user, host and driver)."""
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))

    def new_database(self, name: str, *, template: str | None = None) -> str:
        """Create a fresh database ``name`` (empty, or a copy of ``template``) and return its
        SQLAlchemy async URL.

        An existing database of that name is dropped first (left-overs of a crashed run).
        """
        _check_db_name(name)
        copy = f' TEMPLATE "{_check_db_name(template)}"' if template else ""
        self._execute(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}"{copy}',
        )
        return self.url_for(name)

    def exists(self, name: str) -> bool:
        dsn = _asyncpg_dsn(self.url)

        async def run() -> bool:
            import asyncpg

            conn = await asyncpg.connect(dsn, timeout=15, command_timeout=60)
            try:
                found = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            finally:
                await conn.close(timeout=5)
            return found is not None

        return _run_coro(run, timeout=90)

    def rename_database(self, old: str, new: str) -> None:
        """Rename ``old`` to ``new``; when ``new`` appeared meanwhile (another run built the
        same template), ``old`` is left for the caller to drop."""
        _check_db_name(old)
        _check_db_name(new)
        try:
            self._execute(f'ALTER DATABASE "{old}" RENAME TO "{new}"')
        except Exception:
            if not self.exists(new):
                raise

    def drop_database(self, name: str) -> None:
        """Drop database ``name``, disconnecting its sessions; a missing database is fine."""
        _check_db_name(name)
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_from_docker() -> Postgres:
    from testcontainers.community.postgres import PostgresContainer

    container = PostgresContainer(
        POSTGRES_IMAGE,
        username="postgres",
        password="postgres",
        dbname="postgres",
        driver="asyncpg",
    )
    container.start()
    atexit.register(container.stop)
    return Postgres(url=container.get_connection_url(), source="docker")


def _postgres_from_local() -> Postgres:
    proc, _ = _start_local("postgres.sh", _local_pg_env, ("postgres",))
    return Postgres(url=_last_line(proc.stdout), source="local")


_pg_lock = threading.Lock()
_postgres: Postgres | None = None


def get_postgres() -> Postgres:
    """The PostgreSQL server for this test process (resolved once, then cached).

    Order: ``CHIBO_TEST_PG_URL`` env, a testcontainers ``postgres:15`` container when Docker
    answers, the private cluster of ``deploy/local/postgres.sh`` (free port, left running).
    Raises RuntimeError when all fail.
    """
    global _postgres
    with _pg_lock:
        if _postgres is not None:
            return _postgres
        env_url = os.environ.get("CHIBO_TEST_PG_URL")
        if env_url:
            _postgres = Postgres(url=env_url, source="env")
            return _postgres
        errors: list[str] = []
        if _docker_available():
            try:
                _postgres = _postgres_from_docker()
                return _postgres
            except Exception as exc:
                errors.append(f"docker ({POSTGRES_IMAGE}): {type(exc).__name__}: {exc}")
        else:
            errors.append("docker: no Docker engine answered (or CHIBO_TEST_NO_DOCKER is set)")
        try:
            _postgres = _postgres_from_local()
            return _postgres
        except Exception as exc:
            errors.append(f"deploy/local/postgres.sh: {exc}")
        raise ServerUnavailableError(
            "no PostgreSQL server for the tests. Options:\n"
            "  1. point at a running server: "
            "CHIBO_TEST_PG_URL=postgresql+asyncpg://postgres:PASSWORD@HOST:5432/postgres "
            "(a superuser: tests create databases);\n"
            f"  2. run a Docker engine so testcontainers can start {POSTGRES_IMAGE};\n"
            "  3. let deploy/local/postgres.sh start a private cluster (needs the PostgreSQL 15 "
            f"server binaries; data in {servers_dir()}).\n"
            "Attempts:\n  - " + "\n  - ".join(errors)
        )


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["stop"]:
        sys.exit("usage: python -m chibo_testing.servers stop")
    stop_local_servers()
