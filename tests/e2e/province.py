"""A small province for the browser and security tests, written through the registry's API as
an operator would: a commune with two branches and their members, a commune committee member
assigned to observe branch A, accounts for each role, and last month's meetings (so this month's
form has tasks to report on and the observer has a report to file)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

PASSWORD = "Thu-nghiem-2026"
COMMUNE, BRANCH_A, BRANCH_B = "E2E.XA", "E2E.XA.A", "E2E.XA.B"


@dataclass
class World:
    registry: str
    meetings: str
    scoring: str
    notifications: str
    portal: str
    admin_headers: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    portal_db: Path | None = None

    def headers_of(self, username: str) -> dict[str, str]:
        r = httpx.post(
            f"{self.registry}/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": PASSWORD},
            timeout=10,
        )
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


def last_month(day: int, today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=day)


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), f"{response.request.url}: {response.text}"
    body: dict[str, Any] = response.json()
    return body


def _csv(client: httpx.Client, url: str, kind: str, text: str) -> None:
    _ok(
        client.post(
            f"{url}/v1/imports/{kind}",
            content=text.encode(),
            headers={"Content-Type": "text/csv"},
        )
    )


Account = tuple[str, dict[str, str], str, list[str]]  # username, link, organisation code, roles


def add_accounts(client: httpx.Client, world: World, accounts: list[Account]) -> None:
    """Users with the common password, each linked to a member or a staff position."""
    for username, link, code, roles in accounts:
        _ok(
            client.post(
                f"{world.registry}/v1/users",
                json={
                    "username": username,
                    "display_name": username,
                    "password": PASSWORD,
                    "organisation_id": world.ids[code],
                    "roles": roles,
                    **link,
                },
            )
        )
        world.accounts[username] = code


def submit_until_replica(client: httpx.Client, url: str, body: dict[str, Any]) -> dict[str, Any]:
    """Meetings learns the tree and rosters from registry events: until then it answers 422."""
    key = f"world-{uuid.uuid4()}"
    deadline = time.monotonic() + 60
    while True:
        r = client.post(f"{url}/v1/meetings", json=body, headers={"Idempotency-Key": key})
        if r.status_code == 201:
            return dict(r.json())
        assert r.status_code == 422 and time.monotonic() < deadline, r.text
        time.sleep(0.3)


def meeting_body(
    branch_id: str, roster: list[dict[str, Any]], held: date, requests: list[dict[str, Any]]
) -> dict[str, Any]:
    present = [m["member_id"] for m in roster]
    return {
        "branch_id": branch_id,
        "held_on": held.isoformat(),
        "started_at": f"{held}T19:30:00+07:00",
        "ended_at": f"{held}T21:15:00+07:00",
        "place": "Nhà văn hóa thôn",
        "roll": [{"member_id": m, "attendance": "present"} for m in present],
        "speaker_ids": present[: len(present) // 2 + 1],
        "agenda_steps_completed": ["purpose_and_guests", "minute_taker", "vote"],
        "resolution_voted": True,
        "action_items": [
            {"title": "Vận động hộ nghèo vay vốn", "owner_member_id": present[0]},
            {"title": "Tu sửa nhà văn hóa thôn", "owner_member_id": present[1]},
        ],
        "requests_raised": requests,
        "self_score": {"C3": 2, "C4": 15, "C5": 4},
    }


def build(urls: dict[str, str], admin_headers: dict[str, str], today: date) -> World:
    world = World(
        registry=urls["registry"],
        meetings=urls["meetings"],
        scoring=urls["scoring"],
        notifications=urls["notifications"],
        portal=urls.get("portal", ""),
        admin_headers=admin_headers,
    )
    reg = world.registry
    with httpx.Client(timeout=30, headers=admin_headers) as client:
        _csv(
            client,
            reg,
            "organisations",
            "Mã tổ chức,Tên,Loại,Mã cấp trên,Ngày hiệu lực,Loại hình,Ngày sinh hoạt\n"
            f"{COMMUNE},Đảng bộ xã Thử Nghiệm,đảng bộ xã,E2E,2020-01-01,,\n"
            f"{BRANCH_A},Chi bộ thôn Đông Hà,chi bộ trực thuộc,{COMMUNE},2020-01-01,thôn,1-28\n"
            f"{BRANCH_B},Chi bộ thôn Tây Sơn,chi bộ trực thuộc,{COMMUNE},2020-01-01,thôn,1-28\n",
        )
        names_a = [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Lê Văn Cường",
            "Phạm Thị Dung",
            "Hoàng Văn Em",
            "Vũ Thị Giang",
        ]
        names_b = ["Đỗ Văn Hải", "Bùi Thị Hoa", "Đặng Văn Khánh", "Ngô Thị Lan"]
        rows = ["Mã đảng viên,Họ và tên,Ngày vào Đảng,Ngày chính thức,Mã chi bộ"]
        for i, name in enumerate(names_a):
            rows.append(f"90.{100 + i},{name},2010-03-0{1 + i % 9},2011-03-0{1 + i % 9},{BRANCH_A}")
        for i, name in enumerate(names_b):
            rows.append(f"90.{200 + i},{name},2012-05-0{1 + i % 9},2013-05-0{1 + i % 9},{BRANCH_B}")
        _csv(client, reg, "members", "\n".join(rows) + "\n")
        orgs = {o["code"]: o for o in _ok(client.get(f"{reg}/v1/organisations?limit=200"))["items"]}
        world.ids = {code: orgs[code]["id"] for code in ("E2E", COMMUNE, BRANCH_A, BRANCH_B)}
        held = last_month(3, today)
        for code in (BRANCH_A, BRANCH_B):
            roster = _ok(
                client.get(f"{reg}/v1/organisations/{world.ids[code]}/roster?on={held}&limit=200")
            )["items"]
            world.members[code] = roster
        secretary_a = world.members[BRANCH_A][0]["member_id"]
        committee = world.members[BRANCH_B][0]["member_id"]
        for body in (
            {"member_id": secretary_a, "organisation_id": world.ids[BRANCH_A], "role": "secretary"},
            {
                "member_id": committee,
                "organisation_id": world.ids[COMMUNE],
                "role": "committee_member",
            },
        ):
            _ok(
                client.post(
                    f"{reg}/v1/role-assignments",
                    json={**body, "valid_from": "2020-01-01"},
                    headers={"Idempotency-Key": str(uuid.uuid4())},
                )
            )
        _ok(
            client.post(
                f"{reg}/v1/observer-assignments",
                json={
                    "member_id": committee,
                    "branch_id": world.ids[BRANCH_A],
                    "valid_from": "2020-01-01",
                },
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
        )
        accounts = [
            ("bithu.a", {"member_id": secretary_a}, BRANCH_A, ["secretary"]),
            ("bithu.b", {"staff_role": "Bí thư chi bộ Tây Sơn"}, BRANCH_B, ["secretary"]),
            ("quansat", {"member_id": committee}, COMMUNE, ["observer"]),
            ("vanphong", {"staff_role": "Văn phòng Đảng ủy xã"}, COMMUNE, ["officer"]),
        ]
        add_accounts(client, world, accounts)
        # A member admitted last: once meetings accepts a roll naming them, every registry
        # event before (the observer assignment included) has reached its replica.
        sentinel = _ok(
            client.post(
                f"{reg}/v1/members",
                json={
                    "full_name": "Mai Văn Phúc",
                    "branch_id": world.ids[BRANCH_B],
                    "status": "full",
                    "admitted_on": "2020-01-05",
                    "full_member_on": "2021-01-05",
                    "joined_on": "2020-01-05",
                },
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
        )
        world.members[BRANCH_B].append(
            {"member_id": sentinel["id"], "full_name": "Mai Văn Phúc", "status": "full"}
        )
        road = {
            "subject": "Sửa đường bê tông liên thôn",
            "text": "Đường liên thôn hỏng 300 m, đề nghị xã hỗ trợ sửa trước mùa mưa.",
            "addressee_id": world.ids[COMMUNE],
        }
        for code, raised in ((BRANCH_B, []), (BRANCH_A, [road])):
            submit_until_replica(
                client,
                world.meetings,
                meeting_body(world.ids[code], world.members[code], held, raised),
            )
    return world
