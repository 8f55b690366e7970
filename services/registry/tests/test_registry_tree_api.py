"""The organisation tree through the API: dated ancestors, subtree, merges, splits, dissolution."""

from __future__ import annotations

from registry_factories import Registry, province_with_district


async def test_2025_reform_district_dissolved_communes_under_province(api: Registry) -> None:
    t = await province_with_district(api)
    change = await api.post(
        f"/v1/organisations/{t['th']['id']}/dissolve", {"on": "2025-07-01"}, 200
    )
    assert sorted(change["moved_ids"]) == sorted([t["tl"]["id"], t["ts"]["id"]])
    assert change["ended_ids"] == [t["th"]["id"]]

    assert await api.ancestor_codes(t["dh"], "2025-06-30") == ["HT.TH.TL", "HT.TH", "HT"]
    assert await api.ancestor_codes(t["dh"], "2025-07-01") == ["HT.TH.TL", "HT"]
    before = await api.client.get(f"/v1/organisations/{t['dh']['id']}/ancestors?on=2019-12-31")
    assert before.status_code == 404
    gone = await api.client.get(f"/v1/organisations/{t['th']['id']}/ancestors?on=2025-07-01")
    assert gone.status_code == 404 and gone.json()["code"] == "organisation-not-in-force"

    old = await api.get(f"/v1/organisations/{t['ht']['id']}/subtree", on="2025-06-30")
    new = await api.get(f"/v1/organisations/{t['ht']['id']}/subtree", on="2025-07-01")
    assert [(n["code"], n["depth"]) for n in old["items"]][:2] == [("HT", 0), ("HT.TH", 1)]
    assert {n["code"]: n["depth"] for n in new["items"]} == {
        "HT": 0,
        "HT.TH.TL": 1,
        "HT.TH.TS": 1,
        "HT.TH.TL.01": 2,
        "HT.TH.TS.01": 2,
    }

    dissolved = await api.events("organisation.dissolved")
    assert [e["data"] for e in dissolved] == [
        {
            "aggregate_version": 2,
            "organisation_id": t["th"]["id"],
            "on": "2025-07-01",
            "children_moved_to_id": t["ht"]["id"],
        }
    ]
    moved = {
        e["data"]["organisation_id"]: e["data"] for e in await api.events("organisation.moved")
    }
    assert moved[t["tl"]["id"]] == {
        "aggregate_version": 2,
        "organisation_id": t["tl"]["id"],
        "from_parent_id": t["th"]["id"],
        "parent_id": t["ht"]["id"],
        "on": "2025-07-01",
        "reason": "dissolve",
    }


async def test_merge_keeps_old_ancestors_and_rosters_before_the_date(api: Registry) -> None:
    t = await province_with_district(api)
    await api.post(f"/v1/organisations/{t['th']['id']}/dissolve", {"on": "2025-07-01"}, 200)
    lan = await api.member(t["dh"], "Nguyễn Thị Lan")
    hung = await api.member(t["tb"], "Trần Văn Hùng", status="probationary", full_member_on=None)
    del hung

    # Two branches merge into Đông Hà, then the two communes into a new commune, same day.
    await api.post(
        "/v1/organisations/merges",
        {"source_ids": [t["tb"]["id"]], "into_id": t["dh"]["id"], "on": "2025-08-01"},
        200,
    )
    merged = await api.post(
        "/v1/organisations/merges",
        {
            "source_ids": [t["tl"]["id"], t["ts"]["id"]],
            "new": {"code": "HT.DT", "name": "Đảng bộ xã Đông Thạch"},
            "on": "2025-08-01",
        },
        200,
    )
    new_commune = merged["organisation_ids"][0]
    assert merged["moved_ids"] == [t["dh"]["id"]]

    assert await api.ancestor_codes(t["dh"], "2025-07-31") == ["HT.TH.TL", "HT"]
    assert await api.ancestor_codes(t["dh"], "2025-08-01") == ["HT.DT", "HT"]
    assert await api.ancestor_codes(t["tb"], "2025-07-31") == ["HT.TH.TS", "HT"]
    assert await api.ancestor_codes(t["dh"], "2024-01-01") == ["HT.TH.TL", "HT.TH", "HT"]

    assert await api.roster(t["dh"], "2025-07-31") == {"Nguyễn Thị Lan": "full"}
    assert await api.roster(t["tb"], "2025-07-31") == {"Trần Văn Hùng": "probationary"}
    assert await api.roster(t["dh"], "2025-08-01") == {
        "Nguyễn Thị Lan": "full",
        "Trần Văn Hùng": "probationary",
    }
    assert await api.roster(t["tb"], "2025-08-01") == {}

    got = await api.get(f"/v1/organisations/{t['tl']['id']}")
    assert got["valid_to"] == "2025-08-01" and got["end_reason"] == "merged"
    new = await api.get(f"/v1/organisations/{new_commune}")
    assert new["kind"] == "commune" and new["parent_id"] == t["ht"]["id"]

    merges = {
        e["data"]["organisation_id"]: e["data"] for e in await api.events("organisation.merged")
    }
    assert merges[t["ts"]["id"]]["into_id"] == new_commune
    assert merges[t["tb"]["id"]] == {
        "aggregate_version": 2,
        "organisation_id": t["tb"]["id"],
        "into_id": t["dh"]["id"],
        "on": "2025-08-01",
    }
    transfers = await api.events("member.transferred")
    assert [(e["data"]["reason"], e["data"]["branch_id"]) for e in transfers] == [
        ("merge", t["dh"]["id"])
    ]
    assert lan["id"] not in {e["data"]["member_id"] for e in transfers}
    registered = [e["data"]["code"] for e in await api.events("organisation.registered")]
    assert registered[-1] == "HT.DT"


async def test_split_assigns_every_child_and_member(api: Registry) -> None:
    t = await province_with_district(api)
    members = [await api.member(t["dh"], f"Đảng viên {i}") for i in range(3)]
    url = f"/v1/organisations/{t['dh']['id']}/split"
    parts = [
        {"code": "DH.A", "name": "Chi bộ thôn Đông", "member_ids": [members[0]["id"]]},
        {"code": "DH.B", "name": "Chi bộ thôn Hà", "member_ids": [members[1]["id"]]},
    ]
    incomplete = await api.client.post(
        url, json={"on": "2025-01-01", "parts": parts}, headers={"Idempotency-Key": "s1"}
    )
    assert incomplete.status_code == 422
    assert incomplete.json()["errors"][0]["pointer"] == "/parts"
    assert "chưa được giao" in incomplete.json()["errors"][0]["detail"]

    parts[1]["member_ids"].append(members[2]["id"])
    done = await api.post(url, {"on": "2025-01-01", "parts": parts}, 200)
    a, b = done["organisation_ids"]
    assert await api.roster({"id": a}, "2025-01-01") == {"Đảng viên 0": "full"}
    assert await api.roster({"id": b}, "2025-01-01") == {
        "Đảng viên 1": "full",
        "Đảng viên 2": "full",
    }
    assert len(await api.roster(t["dh"], "2024-12-31")) == 3
    new_branch = await api.get(f"/v1/organisations/{a}")
    assert new_branch["kind"] == "affiliated_branch" and new_branch["parent_id"] == t["tl"]["id"]
    [split] = await api.events("organisation.split")
    assert split["data"]["into_ids"] == [a, b]


async def test_rename_and_move_keep_history(api: Registry) -> None:
    t = await province_with_district(api)
    await api.post(
        f"/v1/organisations/{t['tl']['id']}/rename",
        {"name": "Đảng bộ xã Thạch Long mới", "on": "2024-01-01"},
        200,
    )
    await api.post(
        f"/v1/organisations/{t['dh']['id']}/move",
        {"parent_id": t["ts"]["id"], "on": "2024-06-01"},
        200,
    )
    page = await api.get(f"/v1/organisations/{t['dh']['id']}/ancestors", on="2023-12-31")
    assert page["items"][0]["name"] == "Đảng bộ xã Thạch Long"
    page = await api.get(f"/v1/organisations/{t['dh']['id']}/ancestors", on="2024-02-01")
    assert page["items"][0]["name"] == "Đảng bộ xã Thạch Long mới"
    assert await api.ancestor_codes(t["dh"], "2024-06-01") == ["HT.TH.TS", "HT.TH", "HT"]

    cycle = await api.client.post(
        f"/v1/organisations/{t['th']['id']}/move",
        json={"parent_id": t["ts"]["id"], "on": "2024-07-01"},
        headers={"Idempotency-Key": "cycle"},
    )
    assert cycle.status_code == 422
    assert {e["pointer"] for e in cycle.json()["errors"]} == {"/parent_id"}
    earlier = await api.client.post(
        f"/v1/organisations/{t['dh']['id']}/move",
        json={"parent_id": t["tl"]["id"], "on": "2024-03-01"},
        headers={"Idempotency-Key": "earlier"},
    )
    assert earlier.status_code == 422 and earlier.json()["errors"][0]["pointer"] == "/on"
    [renamed] = await api.events("organisation.renamed")
    assert renamed["data"]["aggregate_version"] == 2 and renamed["data"]["on"] == "2024-01-01"


async def test_register_validation_names_the_field(api: Registry) -> None:
    ht = await api.org("HT", "province", valid_from="2025-07-01")
    cases = [
        ({"kind": "commune", "branch_kind": "school"}, "/branch_kind"),
        (
            {"kind": "grassroots_branch", "meeting_day_from": 5, "meeting_day_to": 2},
            "/meeting_day_to",
        ),
        (
            {"kind": "grassroots_branch", "meeting_day_from": 40, "meeting_day_to": 41},
            "/meeting_day_from",
        ),
        ({"kind": "party_group"}, "/parent_id"),
        ({"kind": "commune", "parent_id": "nobody"}, "/parent_id"),
        ({"kind": "commune", "name": ""}, "/name"),
        ({"kind": "village"}, "/kind"),
        ({"kind": "commune", "valid_from": "2025-06-30"}, "/parent_id"),
    ]
    for n, (extra, pointer) in enumerate(cases):
        body = {
            "code": f"X{n}",
            "name": "Đảng bộ xã X",
            "parent_id": ht["id"],
            "valid_from": "2025-07-01",
        }
        body.update(extra)
        response = await api.client.post(
            "/v1/organisations", json=body, headers={"Idempotency-Key": f"bad-{n}"}
        )
        assert response.status_code == 422, (extra, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert pointer in {e["pointer"] for e in response.json()["errors"]}, (extra, response.text)
    duplicate = await api.client.post(
        "/v1/organisations",
        json={"code": "HT", "name": "Tỉnh ủy khác", "kind": "province", "valid_from": "2025-07-01"},
        headers={"Idempotency-Key": "dup"},
    )
    assert duplicate.status_code == 409 and duplicate.json()["errors"][0]["pointer"] == "/code"
    bad_merge = await api.client.post(
        "/v1/organisations/merges",
        json={"source_ids": [ht["id"]], "on": "2026-01-01"},
        headers={"Idempotency-Key": "m"},
    )
    assert {e["pointer"] for e in bad_merge.json()["errors"]} == {"/source_ids", "/into_id"}
    assert len(await api.events()) == 1


async def test_demo_request_shape_still_works_and_subtree_pages(api: Registry) -> None:
    ht = await api.post(
        "/v1/organisations",
        {"code": "HT", "name": "Tỉnh ủy Hà Tĩnh", "kind": "province", "valid_from": "2025-07-01"},
        201,
    )
    bp = await api.post(
        "/v1/organisations",
        {
            "code": "HT.BP",
            "name": "Đảng bộ xã Bình Phú",
            "kind": "commune",
            "parent_id": ht["id"],
            "valid_from": "2025-07-01",
        },
        201,
    )
    assert bp["parent_id"] == ht["id"] and bp["branch_kind"] is None
    for i in range(7):
        await api.org(f"HT.BP.{i:02d}", "grassroots_branch", bp, valid_from="2025-07-01")
    seen: list[tuple[int, str]] = []
    cursor = None
    for _ in range(5):
        params = {"on": "2025-07-01", "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = await api.get(f"/v1/organisations/{ht['id']}/subtree", **params)
        seen += [(n["depth"], n["code"]) for n in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 9 and len(set(seen)) == 9
    assert seen == sorted(seen, key=lambda s: s[0]) and seen[0] == (0, "HT")
    branches = await api.get(
        f"/v1/organisations/{ht['id']}/subtree", branches_only="true", on="2025-07-01"
    )
    assert len(branches["items"]) == 7
    children = await api.get("/v1/organisations", parent_id=bp["id"], on="2025-07-01")
    assert len(children["items"]) == 7
    first = (await api.events("organisation.registered"))[0]
    assert first["data"]["kind"] == "province" and first["data"]["parent_id"] is None


async def test_the_relays_batch_ancestors_say_what_the_walk_says(api: Registry) -> None:
    """Public events leave with their organisation's path (the outbox relay asks the tree for a
    batch at once): the same ancestors as one by one, across a dissolution and its moves."""
    from datetime import date

    from registry.scope import RegistryScopeTree

    t = await province_with_district(api)
    await api.post(f"/v1/organisations/{t['th']['id']}/dissolve", {"on": "2025-07-01"}, 200)
    tree = RegistryScopeTree()
    ids = [o["id"] for o in t.values()] + ["nobody"]
    async with api.runtime.db.session() as session:
        for day in (date(2025, 6, 30), date(2025, 7, 1), date(2026, 1, 1)):
            many = await tree.ancestors_many(session, ids, day)
            one = {o: list(await tree.ancestors(session, o, day)) for o in ids if o != "nobody"}
            assert many == one and "nobody" not in many, day
        assert many[t["th"]["id"]] == [t["ht"]["id"]]  # dissolved: its last day's parents
