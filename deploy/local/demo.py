"""A small demo for `make run`: Bình Phú commune's ten branches and a month of meetings.

Every call carries an Idempotency-Key derived from the data, so loading twice changes nothing.
(The full demo-province generator, at district and province scale, belongs to the registry.)
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import httpx

VILLAGES = [
    "Đông Hà",
    "Tây Hà",
    "Bắc Sơn",
    "Nam Sơn",
    "Phú Mỹ",
    "Phú Lộc",
    "An Bình",
    "An Lạc",
    "Tân Hòa",
    "Tân Phú",
]


def _post(client: httpx.Client, url: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
    # The meetings service learns of new organisations through events: until its replica has
    # the addressee of a request, it answers 422 "request-invalid"; wait for it (bounded).
    deadline = time.monotonic() + 30
    while True:
        response = client.post(url, json=body, headers={"Idempotency-Key": key})
        if response.status_code in (200, 201):
            return dict(response.json())
        lag = response.status_code == 422 and response.json().get("code") == "request-invalid"
        if not lag or time.monotonic() > deadline:
            raise RuntimeError(f"{url}: {response.status_code} {response.text}")
        time.sleep(0.3)


def last_month_day(day: int) -> date:
    first = date.today().replace(day=1)
    return (first - timedelta(days=1)).replace(day=day)


def load_demo(urls: dict[str, str]) -> str:
    with httpx.Client(timeout=30) as client:
        reg = urls["registry"] + "/v1/organisations"
        province = _post(
            client,
            reg,
            "demo-org-HT",
            {
                "code": "HT",
                "name": "Tỉnh ủy Hà Tĩnh",
                "kind": "province",
                "valid_from": "2025-07-01",
            },
        )
        commune = _post(
            client,
            reg,
            "demo-org-HT.BP",
            {
                "code": "HT.BP",
                "name": "Đảng bộ xã Bình Phú",
                "kind": "commune",
                "parent_id": province["id"],
                "valid_from": "2025-07-01",
            },
        )
        branches = [
            _post(
                client,
                reg,
                f"demo-org-HT.BP.{i:02d}",
                {
                    "code": f"HT.BP.{i:02d}",
                    "name": f"Chi bộ thôn {village}",
                    "kind": "grassroots_branch",
                    "parent_id": commune["id"],
                    "valid_from": "2025-07-01",
                },
            )
            for i, village in enumerate(VILLAGES, start=1)
        ]
        for branch in branches:  # the secretaries' mailboxes: mails land in the local SMTP sink
            code = branch["code"].lower().replace(".", "-")
            contact = client.post(
                urls["notifications"] + "/v1/contact-points",
                json={
                    "address": f"branch-secretary:{branch['id']}",
                    "channel": "email",
                    "target": f"bi-thu.{code}@demo.chibo.vn",
                },
            )
            if contact.status_code not in (201, 409):
                raise RuntimeError(f"contact point: {contact.status_code} {contact.text}")
        held = last_month_day(3)
        for n, branch in enumerate(branches):
            members = 14 + n
            roll = [
                {"member_id": f"{branch['code']}-m{i:02d}", "attendance": "present"}
                for i in range(members - 2)
            ]
            roll.append(
                {
                    "member_id": f"{branch['code']}-m{members - 2:02d}",
                    "attendance": "excused",
                    "reason": "Đi làm ăn xa",
                }
            )
            roll.append(
                {
                    "member_id": f"{branch['code']}-m{members - 1:02d}",
                    "attendance": "unexcused" if n % 4 == 0 else "present",
                }
            )
            _post(
                client,
                urls["meetings"] + "/v1/meetings",
                f"demo-meeting-{branch['code']}-{held}",
                {
                    "branch_id": branch["id"],
                    "meeting_type": "regular",
                    "held_on": held.isoformat(),
                    "started_at": f"{held}T19:30:00+07:00",
                    "ended_at": f"{held}T{21 if n % 3 else 20}:{'10' if n % 3 else '30'}:00+07:00",
                    "place": f"Nhà văn hóa thôn {VILLAGES[n]}",
                    "roll": roll,
                    "speaker_ids": [r["member_id"] for r in roll[: members // 2 + n % 3]],
                    "agenda_steps_completed": [
                        "purpose_and_guests",
                        "minute_taker",
                        "attendance_announced",
                        "agenda_approved",
                        "news_and_documents",
                        "resolution_review",
                        "vote",
                        "tasks_assigned",
                        "minutes_approved",
                    ],
                    "previous_action_items_total": 5,
                    "previous_action_items_done_on_time": 5 - n % 3,
                    "resolution_voted": True,
                    "self_score": {"C3": 2, "C4": 15, "C5": 4},
                    "requests_raised": []
                    if n % 3
                    else [
                        {
                            "subject": "Sửa đường bê tông liên thôn",
                            "text": f"Đường thôn {VILLAGES[n]} hỏng 300 m, đề nghị xã hỗ trợ.",
                            "addressee_id": commune["id"],
                            "category": "ha_tang",
                        }
                    ],
                },
            )
    return (
        f"{province['name']} › {commune['name']}: {len(branches)} chi bộ, "
        f"{len(branches)} biên bản họp ngày {held:%d/%m/%Y}, 4 kiến nghị gửi xã"
    )
