"""`make cluster`: a province's deployment shape on one machine, loopback only.

Three RabbitMQ 3.10 nodes joined into one cluster (quorum queues on all three), one PostgreSQL 15
with a database per service, two processes of every service on PostgreSQL, and HAProxy in front
(one frontend per service and one for AMQP, so a client fails over to a live node or replica).
Ports are free ones chosen at start; data lives in /tmp/chibo-cluster-<hash> (wiped at start).
Ctrl-C stops everything this run started, by PID.

The soak test (tests/soak) drives the same `Cluster` class and injects faults through it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from service_kit.processes import ServiceProcess

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / "deploy" / "local"
SERVICES = ("registry", "meetings", "scoring", "notifications")
# Ports other runs own (the lead's make run / make test servers): never ours.
RESERVED = {4369, 5672, 15672, 15692, 25672, 5682, 15682, 55432, 55442, 8001, 8002, 8003, 8004}
PROVINCE_CODE, PROVINCE_NAME = "TQ", "Tỉnh ủy Tuyên Quang"
ADMIN, ADMIN_PASSWORD = "quantri", "demo-Chibo-2026"
_BOOTSTRAP = """
import argparse, sys
from pathlib import Path
from registry.identity import cli as admin
from registry.imports import cli as imports
from registry.settings import RegistrySettings
settings = RegistrySettings()
args = argparse.Namespace(kind="organisations", file=Path(sys.argv[1]), dry_run=False,
                          partial=False, json=False)
assert imports.run(settings, args) == 0
args = argparse.Namespace(username=sys.argv[2], password=sys.argv[3], organisation=None)
assert admin.run(settings, args) == 0
"""


def say(text: str) -> None:
    print(f"\033[1m==> {text}\033[0m", flush=True)


def default_dir() -> Path:
    """Outside any 0700 folder: as root, the rabbitmq and postgres OS users must reach it."""
    digest = hashlib.sha256(str(REPO).encode()).hexdigest()[:8]
    return Path("/tmp") / f"chibo-cluster-{digest}"


class Ports:
    """Free loopback ports, none of the reserved ones, none handed out twice in this run."""

    def __init__(self) -> None:
        self.taken: set[int] = set()

    @staticmethod
    def _free(port: int) -> bool:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
        return True

    def one(self, lo: int = 20000, hi: int = 32000, *, also: tuple[int, ...] = ()) -> int:
        """A free port in [lo, hi); `also` are offsets that must be free too (Erlang's CLI
        uses the distribution port + 10000…10010)."""
        for _ in range(2000):
            port = random.randrange(lo, hi)
            wanted = [port, *(port + o for o in also)]
            if any(p in RESERVED or p in self.taken for p in wanted):
                continue
            if all(self._free(p) for p in wanted):
                self.taken.update(wanted)
                return port
        raise RuntimeError(f"no free port in {lo}-{hi}")


def ensure_package(binary: str, package: str) -> str:
    """The path of `binary`, installing its Debian package when it is missing (as root)."""
    found = shutil.which(binary, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if found:
        return found
    say(f"Cài gói {package} (apt-get)…")
    if subprocess.run([str(Path(__file__).with_name("apt.sh")), package]).returncode:
        sys.exit(f"{binary} is missing: install the Debian package {package}")
    found = shutil.which(binary, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if not found:
        sys.exit(f"{package} installed but {binary} not found")
    return found


@dataclass
class BrokerNode:
    index: int
    dir: Path
    amqp: int
    mgmt: int
    prom: int
    dist: int

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CHIBO_RMQ_DIR": str(self.dir),
            "CHIBO_RMQ_PORT": str(self.amqp),
            "CHIBO_RMQ_MGMT_PORT": str(self.mgmt),
            "CHIBO_RMQ_PROM_PORT": str(self.prom),
            "CHIBO_RMQ_DIST_PORT": str(self.dist),
            "CHIBO_RMQ_NODENAME": self.name,
            "CHIBO_RMQ_STATS_INTERVAL_MS": "2000",
            "CHIBO_RMQ_START_TIMEOUT": "120",
        }

    @property
    def name(self) -> str:
        return f"chibo-{self.dir.parent.name}-{self.index}@localhost"

    def script(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(LOCAL / "rabbitmq.sh"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"rabbitmq.sh {' '.join(args)} ({self.name}): {done.stderr[-3000:]}")
        return done

    def pid(self) -> int | None:
        short = self.name.split("@")[0]
        try:
            pid = int((self.dir / f"{short}.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        try:
            os.kill(pid, 0)
        except OSError:
            return None
        return pid

    def start(self) -> None:
        """Boot the node again from its data: it rejoins the cluster it belonged to."""
        self.script("start")

    def kill9(self) -> None:
        """A crash: SIGKILL to the node's Erlang VM, nothing flushed, nothing said to peers."""
        pid = self.pid()
        if pid is None:
            raise RuntimeError(f"{self.name} is not running")
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while self.pid() is not None and time.monotonic() < deadline:
            time.sleep(0.2)


@dataclass
class Replica:
    name: str
    index: int
    process: ServiceProcess
    restarts: int = 0

    @property
    def label(self) -> str:
        return f"{self.name}-{self.index}"

    def alive(self) -> bool:
        proc = self.process.process
        return proc is not None and proc.poll() is None


@dataclass
class Cluster:
    """Everything `make cluster` runs; each piece stoppable, killable and restartable."""

    workdir: Path = field(default_factory=default_dir)
    replicas: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)
    # Per-replica AMQP URL override (e.g. through a TcpProxy the soak test cuts): "scoring-1".
    amqp_override: dict[str, str] = field(default_factory=dict)
    ports: Ports = field(default_factory=Ports)
    nodes: list[BrokerNode] = field(default_factory=list)
    pg_port: int = 0
    lb_ports: dict[str, int] = field(default_factory=dict)
    smtp_port: int = 0
    services: dict[str, list[Replica]] = field(default_factory=dict)
    haproxy: subprocess.Popen[bytes] | None = None
    sink: subprocess.Popen[bytes] | None = None
    _started_pg: bool = False

    # ------------------------------------------------------------------ where things are

    @property
    def logs(self) -> Path:
        return self.workdir / "logs"

    def url(self, service: str) -> str:
        """The service's address behind the load balancer."""
        return f"http://127.0.0.1:{self.lb_ports[service]}"

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.lb_ports['amqp']}/"

    def db_url(self, service: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.pg_port}/{service}"

    def api(self, node: int = 0) -> str:
        """The management HTTP API of one node (any node answers for the whole cluster)."""
        return f"http://127.0.0.1:{self.nodes[node].mgmt}/api"

    # ------------------------------------------------------------------ start

    def plan(self) -> None:
        """Wipe the dir, install what is missing and choose the ports (before `start`, so a
        caller can put a proxy in front of a port and set `amqp_override`)."""
        self.workdir = Path(self.workdir)
        self._fresh_dir()
        self.haproxy_bin = ensure_package("haproxy", "haproxy")
        self._plan_ports()
        self._planned = True

    def start(self) -> None:
        if not getattr(self, "_planned", False):
            self.plan()
        say("Khởi động 3 nút RabbitMQ và ghép thành một cụm…")
        self._start_brokers()
        say("Khởi động PostgreSQL (một cơ sở dữ liệu cho mỗi dịch vụ)…")
        self._start_postgres()
        self._write_haproxy()
        self.start_haproxy()
        self._wait_amqp_lb()
        say("Chuẩn bị cơ sở dữ liệu (migrate) và khởi tạo registry…")
        self._migrate_all()
        self._bootstrap_registry()
        self._start_sink()
        say(f"Khởi động {self.replicas} tiến trình cho mỗi dịch vụ…")
        self._start_services()
        self.check_quorum_replication()
        self._write_manifest()

    def _write_manifest(self) -> None:
        """Where everything listens, for operators and tools that attach to a running cluster."""
        manifest = {
            "services": {name: self.url(name) for name in SERVICES},
            "replicas": {r.label: r.process.url for reps in self.services.values() for r in reps},
            "amqp": self.amqp_url,
            "haproxy_stats": f"http://127.0.0.1:{self.lb_ports['stats']}/",
            "nodes": [
                {"name": n.name, "amqp": n.amqp, "management": n.mgmt, "prometheus": n.prom}
                for n in self.nodes
            ],
            "postgres": f"postgresql://postgres@127.0.0.1:{self.pg_port}/",
        }
        (self.workdir / "cluster.json").write_text(json.dumps(manifest, indent=2))

    def _fresh_dir(self) -> None:
        if self.workdir.exists():
            self._stop_leftovers()
            shutil.rmtree(self.workdir)
        self.logs.mkdir(parents=True)
        os.chmod(self.workdir, 0o755)

    def _stop_leftovers(self) -> None:
        """A previous run killed hard may have left its broker nodes or PostgreSQL behind."""
        for node_dir in sorted(self.workdir.glob("rabbitmq-*")):
            name = (
                (node_dir / "nodename").read_text().strip()
                if (node_dir / "nodename").exists()
                else ""
            )
            if name:
                subprocess.run(
                    [str(LOCAL / "rabbitmq.sh"), "stop"],
                    env={**os.environ, "CHIBO_RMQ_DIR": str(node_dir), "CHIBO_RMQ_NODENAME": name},
                    capture_output=True,
                    timeout=120,
                )
        if (self.workdir / "postgres" / "data").exists():
            subprocess.run(
                [str(LOCAL / "postgres.sh"), "stop"],
                env={**os.environ, "CHIBO_PG_DIR": str(self.workdir / "postgres")},
                capture_output=True,
                timeout=120,
            )

    def _plan_ports(self) -> None:
        p = self.ports
        self.nodes = [
            BrokerNode(
                i,
                self.workdir / f"rabbitmq-{i}",
                amqp=p.one(),
                mgmt=p.one(),
                prom=p.one(),
                dist=p.one(20000, 30000, also=tuple(range(10000, 10011))),
            )
            for i in (1, 2, 3)
        ]
        self.pg_port = p.one()
        self.lb_ports = {name: p.one() for name in (*SERVICES, "amqp", "stats")}
        self.smtp_port = p.one()

    def _start_brokers(self) -> None:
        cookie = hashlib.sha256(os.urandom(32)).hexdigest()[:20].upper()
        for node in self.nodes:
            (node.dir / "home").mkdir(parents=True)
            (node.dir / "home" / ".erlang.cookie").write_text(cookie)  # one cookie: one cluster
            (node.dir / "conf.d").mkdir()
            (node.dir / "conf.d" / "20-cluster.conf").write_text(
                "# A minority side stops serving rather than diverge (3.10: Mnesia-era mode).\n"
                "cluster_partition_handling = pause_minority\n"
            )
        # Boot in parallel (each node takes 10–30 s on two busy cores), then join the first.
        starting = [
            subprocess.Popen(
                [str(LOCAL / "rabbitmq.sh"), "start"],
                env=n.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in self.nodes
        ]
        for node, proc in zip(self.nodes, starting, strict=True):
            _, err = proc.communicate(timeout=300)
            if proc.returncode != 0:
                raise RuntimeError(f"{node.name} did not start: {err[-3000:]}")
        first = self.nodes[0].name
        for node in self.nodes[1:]:
            node.script("ctl", "stop_app")
            node.script("ctl", "join_cluster", first)
            node.script("ctl", "start_app")
            node.script("ctl", "await_startup", "--timeout", "120")
        running = self._cluster_members()
        if len(running) != 3:
            raise RuntimeError(f"cluster has {len(running)} running nodes: {running}")

    def _cluster_members(self) -> list[str]:
        done = self.nodes[0].script("ctl", "cluster_status", "--formatter", "json")
        return list(json.loads(done.stdout)["running_nodes"])

    def _start_postgres(self) -> None:
        env = {
            **os.environ,
            "CHIBO_PG_DIR": str(self.workdir / "postgres"),
            "CHIBO_PG_PORT": str(self.pg_port),
        }
        done = subprocess.run(
            [str(LOCAL / "postgres.sh"), "start"], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"postgres did not start: {done.stderr[-3000:]}")
        self._started_pg = True
        psql = "/usr/lib/postgresql/15/bin/psql"
        for name in SERVICES:
            subprocess.run(
                [
                    psql,
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.pg_port),
                    "-U",
                    "postgres",
                    "-q",
                    "-c",
                    f"CREATE DATABASE {name}",
                ],
                check=True,
                capture_output=True,
            )

    def postgres(self, action: str) -> None:
        """start | stop | restart the PostgreSQL server (fast shutdown: sessions are cut)."""
        env = {
            **os.environ,
            "CHIBO_PG_DIR": str(self.workdir / "postgres"),
            "CHIBO_PG_PORT": str(self.pg_port),
        }
        for step in ["stop", "start"] if action == "restart" else [action]:
            done = subprocess.run(
                [str(LOCAL / "postgres.sh"), step],
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
            )
            if done.returncode != 0:
                raise RuntimeError(f"postgres {step}: {done.stderr[-2000:]}")

    def _write_haproxy(self) -> None:
        lines = [
            "# Generated by deploy/local/cluster.py; one frontend per service and one for AMQP.",
            "global",
            "  maxconn 4096",
            "defaults",
            "  timeout connect 2s",
            "  timeout client 90s",
            "  timeout server 90s",
            "  timeout check 2s",
            # A connection refused by a dead replica or node is tried on another one.
            "  retries 3",
            "  option redispatch",
            "",
            "frontend amqp",
            "  mode tcp",
            f"  bind 127.0.0.1:{self.lb_ports['amqp']}",
            "  timeout client 3h",
            "  default_backend rabbitmq",
            "backend rabbitmq",
            "  mode tcp",
            "  balance leastconn",
            "  timeout server 3h",
        ]
        for node in self.nodes:
            lines.append(
                f"  server rmq{node.index} 127.0.0.1:{node.amqp} check inter 1s fall 2 rise 2 "
                "on-marked-down shutdown-sessions"
            )
        for name in SERVICES:
            lines += [
                "",
                f"frontend {name}",
                "  mode http",
                f"  bind 127.0.0.1:{self.lb_ports[name]}",
                "  option http-buffer-request",
                f"  default_backend {name}",
                f"backend {name}",
                "  mode http",
                "  balance roundrobin",
                "  option httpchk GET /healthz/live",
                "  http-check expect status 200",
                # A replica killed mid-request leaves the client with no answer; the request is
                # replayed on the other replica when replaying is harmless: reads, and writes
                # that carry an Idempotency-Key or an If-Match (a repeat is answered from the
                # stored response, or refused with 412, never applied twice).
                "  retry-on conn-failure empty-response",
                "  http-request disable-l7-retry if METH_POST"
                " !{ req.hdr(idempotency-key) -m found } !{ req.hdr(if-match) -m found }",
            ]
            lines += [
                f"  server {name}{i} 127.0.0.1:{self._replica_port(name, i)} "
                "check inter 1s fall 2 rise 2"
                for i in range(1, self.replicas + 1)
            ]
        lines += [
            "",
            "frontend stats",
            "  mode http",
            f"  bind 127.0.0.1:{self.lb_ports['stats']}",
            "  http-request use-service prometheus-exporter if { path /metrics }",
            "  stats enable",
            "  stats uri /",
            "  stats refresh 5s",
        ]
        (self.workdir / "haproxy.cfg").write_text("\n".join(lines) + "\n")

    def _replica_port(self, name: str, index: int) -> int:
        key = f"{name}-{index}"
        if not hasattr(self, "_replica_ports"):
            self._replica_ports: dict[str, int] = {}
        if key not in self._replica_ports:
            self._replica_ports[key] = self.ports.one()
        return self._replica_ports[key]

    def start_haproxy(self) -> None:
        cfg = self.workdir / "haproxy.cfg"
        check = subprocess.run(
            [self.haproxy_bin, "-c", "-q", "-f", str(cfg)], capture_output=True, text=True
        )
        if check.returncode != 0:
            raise RuntimeError(f"haproxy config: {check.stderr}")
        log = open(self.logs / "haproxy.log", "ab")  # noqa: SIM115
        # -db: stay in the foreground, so the PID we hold is the one to stop.
        self.haproxy = subprocess.Popen(
            [self.haproxy_bin, "-db", "-f", str(cfg)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _wait_amqp_lb(self) -> None:
        import aio_pika  # noqa: F401  (fail early if the venv is wrong)

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.lb_ports["amqp"]), 1) as s:
                    s.sendall(b"AMQP\x00\x00\x09\x01")
                    if s.recv(8).startswith(b"\x01"):
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("AMQP through haproxy does not answer")

    def _service_env(self, name: str) -> dict[str, str]:
        prefix = name.upper()
        return {
            f"{prefix}_DATABASE_URL": self.db_url(name),
            f"{prefix}_AMQP_URL": self.amqp_url,
            f"{prefix}_MIGRATE_ON_START": "false",
            f"{prefix}_REGISTRY_URL": self.url("registry"),
            f"{prefix}_LOG_FORMAT": "json",
            f"{prefix}_ENVIRONMENT": "cluster",
            "CHIBO_MODE": "development",  # guest broker user on loopback, demo passphrase
            "NOTIFICATIONS_SMTP_PORT": str(self.smtp_port),
            "NOTIFICATIONS_RABBITMQ_API_URL": (
                f"http://guest:guest@127.0.0.1:{self.nodes[0].mgmt}/api"
            ),
            **self.extra_env,
        }

    def _migrate_all(self) -> None:
        """Every schema to head before any replica starts (replicas do not migrate)."""
        running = {
            name: subprocess.Popen(
                [sys.executable, "-m", name, "migrate"],
                env={
                    **os.environ,
                    **self._service_env(name),
                    f"{name.upper()}_LOG_LEVEL": "WARNING",
                },
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in SERVICES
        }
        for name, proc in running.items():
            _, err = proc.communicate(timeout=300)
            if proc.returncode != 0:
                raise RuntimeError(f"{name} migrate: {err[-3000:]}")

    def _bootstrap_registry(self) -> None:
        """The province and its admin, as an operator bootstraps a fresh deployment."""
        csv = self.workdir / "province.csv"
        csv.write_text(
            "Mã tổ chức,Tên,Loại,Mã cấp trên,Ngày hiệu lực\n"
            f"{PROVINCE_CODE},{PROVINCE_NAME},Tỉnh ủy,,2020-01-01\n",
            encoding="utf-8",
        )
        done = subprocess.run(
            [sys.executable, "-c", _BOOTSTRAP, str(csv), ADMIN, ADMIN_PASSWORD],
            env={**os.environ, **self._service_env("registry"), "REGISTRY_LOG_LEVEL": "WARNING"},
            capture_output=True,
            text=True,
            timeout=180,
        )
        if done.returncode != 0:
            raise RuntimeError(f"registry bootstrap: {done.stdout}\n{done.stderr}")

    def _start_sink(self) -> None:
        mail = self.workdir / "mail"
        mail.mkdir()
        self.sink = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "notifications",
                "smtp-sink",
                "--port",
                str(self.smtp_port),
                "--dir",
                str(mail),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _start_services(self) -> None:
        for name in SERVICES:
            self.services[name] = []
            for i in range(1, self.replicas + 1):
                env = self._service_env(name)
                label = f"{name}-{i}"
                if label in self.amqp_override:
                    env[f"{name.upper()}_AMQP_URL"] = self.amqp_override[label]
                proc = ServiceProcess(
                    name, self._replica_port(name, i), env=env, log_path=self.logs / f"{label}.log"
                )
                self.services[name].append(Replica(name, i, proc))
        # The registry last: its bootstrap events must find the other services' queues bound.
        order = [n for n in SERVICES if n != "registry"] + ["registry"]
        for group in (order[:-1], order[-1:]):
            for name in group:
                for r in self.services[name]:
                    r.process.start()
            for name in group:
                for r in self.services[name]:
                    r.process.wait_ready(180)

    # ------------------------------------------------------------------ faults and checks

    def replica(self, label: str) -> Replica:
        name, index = label.rsplit("-", 1)
        return self.services[name][int(index) - 1]

    def kill_replica(self, label: str) -> None:
        self.replica(label).process.kill()

    def restart_replica(self, label: str, *, wait: bool = True) -> None:
        r = self.replica(label)
        if r.alive():
            r.process.stop()
        r.process.start()
        r.restarts += 1
        if wait:
            r.process.wait_ready(180)

    def queue(self, name: str) -> dict[str, Any]:
        for i in range(len(self.nodes)):
            try:
                r = httpx.get(
                    f"{self.api(i)}/queues/%2F/{name}", auth=("guest", "guest"), timeout=5
                )
                if r.status_code == 200:
                    return dict(r.json())
            except httpx.HTTPError:
                continue
        raise RuntimeError(f"no node answers for queue {name}")

    def queues(self) -> list[dict[str, Any]]:
        for i in range(len(self.nodes)):
            try:
                r = httpx.get(f"{self.api(i)}/queues/%2F", auth=("guest", "guest"), timeout=10)
                if r.status_code == 200:
                    return list(r.json())
            except httpx.HTTPError:
                continue
        raise RuntimeError("no broker node answers the management API")

    def node_by_name(self, name: str) -> BrokerNode:
        return next(n for n in self.nodes if n.name == name)

    def check_quorum_replication(self) -> dict[str, int]:
        """Every quorum queue the services declared has a member on each of the three nodes."""
        sizes = {
            q["name"]: len(q.get("members") or [])
            for q in self.queues()
            if q.get("type") == "quorum"
        }
        short = {k: v for k, v in sizes.items() if v != len(self.nodes)}
        if not sizes or short:
            raise RuntimeError(f"quorum queues not on all nodes: {short or 'none declared'}")
        return sizes

    def stop(self) -> None:
        for replicas in self.services.values():
            for r in replicas:
                r.process.stop()
        for proc in (self.haproxy, self.sink):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        for node in self.nodes:
            node.script("stop", check=False)
        if self._started_pg:
            try:
                self.postgres("stop")
            except RuntimeError as exc:
                print(exc, file=sys.stderr)

    def supervise_once(self) -> list[str]:
        """Restart dead replicas (what systemd's Restart=always would do); their labels."""
        restarted = []
        for replicas in self.services.values():
            for r in replicas:
                if not r.alive():
                    self.restart_replica(r.label, wait=False)
                    restarted.append(r.label)
        return restarted

    def describe(self) -> str:
        lines = [
            "",
            f"Cụm chibo đang chạy (dữ liệu và nhật ký: {self.workdir}).",
            "Dịch vụ, qua bộ cân bằng tải HAProxy (mỗi dịch vụ 2 tiến trình):",
        ]
        for name in SERVICES:
            reps = ", ".join(f"{r.process.url}/metrics" for r in self.services.get(name, []))
            lines.append(f"  {name:<13} {self.url(name)}/docs   số đo từng tiến trình: {reps}")
        lines += [
            f"  HAProxy: thống kê http://127.0.0.1:{self.lb_ports['stats']}/  "
            f"số đo http://127.0.0.1:{self.lb_ports['stats']}/metrics",
            "  RabbitMQ (cụm 3 nút) qua HAProxy: "
            + self.amqp_url.replace("guest:guest@", "guest@"),
        ]
        for n in self.nodes:
            lines.append(
                f"    {n.name}: amqp 127.0.0.1:{n.amqp}  quản trị http://127.0.0.1:{n.mgmt}/ "
                f"(guest/guest)  số đo http://127.0.0.1:{n.prom}/metrics"
            )
        lines += [
            f"  PostgreSQL: postgresql://postgres@127.0.0.1:{self.pg_port}/<dịch vụ>",
            f"  Thư điện tử (hộp thư giả lập): {self.workdir}/mail/*.eml",
            f"  Nhật ký: {self.logs}/<dịch vụ>-<n>.log",
            f"  Tài khoản: {ADMIN} / {ADMIN_PASSWORD}. Lấy mã truy cập:",
            f"    curl -s {self.url('registry')}/v1/auth/token -d grant_type=password "
            f"-d username={ADMIN} -d password={ADMIN_PASSWORD}",
            "  Nhấn Ctrl-C để dừng tất cả.",
            "",
        ]
        return "\n".join(lines)


@contextmanager
def running(cluster: Cluster) -> Iterator[Cluster]:
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=default_dir(), help="data and logs")
    parser.add_argument("--replicas", type=int, default=2, help="processes per service")
    parser.add_argument("--no-demo", action="store_true", help="skip the Bình Phú demo")
    args = parser.parse_args()
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    cluster = Cluster(workdir=args.dir, replicas=args.replicas)
    try:
        cluster.start()
        if not args.no_demo:
            say("Nạp dữ liệu mẫu (xã Bình Phú)…")
            from demo import load_demo

            os.environ.update(
                {k: v for k, v in cluster._service_env("registry").items() if k.startswith("REG")}
            )
            summary = load_demo({name: cluster.url(name) for name in SERVICES})
            print(f"  {summary}")
        print(cluster.describe(), flush=True)
        while True:
            for label in cluster.supervise_once():
                print(f"{label} đã dừng bất thường; khởi động lại.", file=sys.stderr, flush=True)
            time.sleep(2)
    except KeyboardInterrupt:
        print()
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        say("Đang dừng cụm…")
        cluster.stop()
        say("Đã dừng.")


if __name__ == "__main__":
    sys.path.insert(0, str(LOCAL))
    os.chdir(REPO)
    sys.exit(main())
