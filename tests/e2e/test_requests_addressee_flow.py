"""End to end with real processes: a village branch raises a request to a provincial department
outside its chain; the department's officer sees it and forwards it once to the competent
department, whose officer answers it; the branch's secretary reads the answer in the next
meeting's pre-fill; the month's consolidation counts it for each department (#13)."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from chibo_stack import ADMIN_PASSWORD, PROVINCE_CODE, sign_in, stack, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "meetings" / "tests"))
from meetings_factories import request, submission

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def register(client: httpx.Client, registry: str, code: str, kind: str, parent: str) -> str:
    r = client.post(
        f"{registry}/v1/organisations",
        headers={"Idempotency-Key": f"org-{code}"},
        json={
            "code": code,
            "name": f"Tổ chức {code}",
            "kind": kind,
            "parent_id": parent,
            "valid_from": "2025-07-01",
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def account(
    client: httpx.Client, registry: str, username: str, org: str, role: str
) -> dict[str, str]:
    r = client.post(
        f"{registry}/v1/users",
        json={
            "username": username,
            "display_name": username,
            "password": ADMIN_PASSWORD,
            "staff_role": "Cán bộ",
            "organisation_id": org,
            "roles": [role],
        },
    )
    assert r.status_code == 201, r.text
    token = httpx.post(
        f"{registry}/v1/auth/token",
        json={"grant_type": "password", "username": username, "password": ADMIN_PASSWORD},
        timeout=10,
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_a_department_outside_the_chain_answers_a_village_branch(
    amqp_url: str, tmp_path: Path
) -> None:
    with (
        stack(amqp_url, tmp_path, names=("registry", "meetings")) as svc,
        httpx.Client(timeout=10) as client,
    ):
        registry, meetings = svc["registry"].url, svc["meetings"].url
        client.headers.update(sign_in(svc))
        orgs = client.get(f"{registry}/v1/organisations").json()["items"]
        province = next(o["id"] for o in orgs if o["code"] == PROVINCE_CODE)
        commune = register(client, registry, "E2E.XA", "commune", province)
        village = register(client, registry, "E2E.XA.01", "affiliated_branch", commune)
        transport = register(client, registry, "E2E.SGT", "sectoral", province)
        construction = register(client, registry, "E2E.SXD", "sectoral", province)
        transport_officer = account(client, registry, "sgt.vanphong", transport, "officer")
        construction_officer = account(client, registry, "sxd.vanphong", construction, "officer")
        secretary = account(client, registry, "bithu.thon", village, "secretary")

        now = datetime.now(timezone(timedelta(hours=7)))
        start = now - timedelta(hours=3)
        body = submission(
            branch_id=village,
            held_on=start.date().isoformat(),
            started_at=start.isoformat(),
            ended_at=(start + timedelta(hours=2)).isoformat(),
            requests_raised=[
                request(
                    transport,
                    subject="Nhà văn hóa thôn xuống cấp",
                    text="Mái nhà văn hóa thôn dột, đề nghị hỗ trợ sửa chữa.",
                )
            ],
        )
        # The replica learns the tree through events: until then, a clear 422.
        wait_for(
            lambda: client.post(
                f"{meetings}/v1/meetings", json=body, headers={"Idempotency-Key": "e2e-dept"}
            ),
            lambda r: r.status_code == 201,
            what="replica caught up",
        )

        # The department asked sees it, although the village is not under it.
        seen = wait_for(
            lambda: client.get(f"{meetings}/v1/requests", headers=transport_officer).json(),
            lambda page: len(page.get("items", [])) == 1,
            what="the department's officer sees the request",
        )
        (raised,) = seen["items"]
        assert raised["branch_id"] == village and raised["addressee_id"] == transport
        assert (
            client.get(f"{meetings}/v1/requests", headers=construction_officer).json()["items"]
            == []
        )
        url = f"{meetings}/v1/requests/{raised['id']}/actions"
        # Not the competent body: forwarded once, with the trail.
        forwarded = client.post(
            url,
            headers=transport_officer,
            json={
                "action": "forward",
                "text": "Thuộc thẩm quyền Sở Xây dựng.",
                "forward_to_id": construction,
            },
        )
        assert forwarded.status_code == 200, forwarded.text
        trail = next(t for t in forwarded.json()["timeline"] if t["kind"] == "forward")
        assert trail["details"]["from_organisation_id"] == transport
        assert trail["details"]["to_organisation_id"] == construction
        # The first department can no longer answer it; the competent one does.
        late_hand = client.post(
            url, headers=transport_officer, json={"action": "answer", "text": "x"}
        )
        assert late_hand.status_code == 403
        mine = client.get(f"{meetings}/v1/requests", headers=construction_officer).json()
        assert [r["id"] for r in mine["items"]] == [raised["id"]]
        answered = client.post(
            url,
            headers=construction_officer,
            json={"action": "answer", "text": "Sở bố trí kinh phí sửa mái trong quý tới."},
        )
        assert answered.status_code == 200, answered.text

        # The branch's secretary reads the answer at the next meeting.
        prefill = client.get(f"{meetings}/v1/branches/{village}/next-meeting", headers=secretary)
        assert prefill.status_code == 200, prefill.text
        received = prefill.json()["answers_received"]
        assert [(r["id"], r["answer"]) for r in received] == [
            (raised["id"], "Sở bố trí kinh phí sửa mái trong quý tới.")
        ]

        # The month, per addressee and level.
        month = client.get(
            f"{meetings}/v1/requests/consolidation",
            params={"organisation_id": province, "month": now.strftime("%Y-%m")},
        )
        assert month.status_code == 200, month.text
        lines = {line["organisation_id"]: line for line in month.json()["lines"]}
        assert set(lines) == {transport, construction}
        t, c = lines[transport], lines[construction]
        assert (t["level"], t["raised"], t["forwarded"], t["answered"]) == ("sectoral", 1, 1, 0)
        assert (c["received_by_forward"], c["answered"], c["answered_late"]) == (1, 1, 0)
        assert c["overdue"] == 0 and c["median_days_to_answer"] == 0.0
        (sectoral,) = month.json()["by_level"]
        assert (sectoral["raised"], sectoral["forwarded"], sectoral["answered"]) == (1, 1, 1)
        xlsx = client.get(
            f"{meetings}/v1/requests/consolidation",
            params={"organisation_id": province, "month": now.strftime("%Y-%m"), "format": "xlsx"},
        )
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        # The department's officer sees its own line.
        own = client.get(
            f"{meetings}/v1/requests/consolidation",
            params={"organisation_id": construction, "month": now.strftime("%Y-%m")},
            headers=construction_officer,
        )
        assert [line["organisation_id"] for line in own.json()["lines"]] == [construction]
