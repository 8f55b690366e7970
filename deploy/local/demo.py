"""The demo `make run` loads: Bình Phú commune (Tuyên Quang), its ten branches and 184 members
from the registry's own generator, a month of meetings with their real rolls, a few requests to
the commune, and a mailbox for each branch secretary (mails land in the local SMTP sink).

The province goes live on the first day of that month (its go-live date, inherited by the whole
tree): no detector, roll-up or reminder judges the months before it, so the demo shows no
warning for a period in which nobody could have logged anything.

Everything is idempotent (codes and Idempotency-Keys), so loading twice changes nothing.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date, timedelta
from typing import Any

import httpx

SCALE, PROVINCE_CODE = "binh-phu", "TQ"
ADMIN, ADMIN_PASSWORD = "quantri", "demo-Chibo-2026"  # a demo account, printed at start-up
COMMUNE_USER, SECRETARY_USER, SCOPED_PASSWORD = "vanphong-xa", "bithu-chibo", "demo-Chibo-2026"
STEPS = [
    "purpose_and_guests",
    "minute_taker",
    "attendance_announced",
    "agenda_approved",
    "news_and_documents",
    "ideological_situation",
    "resolution_review",
    "self_criticism",
    "next_month_tasks",
    "chair_conclusion",
    "vote",
    "tasks_assigned",
    "minutes_approved",
    "prep_meeting",
    "notice_sent",
]
# Events from the registry reach the meetings replica in a moment; until then meetings answers
# 422 with one of these codes. Wait for it, bounded.
REPLICA_LAG = {"request-invalid", "meeting-invalid"}


def _post(client: httpx.Client, url: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        response = client.post(url, json=body, headers={"Idempotency-Key": key})
        if response.status_code in (200, 201):
            return dict(response.json())
        lagging = response.status_code == 422 and response.json().get("code") in REPLICA_LAG
        if not lagging or time.monotonic() > deadline:
            raise RuntimeError(f"{url}: {response.status_code} {response.text}")
        time.sleep(0.5)


def _all(client: httpx.Client, url: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = client.get(url, params={"limit": 200, **({"cursor": cursor} if cursor else {})})
        page.raise_for_status()
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return items


def go_live(client: httpx.Client, urls: dict[str, str], province: dict[str, Any], on: date) -> None:
    """The province's go-live date, then wait (bounded) until scoring's replica has it, so that
    no sweep judges the demo's meetings against a tree without it."""
    _post(
        client,
        f"{urls['registry']}/v1/organisations/{province['id']}/go-live",
        f"demo-go-live-{on}",
        {"go_live_on": on.isoformat()},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        view = client.get(f"{urls['scoring']}/v1/organisations/{province['id']}/roll-out")
        if view.status_code == 200 and view.json()["planned_anywhere"]:
            return
        time.sleep(0.5)
    raise RuntimeError("scoring did not receive the demo's go-live date within a minute")


def last_month_day(day: int) -> date:
    first = date.today().replace(day=1)
    return (first - timedelta(days=1)).replace(day=day)


def roll_for(roster: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    roll = []
    for i, member in enumerate(roster):
        entry: dict[str, Any] = {
            "member_id": member["member_id"],
            "attendance": "present",
            "probationary": member["status"] == "probationary",
        }
        if member["status"] == "exempt":
            entry["attendance"] = "exempt"
        elif i == 1:
            entry.update(attendance="excused", reason="Đi làm ăn xa")
        elif i == 2 and n % 4 == 0:
            entry["attendance"] = "unexcused"
        roll.append(entry)
    return roll


def load_demo(urls: dict[str, str]) -> str:
    generated = subprocess.run(
        [sys.executable, "-m", "registry", "demo", "--seed", "1", "--scale", SCALE],
        capture_output=True,
        text=True,
    )
    if generated.returncode != 0:
        raise RuntimeError(f"registry demo: {generated.stderr[-2000:]}")
    registry, meetings = urls["registry"], urls["meetings"]
    # The first province admin; on a second run it exists already, which the login below proves.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "registry",
            "create-admin",
            "--username",
            ADMIN,
            "--password",
            ADMIN_PASSWORD,
            "--organisation",
            PROVINCE_CODE,
        ],
        capture_output=True,
        text=True,
    )
    with httpx.Client(timeout=30) as client:
        login = client.post(
            f"{registry}/v1/auth/token",
            json={"grant_type": "password", "username": ADMIN, "password": ADMIN_PASSWORD},
        )
        if login.status_code != 200:
            raise RuntimeError(f"demo admin cannot sign in: {login.status_code} {login.text}")
        # Every service verifies the registry's token: one header for all the calls below.
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        orgs = _all(client, f"{registry}/v1/organisations")
        province = next(o for o in orgs if o["code"] == PROVINCE_CODE)
        held = last_month_day(3)
        go_live(client, urls, province, held.replace(day=1))
        tree = _all(client, f"{registry}/v1/organisations/{province['id']}/subtree?on={held}")
        commune = next(o for o in tree if o["kind"] == "commune")
        branches = [o for o in tree if o["kind"] in ("grassroots_branch", "affiliated_branch")]
        # Two scoped accounts, to see subtree scope at work: the commune sees its branches,
        # the secretary only their own branch (403 elsewhere).
        scoped = [
            (COMMUNE_USER, "Văn phòng Đảng ủy xã", commune, ["officer"]),
            (SECRETARY_USER, f"Bí thư {branches[0]['name']}", branches[0], ["secretary"]),
        ]
        for username, display, org, roles in scoped:
            user = client.post(
                f"{registry}/v1/users",
                json={
                    "username": username,
                    "display_name": display,
                    "password": SCOPED_PASSWORD,
                    "staff_role": display,
                    "organisation_id": org["id"],
                    "roles": roles,
                },
            )
            if user.status_code not in (201, 409):
                raise RuntimeError(f"demo user {username}: {user.status_code} {user.text}")
        for branch in branches:
            code = branch["code"].lower().replace(".", "-")
            contact = client.post(
                f"{urls['notifications']}/v1/contact-points",
                json={
                    "address": f"branch-secretary:{branch['id']}",
                    "channel": "email",
                    "target": f"bi-thu.{code}@demo.chibo.vn",
                },
            )
            if contact.status_code not in (201, 409):
                raise RuntimeError(f"contact point: {contact.status_code} {contact.text}")
        requests = 0
        for n, branch in enumerate(branches):
            roster = _all(client, f"{registry}/v1/organisations/{branch['id']}/roster?on={held}")
            roll = roll_for(roster, n)
            present = [e["member_id"] for e in roll if e["attendance"] == "present"]
            raised = (
                []
                if n % 3
                else [
                    {
                        "subject": "Sửa đường bê tông liên thôn",
                        "text": f"Đường của {branch['name']} hỏng 300 m, xin xã hỗ trợ.",
                        "addressee_id": commune["id"],
                        "category": "ha_tang",
                    }
                ]
            )
            requests += len(raised)
            _post(
                client,
                f"{meetings}/v1/meetings",
                f"demo-{branch['code']}-{held}",
                {
                    "branch_id": branch["id"],
                    "meeting_type": "regular",
                    "held_on": held.isoformat(),
                    "started_at": f"{held}T19:30:00+07:00",
                    "ended_at": f"{held}T{21 if n % 3 else 20}:{'10' if n % 3 else '30'}:00+07:00",
                    "place": f"Nhà văn hóa {branch['name'].removeprefix('Chi bộ ')}",
                    "roll": roll,
                    "speaker_ids": present[: len(present) // 2 + n % 3],
                    "agenda_steps_completed": STEPS[: 11 + n % 5],
                    "previous_action_items_total": 5,
                    "previous_action_items_done_on_time": 5 - n % 3,
                    "resolution_voted": True,
                    "self_score": {"C3": 2, "C4": 15, "C5": 4},
                    "action_items": [{"title": "Vận động hộ nghèo vay vốn", "due_on": None}],
                    "requests_raised": raised,
                },
            )
    return (
        f"{province['name']}: đưa vào sử dụng từ {held.replace(day=1):%d/%m/%Y}\n  "
        f"{province['name']} › {commune['name']}: {len(branches)} chi bộ, "
        f"{len(branches)} biên bản họp ngày {held:%d/%m/%Y}, {requests} kiến nghị gửi xã\n"
        f"  Tài khoản mẫu: {ADMIN} / {ADMIN_PASSWORD} (cấp tỉnh, xem tất cả); "
        f"{COMMUNE_USER} / {SCOPED_PASSWORD} ({commune['name']}); "
        f"{SECRETARY_USER} / {SCOPED_PASSWORD} ({branches[0]['name']})"
    )
