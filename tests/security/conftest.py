"""Attack tests: the four services as real processes (one stack for the whole set, on a broker
vhost of its own) and the small province of `tests/e2e/province.py`, with one account per role
an attacker could hold: each test is one attack, tried as that account would try it.

Accounts (password `PASSWORD`): `bithu.a` secretary of branch A (and its member), `bithu.b`
secretary of branch B, `quansat` the commune committee member assigned to observe A, `vanphong`
the commune's office, `docgia` a read-only account at the commune, `dangvien` a plain member of A,
`bithu.c` secretary of branch C in another commune; `agency_headers()` an agency's client token.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from chibo_stack import sign_in, stack
from province import (
    BRANCH_A,
    COMMUNE,
    World,
    add_accounts,
    build,
    last_month,
    meeting_body,
    submit_until_replica,
)

from chibo_testing.servers import get_broker
from service_kit.processes import ServiceProcess

OTHER_COMMUNE, BRANCH_C = "E2E.XB", "E2E.XB.C"

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@dataclass
class Province:
    """The running stack and the province written into it."""

    world: World
    procs: dict[str, ServiceProcess]
    workdir: Path
    agency: dict[str, str] = field(default_factory=dict)  # client_id, client_secret

    def url(self, service: str) -> str:
        return self.procs[service].url

    def headers_of(self, username: str) -> dict[str, str]:
        return self.world.headers_of(username)

    @property
    def admin(self) -> dict[str, str]:
        return self.world.admin_headers

    def agency_headers(self, audience: str | None = None) -> dict[str, str]:
        form = {"grant_type": "client_credentials", **self.agency}
        if audience:
            form["audience"] = audience
        r = httpx.post(f"{self.url('registry')}/v1/auth/token", data=form, timeout=10)
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def id(self, code: str) -> str:
        return self.world.ids[code]

    def log(self, service: str) -> str:
        return (self.workdir / f"{service}.log").read_text(encoding="utf-8", errors="replace")


def _ok(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code in (200, 201), f"{r.request.method} {r.request.url}: {r.text}"
    body: dict[str, Any] = r.json()
    return body


def _extend(p: Province) -> None:
    """A second commune with branch C and its secretary, a reader, a plain member, an agency."""
    reg, w = p.url("registry"), p.world
    with httpx.Client(timeout=30, headers=p.admin) as client:
        _ok(
            client.post(
                f"{reg}/v1/imports/organisations",
                content=(
                    "Mã tổ chức,Tên,Loại,Mã cấp trên,Ngày hiệu lực,Loại hình,Ngày sinh hoạt\n"
                    f"{OTHER_COMMUNE},Đảng bộ xã Bên Cạnh,đảng bộ xã,E2E,2020-01-01,,\n"
                    f"{BRANCH_C},Chi bộ thôn Bắc,chi bộ trực thuộc,{OTHER_COMMUNE},"
                    "2020-01-01,thôn,1-28\n"
                ).encode(),
                headers={"Content-Type": "text/csv"},
            )
        )
        orgs = {o["code"]: o for o in _ok(client.get(f"{reg}/v1/organisations?limit=200"))["items"]}
        w.ids |= {code: orgs[code]["id"] for code in (OTHER_COMMUNE, BRANCH_C)}
        members = []
        for i, name in enumerate(["Lý Văn Mạnh", "Hà Thị Nga", "Tạ Văn Oanh"]):
            members.append(
                _ok(
                    client.post(
                        f"{reg}/v1/members",
                        json={
                            "full_name": name,
                            "branch_id": w.ids[BRANCH_C],
                            "status": "full",
                            "admitted_on": f"2020-0{i + 2}-10",
                            "full_member_on": f"2021-0{i + 2}-10",
                            "joined_on": f"2020-0{i + 2}-10",
                        },
                        headers={"Idempotency-Key": str(uuid.uuid4())},
                    )
                )
            )
        w.members[BRANCH_C] = [
            {"member_id": m["id"], "full_name": m["full_name"], "status": "full"} for m in members
        ]
        plain = w.members[BRANCH_A][-1]["member_id"]
        accounts = [
            ("bithu.c", {"staff_role": "Bí thư chi bộ thôn Bắc"}, BRANCH_C, ["secretary"]),
            ("docgia", {"staff_role": "Cán bộ theo dõi"}, COMMUNE, ["reader"]),
            ("dangvien", {"member_id": plain}, BRANCH_A, ["member"]),
        ]
        add_accounts(client, w, accounts)
        agency = _ok(
            client.post(
                f"{reg}/v1/clients",
                json={
                    "name": "Ủy ban kiểm tra tỉnh",
                    "kind": "agency",
                    "organisation_id": w.ids["E2E"],
                    "roles": ["reader"],
                },
            )
        )
        p.agency = {"client_id": agency["client_id"], "client_secret": agency["client_secret"]}
        # Branch C's meeting raises a request to its own commune: another commune's request.
        held = last_month(3, date.today())
        body = meeting_body(
            w.ids[BRANCH_C],
            w.members[BRANCH_C],
            held,
            [
                {
                    "subject": "Nước sạch cho thôn Bắc",
                    "text": "Đề nghị xã lắp đường ống nước sạch cho 40 hộ.",
                    "addressee_id": w.ids[OTHER_COMMUNE],
                }
            ],
        )
        submit_until_replica(client, p.url("meetings"), body)


@pytest.fixture(scope="session")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Province]:
    broker = get_broker()
    vhost = f"security-{uuid.uuid4().hex[:10]}"
    amqp_url = broker.new_vhost(vhost)
    workdir = tmp_path_factory.mktemp("security-stack")
    try:
        # The registry believes X-Forwarded-For from loopback, as from a proxy of its own: an
        # attack test can then come from an address of its own (test_edges.py's password spray)
        # without locking every other test's sign-ins out of 127.0.0.1.
        proxies = {"REGISTRY_TRUSTED_PROXIES": "127.0.0.1/32"}
        with stack(amqp_url, workdir, extra_env=proxies) as procs:
            urls = {name: proc.url for name, proc in procs.items()}
            world = build(urls, sign_in(procs), date.today())
            found = Province(world, procs, workdir)
            _extend(found)
            yield found
    finally:
        broker.delete_vhost(vhost)
