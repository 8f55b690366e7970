"""deploy/compose/compose.yaml (single-host production install) and deploy/docker (the image)
hold together without a Docker engine: every file they mount exists, every variable they read is
in .env.example, the broker nodes agree on their peers, the services are replicated, ready on
/healthz/ready, on their own database; the image is multi-stage, non-root, pinned by the lock."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose"
DOCKER = ROOT / "deploy" / "docker"
SERVICES = ("registry", "meetings", "scoring", "notifications")
BROKERS = ("rabbitmq-1", "rabbitmq-2", "rabbitmq-3")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((COMPOSE / "compose.yaml").read_text()))


def env(service: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in service.get("environment", {}).items()}


def test_every_piece_of_the_install_is_there(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {
        *BROKERS, "postgres", "lb", "migrate", *SERVICES, "prometheus", "alertmanager", "grafana"
    }  # fmt: skip


def test_files_mounted_exist_and_variables_are_documented(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (COMPOSE / source).exists(), f"{name} mounts missing {source}"
    for config in compose["configs"].values():
        assert (COMPOSE / config["file"]).is_file()
    assert (COMPOSE / compose["configs"]["rabbitmq-definitions"]["file"]).resolve() == (
        ROOT / "deploy" / "rabbitmq" / "definitions.json"
    )
    text = (COMPOSE / "compose.yaml").read_text()
    used = set(re.findall(r"\$\{([A-Z_]+)", text))
    documented = set(re.findall(r"^([A-Z_]+)=", (COMPOSE / ".env.example").read_text(), re.M))
    assert used <= documented, used - documented


def test_three_broker_nodes_cluster_with_each_other(compose: dict[str, Any]) -> None:
    conf = (COMPOSE / "rabbitmq.conf").read_text()
    peers = re.findall(r"classic_config\.nodes\.\d+ = rabbit@(\S+)", conf)
    assert sorted(peers) == list(BROKERS)
    for name in BROKERS:
        node = compose["services"][name]
        assert node["hostname"] == name  # the node name rabbit@<hostname> is what peers list
        assert node["environment"]["RABBITMQ_ERLANG_COOKIE"].startswith("${")  # one secret
        assert any(v.endswith(":/var/lib/rabbitmq") for v in node["volumes"])
    lb = (COMPOSE / "haproxy.cfg").read_text()
    assert sorted(re.findall(r"server rmq\d (rabbitmq-\d):5672", lb)) == list(BROKERS)
    assert "load_definitions = /etc/rabbitmq/definitions.json" in conf


def test_services_are_replicated_ready_and_on_their_own_database(compose: dict[str, Any]) -> None:
    for name in SERVICES:
        svc = compose["services"][name]
        e = env(svc)
        prefix = name.upper()
        assert svc["deploy"]["replicas"] >= 2
        assert svc["command"] == ["-m", name, "serve"]
        assert "/healthz/ready" in " ".join(svc["healthcheck"]["test"])
        assert e[f"{prefix}_MIGRATE_ON_START"] == "false"
        assert e[f"{prefix}_DATABASE_URL"].endswith(f"@postgres:5432/{name}")
        assert e["CHIBO_AMQP_URL"].endswith("@lb:5672/")  # the broker through the LB: failover
        assert svc["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert svc["read_only"] is True and svc["cap_drop"] == ["ALL"]
        assert f"{name} migrate" in compose["services"]["migrate"]["command"][0]
        assert re.search(
            rf"backend {name} from http-backends\n", (COMPOSE / "haproxy.cfg").read_text()
        )
    databases = re.findall(r"CREATE DATABASE (\w+);", (COMPOSE / "postgres-init.sql").read_text())
    assert sorted(databases) == sorted(SERVICES)


def test_nothing_is_published_beyond_the_host(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        for port in svc.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port}"


def test_monitoring_reads_the_repository_rules_and_dashboards(compose: dict[str, Any]) -> None:
    prom = compose["services"]["prometheus"]
    assert "../prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in prom["volumes"]
    config = yaml.safe_load((COMPOSE / "prometheus.yml").read_text())
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    jobs = {j["job_name"]: j for j in config["scrape_configs"]}
    assert jobs["chibo"]["dns_sd_configs"][0]["names"] == list(SERVICES)
    grafana = compose["services"]["grafana"]["volumes"]
    assert "../grafana/provisioning:/etc/grafana/provisioning:ro" in grafana
    assert (ROOT / "deploy" / "grafana" / "dashboards").is_dir()


def test_the_image_is_multi_stage_non_root_and_pinned() -> None:
    text = (DOCKER / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", text, re.M)
    assert len(stages) == 2 and all(re.search(r":\d+\.\d+\.\d+-", s) for s in stages)
    assert "pip install --require-hashes --no-deps -r requirements.lock" in text
    assert "pip install --require-hashes --no-deps -r /tmp/runtime.lock" in text
    assert re.search(r"^USER 10001:10001$", text, re.M)
    ignore = (DOCKER / "Dockerfile.dockerignore").read_text().splitlines()
    assert ignore[1:3] == ["*", "!requirements.lock"]


def test_the_image_ships_the_runtime_closure_of_the_lock_without_dev_tools() -> None:
    done = subprocess.run(
        [sys.executable, str(DOCKER / "runtime_requirements.py"), str(ROOT / "requirements.lock")],
        capture_output=True,
        text=True,
        check=True,
    )
    names = set(re.findall(r"^([a-z0-9][a-z0-9_.-]*)==", done.stdout, re.M))
    for needed in ("fastapi", "uvicorn", "aio-pika", "asyncpg", "sqlmodel", "alembic", "pyjwt"):
        assert needed in names
    for dev in ("pytest", "mypy", "ruff", "hypothesis", "testcontainers", "kubernetes-validate"):
        assert dev not in names
    hashes = re.findall(r"^    --hash=sha256:[0-9a-f]{64}", done.stdout, re.M)
    assert len(hashes) >= len(names)  # every pin keeps its hashes (pip --require-hashes)
