"""Members, roles, observers, clusters and households through the API, with their events."""

from __future__ import annotations

import json

from registry_factories import Registry, province_with_district

from chibo_testing.tokens import holding


async def test_member_status_and_transfer_history_make_the_roster(api: Registry) -> None:
    t = await province_with_district(api)
    mai = await api.member(
        t["dh"],
        "Lê Thị Mai",
        status="probationary",
        full_member_on=None,
        admitted_on="2024-03-01",
        joined_on="2024-03-01",
        phone="0912 345 678",
        email="mai@example.vn",
        citizen_id="042190001234",
        date_of_birth="1990-02-03",
        residence_branch_id=t["tb"]["id"],
    )
    url = f"/v1/members/{mai['id']}"
    early = await api.client.post(
        f"{url}/status",
        json={"status": "full", "on": "2024-12-01"},
        headers={"Idempotency-Key": "e"},
    )
    assert early.status_code == 422 and early.json()["errors"][0]["pointer"] == "/on"
    await api.post(f"{url}/status", {"status": "full", "on": "2025-03-01"}, 200)
    await api.post(
        f"{url}/status",
        {"status": "temporarily_attached", "on": "2025-05-01", "attached_branch_id": t["tb"]["id"]},
        200,
    )
    await api.post(f"{url}/status", {"status": "full", "on": "2025-06-01"}, 200)
    await api.post(f"{url}/transfer", {"branch_id": t["tb"]["id"], "on": "2025-09-01"}, 200)

    assert await api.roster(t["dh"], "2025-01-01") == {"Lê Thị Mai": "probationary"}
    assert await api.roster(t["dh"], "2025-04-01") == {"Lê Thị Mai": "full"}
    assert await api.roster(t["dh"], "2025-05-15") == {"Lê Thị Mai": "temporarily_attached"}
    assert await api.roster(t["tb"], "2025-05-15") == {"Lê Thị Mai": "temporarily_attached"}
    assert await api.roster(t["tb"], "2025-07-01") == {}
    assert await api.roster(t["dh"], "2025-09-01") == {}
    assert await api.roster(t["tb"], "2025-09-01") == {"Lê Thị Mai": "full"}

    member = await api.get(url)
    assert member["full_member_on"] == "2025-03-01"
    assert [s["status"] for s in member["status_history"]] == [
        "probationary",
        "full",
        "temporarily_attached",
        "full",
    ]
    changed = await api.events("member.status_changed")
    assert changed[0]["data"] == {
        "aggregate_version": 2,
        "member_id": mai["id"],
        "branch_id": t["dh"]["id"],
        "from_status": "probationary",
        "status": "full",
        "on": "2025-03-01",
        "attached_branch_id": None,
    }
    [transferred] = await api.events("member.transferred")
    assert transferred["data"]["aggregate_version"] == 5
    assert transferred["data"]["from_branch_id"] == t["dh"]["id"]
    # Personal data stays in the registry: nothing of it in any event.
    everything = json.dumps(await api.events(), ensure_ascii=False)
    for secret in (
        "0912 345 678",
        "0912345678",
        "mai@example.vn",
        "042190001234",
        "1990-02-03",
        "Lê Thị Mai",
    ):
        assert secret not in everything

    await api.post(f"{url}/status", {"status": "removed", "on": "2025-10-01"}, 200)
    assert await api.roster(t["tb"], "2025-10-01") == {}
    again = await api.client.post(
        f"{url}/status",
        json={"status": "full", "on": "2025-11-01"},
        headers={"Idempotency-Key": "x"},
    )
    assert again.json()["errors"][0]["code"] == "terminal"


async def test_member_validation_names_the_field(api: Registry) -> None:
    t = await province_with_district(api)
    cases = [
        ({"citizen_id": "12ab"}, "/citizen_id"),
        ({"full_member_on": None}, "/full_member_on"),
        ({"full_member_on": "2010-09-01"}, "/full_member_on"),
        ({"branch_id": t["tl"]["id"]}, "/branch_id"),
        ({"date_of_birth": "2000-01-01"}, "/date_of_birth"),
        ({"date_of_birth": "1889-05-19"}, "/date_of_birth"),  # before 1890: a typo
        ({"date_of_birth": "1890-01-01", "admitted_on": "2011-01-01"}, "/date_of_birth"),  # 121
        ({"admitted_on": "5999-05-19"}, "/admitted_on"),
        ({"email": "không-phải-email"}, "/email"),
        ({"status": "removed"}, "/status"),
    ]
    for n, (extra, pointer) in enumerate(cases):
        body = {
            "full_name": "Phạm Văn An",
            "branch_id": t["dh"]["id"],
            "status": "full",
            "admitted_on": "2010-05-19",
            "full_member_on": "2011-05-19",
            **extra,
        }
        response = await api.client.post(
            "/v1/members", json=body, headers={"Idempotency-Key": f"m-{n}"}
        )
        assert response.status_code == 422, (extra, response.text)
        assert pointer in {e["pointer"] for e in response.json()["errors"]}, (extra, response.text)
    assert await api.events("member.admitted") == []


async def test_roles_observers_and_their_end_with_a_merge(api: Registry) -> None:
    t = await province_with_district(api)
    a = await api.member(t["dh"], "Bí thư A")
    b = await api.member(t["dh"], "Đảng viên B")
    upper = await api.member(t["tb"], "Ủy viên xã C")
    secretary = await api.post(
        "/v1/role-assignments",
        {
            "member_id": a["id"],
            "organisation_id": t["dh"]["id"],
            "role": "secretary",
            "valid_from": "2021-01-01",
        },
        201,
    )
    second = await api.client.post(
        "/v1/role-assignments",
        json={
            "member_id": b["id"],
            "organisation_id": t["dh"]["id"],
            "role": "secretary",
            "valid_from": "2022-01-01",
        },
        headers={"Idempotency-Key": "second"},
    )
    assert second.status_code == 422 and second.json()["errors"][0]["pointer"] == "/valid_from"
    committee = await api.client.post(
        "/v1/role-assignments",
        json={
            "member_id": b["id"],
            "organisation_id": t["dh"]["id"],
            "role": "branch_committee_member",
            "valid_from": "2022-01-01",
        },
        headers={"Idempotency-Key": "committee"},
    )
    assert committee.json()["errors"][0]["code"] == "no-branch-committee"

    not_upper = await api.client.post(
        "/v1/observer-assignments",
        json={"member_id": upper["id"], "branch_id": t["dh"]["id"], "valid_from": "2022-01-01"},
        headers={"Idempotency-Key": "obs-1"},
    )
    assert not_upper.status_code == 422 and not_upper.json()["errors"][0]["pointer"] == "/member_id"
    await api.post(
        "/v1/role-assignments",
        {
            "member_id": upper["id"],
            "organisation_id": t["tl"]["id"],
            "role": "committee_member",
            "valid_from": "2021-01-01",
        },
        201,
    )
    observer = await api.post(
        "/v1/observer-assignments",
        {"member_id": upper["id"], "branch_id": t["dh"]["id"], "valid_from": "2022-01-01"},
        201,
    )
    assert (
        len(
            (await api.get(f"/v1/organisations/{t['dh']['id']}/observers", on="2022-06-01"))[
                "items"
            ]
        )
        == 1
    )

    # Đông Hà merges into Bắc Sơn: its secretary and its observer assignment end that day.
    await api.post(
        "/v1/organisations/merges",
        {"source_ids": [t["dh"]["id"]], "into_id": t["tb"]["id"], "on": "2025-08-01"},
        200,
    )
    roles_before = await api.get(f"/v1/organisations/{t['dh']['id']}/roles", on="2025-07-31")
    assert [r["role"] for r in roles_before["items"]] == ["secretary"]
    roles_after = await api.get(f"/v1/organisations/{t['dh']['id']}/roles", on="2025-08-01")
    assert roles_after["items"] == []
    [ended] = await api.events("role.ended")
    assert ended["data"] == {
        "aggregate_version": 2,
        "role_assignment_id": secretary["id"],
        "member_id": a["id"],
        "organisation_id": t["dh"]["id"],
        "role": "secretary",
        "on": "2025-08-01",
    }
    [obs_ended] = await api.events("observer.ended")
    assert obs_ended["data"]["observer_assignment_id"] == observer["id"]
    [assigned] = await api.events("observer.assigned")
    assert assigned["data"]["branch_id"] == t["dh"]["id"]


async def test_clusters_and_households(api: Registry) -> None:
    t = await province_with_district(api)
    extra = [
        await api.org(f"HT.TH.TL.0{i}", "affiliated_branch", t["tl"], branch_kind="residential")
        for i in (2, 3)
    ]
    too_small = await api.client.post(
        "/v1/rotation-clusters",
        json={
            "code": "C1",
            "name": "Cụm 1",
            "branch_ids": [t["dh"]["id"], t["tb"]["id"]],
            "valid_from": "2024-01-01",
        },
        headers={"Idempotency-Key": "c0"},
    )
    assert (
        too_small.status_code == 422 and too_small.json()["errors"][0]["pointer"] == "/branch_ids"
    )
    ids = [t["dh"]["id"], extra[0]["id"], extra[1]["id"]]
    cluster = await api.post(
        "/v1/rotation-clusters",
        {
            "code": "C1",
            "name": "Cụm 1 xã Thạch Long",
            "branch_ids": ids,
            "valid_from": "2024-01-01",
        },
        201,
    )
    busy = await api.client.post(
        "/v1/rotation-clusters",
        json={
            "code": "C2",
            "name": "Cụm 2",
            "branch_ids": [*ids[1:], t["tb"]["id"]],
            "valid_from": "2024-06-01",
        },
        headers={"Idempotency-Key": "c2"},
    )
    assert busy.json()["errors"][0]["pointer"] == "/branch_ids/0"
    of_branch = await api.get(
        f"/v1/organisations/{t['dh']['id']}/rotation-clusters", on="2024-02-01"
    )
    assert of_branch["items"][0]["id"] == cluster["id"]
    [formed] = await api.events("rotation_cluster.formed")
    assert formed["data"]["branch_ids"] == ids

    member = await api.member(t["dh"], "Hoàng Văn Dũng")
    body = {
        "member_id": member["id"],
        "branch_id": t["dh"]["id"],
        "household_codes": ["H01", "H02", "H03"],
        "valid_from": "2024-01-01",
    }
    await api.post("/v1/household-responsibilities", body, 201)
    again = await api.client.post(
        "/v1/household-responsibilities",
        json={**body, "household_codes": ["H04", "H02"]},
        headers={"Idempotency-Key": "h2"},
    )
    assert again.status_code == 422 and again.json()["errors"][0]["pointer"] == "/household_codes/1"
    page = await api.get(f"/v1/organisations/{t['dh']['id']}/households", on="2024-05-01")
    assert [h["household_code"] for h in page["items"]] == ["H01", "H02", "H03"]


async def test_the_province_names_a_department_head_as_observer(api: Registry) -> None:
    """Ninh Bình assigns heads of provincial departments to follow village branches: not on a
    committee above the branch, named by the province, the assignment dated as any other."""
    t = await province_with_district(api)
    dept = await api.org("HT.SXD", "sectoral", t["ht"], name="Đảng bộ Sở Xây dựng")
    office = await api.org(
        "HT.SXD.01", "grassroots_branch", dept, name="Chi bộ Văn phòng Sở", branch_kind="agency"
    )
    head = await api.member(office, "Giám đốc Sở D")
    body = {"member_id": head["id"], "branch_id": t["dh"]["id"], "valid_from": "2022-01-01"}
    # Without being named by the province, the committee rule still holds.
    plain = await api.client.post(
        "/v1/observer-assignments", json=body, headers={"Idempotency-Key": "plain"}
    )
    assert plain.status_code == 422 and plain.json()["errors"][0]["code"] == "not-upper-committee"
    # A commune office may not name someone from outside the committees above the branch.
    commune = holding(("officer", t["tl"]["id"]))
    refused = await api.client.post(
        "/v1/observer-assignments",
        json={**body, "named_by_province": True},
        headers={"Idempotency-Key": "commune", **commune},
    )
    assert refused.status_code == 403, refused.text
    named = await api.post(
        "/v1/observer-assignments",
        {**body, "valid_to": "2023-01-01", "named_by_province": True},
        201,
    )
    assert (named["member_id"], named["valid_to"]) == (head["id"], "2023-01-01")
    on = await api.get(f"/v1/organisations/{t['dh']['id']}/observers", on="2022-06-01")
    assert [o["member_id"] for o in on["items"]] == [head["id"]]
    after = await api.get(f"/v1/organisations/{t['dh']['id']}/observers", on="2023-06-01")
    assert after["items"] == []
    [assigned] = await api.events("observer.assigned")
    assert (
        assigned["data"]["member_id"] == head["id"] and "named_by_province" not in assigned["data"]
    )
