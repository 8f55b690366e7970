"""The reference consumer in Node (docs/examples/agency-node) against real processes: the
registry and notifications on a real broker. The registry publishes the province's tree as public
events (their keys carry each organisation's path); the agency — a registry client granted one
commune — takes a token by client credentials, catches up through the feed, validates every
event against the schemas notifications serves, handles each once, stores its cursor and resumes
from it; its webhook receiver verifies signatures made by notifications' own signer."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from chibo_stack import ADMIN, ADMIN_PASSWORD, PROVINCE_CODE, free_port

from notifications.deliveries.jobs import Job
from notifications.main import build_app
from notifications.settings import NotificationsSettings
from notifications.webhooks.sender import signed_headers
from notifications.webhooks.verify import new_secret
from org_tree import backfill
from registry.identity import cli as admin_cli
from registry.imports import cli as imports_cli
from registry.settings import RegistrySettings
from service_kit.processes import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.broker, pytest.mark.slow]

EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/agency-node"
NODE = shutil.which("node")
ORGS = (
    "Mã tổ chức,Tên,Loại,Mã cấp trên,Ngày hiệu lực,Loại hình,Ngày sinh hoạt\n"
    f"{PROVINCE_CODE}.A,Đảng bộ xã Một,đảng bộ xã,{PROVINCE_CODE},2020-01-01,,\n"
    f"{PROVINCE_CODE}.A.1,Chi bộ thôn Một,chi bộ trực thuộc,{PROVINCE_CODE}.A,2020-01-01,thôn,\n"
    f"{PROVINCE_CODE}.A.2,Chi bộ thôn Hai,chi bộ trực thuộc,{PROVINCE_CODE}.A,2020-01-01,thôn,\n"
    f"{PROVINCE_CODE}.B,Đảng bộ xã Hai,đảng bộ xã,{PROVINCE_CODE},2020-01-01,,\n"
    f"{PROVINCE_CODE}.B.1,Chi bộ thôn Ba,chi bộ trực thuộc,{PROVINCE_CODE}.B,2020-01-01,thôn,\n"
)


def bootstrap(db_url: str, workdir: Path) -> None:
    """The province and its admin, as `chibo_stack.bootstrap_registry` does, in this process
    (a Python start-up less on a busy machine)."""
    csv = workdir / "province.csv"
    csv.write_text(
        "Mã tổ chức,Tên,Loại,Mã cấp trên,Ngày hiệu lực\n"
        f"{PROVINCE_CODE},Tỉnh Thử nghiệm,Tỉnh ủy,,2020-01-01\n",
        encoding="utf-8",
    )
    settings = RegistrySettings(database_url=db_url)
    args = argparse.Namespace(
        kind="organisations", file=csv, dry_run=False, partial=False, json=False
    )
    assert imports_cli.run(settings, args) == 0
    args = argparse.Namespace(username=ADMIN, password=ADMIN_PASSWORD, organisation=None)
    assert admin_cli.run(settings, args) == 0


def ok(r: httpx.Response) -> Any:
    assert r.status_code in (200, 201), f"{r.request.method} {r.request.url}: {r.text}"
    return r.json()


def node(command: str, env: dict[str, str], timeout: float = 60) -> dict[str, Any]:
    done = subprocess.run(
        [str(NODE), "consumer.mjs", command],
        cwd=EXAMPLE,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, f"node printed nothing: {done.stderr}"
    summary: dict[str, Any] = json.loads(lines[-1])
    summary["exit"] = done.returncode
    summary["stderr"] = done.stderr
    return summary


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def test_the_node_reference_consumer_catches_up_validates_and_verifies(
    amqp_url: str, tmp_path: Path
) -> None:
    assert NODE is not None, "Node.js is missing: install the Debian package nodejs (node ≥ 20)"
    common = {
        "CHIBO_MODE": "development",
        "REGISTRY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/registry.db",
        "REGISTRY_AMQP_URL": amqp_url,
        "REGISTRY_OUTBOX_POLL_SECONDS": "0.2",
        "NOTIFICATIONS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/notifications.db",
        "NOTIFICATIONS_AMQP_URL": amqp_url,
        "NOTIFICATIONS_WEBHOOK_ALLOW_INSECURE": "true",
    }
    bootstrap(common["REGISTRY_DATABASE_URL"], tmp_path)
    registry = ServiceProcess("registry", free_port(), env=common, log_path=tmp_path / "r.log")
    notifications: ServiceProcess | None = None
    try:
        registry.start()
        registry.wait_ready(90)
        reg = registry.url
        r = httpx.post(
            f"{reg}/v1/auth/token",
            json={"grant_type": "password", "username": ADMIN, "password": ADMIN_PASSWORD},
        )
        admin = {"Authorization": f"Bearer {ok(r)['access_token']}"}
        with httpx.Client(headers=admin, timeout=30) as client:
            province = ok(client.get(f"{reg}/v1/organisations?limit=10"))["items"][0]["id"]

            def new_client(kind: str, roles: list[str]) -> dict[str, str]:
                body = {"name": f"{kind} {uuid.uuid4().hex[:6]}", "kind": kind}
                body |= {"organisation_id": province, "roles": roles}
                return ok(client.post(f"{reg}/v1/clients", json=body))  # type: ignore[no-any-return]

            service = new_client("service", ["service"])
            agency = new_client("agency", ["reader"])
            notifications = ServiceProcess(
                "notifications",
                free_port(),
                env={
                    **common,
                    "NOTIFICATIONS_REGISTRY_URL": reg,
                    "NOTIFICATIONS_CLIENT_ID": service["client_id"],
                    "NOTIFICATIONS_CLIENT_SECRET": service["client_secret"],
                },
                log_path=tmp_path / "n.log",
            )
            notifications.start()
            notifications.wait_ready(90)  # its queues and the public stream exist from now on
            # It joined after the province was registered: what an operator runs then
            # (`python -m notifications replica-backfill`, here in this process).
            settings = NotificationsSettings(
                database_url=common["NOTIFICATIONS_DATABASE_URL"],
                amqp_url=amqp_url,  # type: ignore[arg-type]
                registry_url=reg,
                client_id=service["client_id"],
                client_secret=service["client_secret"],  # type: ignore[arg-type]
            )
            _, configure, run = backfill.command(build_app)
            parser = argparse.ArgumentParser()
            configure(parser)
            assert run(settings, parser.parse_args([])) == 0

            ok(
                client.post(
                    f"{reg}/v1/imports/organisations",
                    content=ORGS.encode(),
                    headers={"Content-Type": "text/csv"},
                )
            )
            orgs = {
                o["code"]: o["id"]
                for o in ok(client.get(f"{reg}/v1/organisations?limit=200"))["items"]
            }
            a, b = f"{PROVINCE_CODE}.A", f"{PROVINCE_CODE}.B"
            for code in (f"{a}.1", f"{b}.1"):
                ok(
                    client.post(
                        f"{reg}/v1/organisations/{orgs[code]}/rename",
                        json={"name": f"Chi bộ {code} (mới)", "on": "2024-01-01"},
                        headers={"Idempotency-Key": str(uuid.uuid4())},
                    )
                )
            notify = notifications.url
            created = client.post(
                f"{notify}/v1/agencies",
                json={
                    "name": "ubkt-xa-mot",
                    "client_id": agency["client_id"],
                    "channel": "amqp",
                    "patterns": ["registry.organisation.#"],
                    "organisation_ids": [orgs[a]],
                },
            )
            assert created.status_code == 201, created.text

        ours = {orgs[a], orgs[f"{a}.1"], orgs[f"{a}.2"]}
        expected = 4  # commune A and its two branches registered, one branch renamed
        env = {
            "CHIBO_NOTIFICATIONS_URL": notify,
            "CHIBO_TOKEN_URL": f"{reg}/v1/auth/token",
            "CHIBO_CLIENT_ID": agency["client_id"],
            "CHIBO_CLIENT_SECRET": agency["client_secret"],
            "CHIBO_STATE_DIR": str(tmp_path / "state"),
            "CHIBO_OUT": str(tmp_path / "events.jsonl"),
        }
        deadline = time.monotonic() + 60
        handled: list[dict[str, Any]] = []
        runs = []
        while time.monotonic() < deadline:  # the replica and stream fill as events arrive
            summary = node("catch-up", env)
            runs.append(summary)
            assert summary["exit"] == 0, summary
            assert summary["invalid"] == [], summary  # every event valid against its schema
            out = tmp_path / "events.jsonl"
            handled = [json.loads(x) for x in out.read_text().splitlines()] if out.exists() else []
            if len(handled) >= expected:
                break
            time.sleep(0.5)
        assert {h["type"] for h in handled} == {
            "vn.chibo.registry.organisation.registered.v1",
            "vn.chibo.registry.organisation.renamed.v1",
        }
        assert {h["data"]["organisation_id"] for h in handled} == ours  # none from commune B
        assert len(handled) == expected and len({h["id"] for h in handled}) == expected

        again = node("catch-up", env)  # from its stored cursor: nothing new, nothing twice
        assert again["exit"] == 0 and again["handled"] == 0, again
        assert again["cursor"] == runs[-1]["cursor"]

        # The same consumer as a webhook receiver, against notifications' own signer.
        secret, port = new_secret(), free_port()
        receiver = subprocess.Popen(
            [str(NODE), "consumer.mjs", "serve-webhooks"],
            cwd=EXAMPLE,
            env={
                "PATH": os.environ.get("PATH", ""),
                **env,
                "CHIBO_WEBHOOK_SECRETS": secret,
                "CHIBO_PORT": str(port),
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_for_port(port)
            url = f"http://127.0.0.1:{port}/"
            first = (tmp_path / "events.jsonl").read_text().splitlines()[0]
            known = json.loads(first)
            body = ok(httpx.get(f"{notify}/v1/agency-feed", headers=_token(reg, agency)))
            event = next(i for i in body["items"] if i["id"] == known["id"])
            raw = json.dumps(event).encode()

            def post(body: bytes, delivery: str, tamper: bool = False) -> int:
                job = Job(
                    delivery_id=delivery,
                    channel="webhook",
                    recipient="agency:ubkt-xa-mot",
                    contact_point_id="cp-1",
                    target=url,
                    subject="",
                    body=body.decode(),
                    secrets=(secret,),
                )
                headers = signed_headers(job, int(time.time()))
                sent = body + (b" " if tamper else b"")
                return httpx.post(url, content=sent, headers=headers).status_code

            assert post(raw, "d-1") == 204  # authentic; already handled from the feed
            assert post(raw, "d-1") == 204  # a replay of the same delivery: ignored, 2xx
            assert post(raw, "d-2", tamper=True) == 401  # the body changed after signing
            fresh = {**event, "id": str(uuid.uuid4()), "data": {**event["data"], "name": "X"}}
            assert post(json.dumps(fresh).encode(), "d-3") == 204
            invalid = {**fresh, "id": str(uuid.uuid4()), "data": {"kind": 7}}
            assert post(json.dumps(invalid).encode(), "d-4") == 422  # not valid for its schema
        finally:
            receiver.terminate()
            receiver.wait(10)
        lines = (tmp_path / "events.jsonl").read_text().splitlines()
        assert [json.loads(x)["via"] for x in lines[expected:]] == ["webhook"]
    finally:
        if notifications is not None:
            notifications.stop()
        registry.stop()


def _token(registry_url: str, agency: dict[str, str]) -> dict[str, str]:
    form = {"grant_type": "client_credentials"}
    form |= {"client_id": agency["client_id"], "client_secret": agency["client_secret"]}
    r = httpx.post(f"{registry_url}/v1/auth/token", data=form)
    return {"Authorization": f"Bearer {ok(r)['access_token']}"}
