"""Every registry write leaves one audit entry in its own transaction: who, what, when, before
and after; a refused write leaves none; a replayed Idempotency-Key adds none."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from registry_factories import Registry, province_with_district

from registry.audit.models import AuditEntry


async def entries(api: Registry, entity_id: str | None = None) -> list[AuditEntry]:
    async with api.runtime.db.session() as session:
        stmt = sa.select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
        if entity_id:
            stmt = stmt.where(AuditEntry.entity_id == entity_id)
        return list((await session.execute(stmt)).scalars())


async def test_a_move_is_audited_with_before_and_after(api: Registry) -> None:
    t = await province_with_district(api)
    created = await entries(api, t["dh"]["id"])
    assert [(e.action, e.entity, e.before) for e in created] == [
        ("POST /v1/organisations", "organisation", None)
    ]
    assert created[0].after is not None and created[0].after["code"] == t["dh"]["code"]
    assert created[0].actor.startswith("user:")

    body: dict[str, Any] = {"parent_id": t["ts"]["id"], "on": "2026-01-01"}
    key = {"Idempotency-Key": "move-dh"}
    first = await api.client.post(f"/v1/organisations/{t['dh']['id']}/move", json=body, headers=key)
    assert first.status_code == 200, first.text
    again = await api.client.post(f"/v1/organisations/{t['dh']['id']}/move", json=body, headers=key)
    assert again.status_code == 200  # the replay answers from the stored response
    refused = await api.client.post(
        f"/v1/organisations/{t['dh']['id']}/move",
        json={"parent_id": "no-such-org", "on": "2026-02-01"},
        headers={"Idempotency-Key": "move-bad"},
    )
    assert refused.status_code in (404, 422)

    moves = [e for e in await entries(api, t["dh"]["id"]) if e.action.endswith("/move")]
    assert len(moves) == 1  # once: not for the replay, not for the refusal
    move = moves[0]
    assert move.action == "POST /v1/organisations/{organisation_id}/move"
    assert move.entity == "organisation"
    assert move.before is not None and move.before["parent_id"] == t["tl"]["id"]
    assert move.after is not None and move.after["parent_id"] == t["ts"]["id"]

    log = await api.get("/v1/audit-entries", entity_id=t["dh"]["id"])
    assert [e["action"] for e in log["items"]] == [
        "POST /v1/organisations",
        "POST /v1/organisations/{organisation_id}/move",
    ]


async def test_an_import_is_one_audit_entry_and_a_refused_one_none(api: Registry) -> None:
    header = "Mã tổ chức,Tên,Loại,Mã cấp trên,Ngày hiệu lực\n"
    good = (
        header + "T,Tỉnh ủy Thử,Tỉnh ủy,,2020-01-01\nT.X,Đảng bộ xã Một,Đảng bộ xã,T,2020-01-01\n"
    )
    bad = header + "U,Tỉnh ủy Khác,Tỉnh ủy,,2020-01-01\nU.X,Xã,Không rõ,U,2020-01-01\n"

    async def send(text: str) -> int:
        r = await api.client.post(
            "/v1/imports/organisations",
            content=text.encode(),
            headers={"Content-Type": "text/csv", "Idempotency-Key": text[-12:]},
        )
        return r.status_code

    assert await send(bad) == 422
    assert [e for e in await entries(api) if e.entity == "import"] == []
    assert await send(good) in (200, 201)
    imports = [e for e in await entries(api) if e.entity == "import"]
    assert len(imports) == 1
    assert imports[0].action == "import organisations" and imports[0].actor.startswith("user:")
    assert imports[0].after == {"rows": 2, "created": ["T", "T.X"], "unchanged": 0}
