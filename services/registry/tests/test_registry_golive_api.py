"""Go-live dates through the API: an organisation's own date and what its subtree inherits, the
roll-out plan (all or none, each change announced once), and the import column."""

from __future__ import annotations

from registry_factories import Registry, province_with_district


async def org(api: Registry, node: dict, on: str | None = None) -> dict:  # type: ignore[type-arg]
    return dict(await api.get(f"/v1/organisations/{node['id']}", **({"on": on} if on else {})))


async def test_without_any_date_everything_is_live(api: Registry) -> None:
    t = await province_with_district(api)
    branch = await org(api, t["dh"])
    assert branch["go_live_on"] is None and branch["effective_go_live_on"] is None
    assert branch["go_live_status"] == "live"
    state = await api.get(f"/v1/organisations/{t['dh']['id']}/go-live")
    assert state["status"] == "live" and state["history"] == []


async def test_the_subtree_inherits_unless_a_node_below_has_its_own(api: Registry) -> None:
    t = await province_with_district(api)
    set_commune = await api.post(
        f"/v1/organisations/{t['tl']['id']}/go-live", {"go_live_on": "2026-11-01"}, 200
    )
    assert set_commune["go_live_on"] == "2026-11-01"
    # The pilot branch went live earlier than its commune: its own date wins.
    await api.post(f"/v1/organisations/{t['dh']['id']}/go-live", {"go_live_on": "2026-08-15"}, 200)

    commune = await org(api, t["tl"], on="2026-10-01")
    assert commune["go_live_status"] == "planned"
    assert commune["effective_go_live_on"] == "2026-11-01"
    pilot = await org(api, t["dh"], on="2026-10-01")
    assert (pilot["go_live_on"], pilot["effective_go_live_on"]) == ("2026-08-15", "2026-08-15")
    assert pilot["go_live_status"] == "live" and pilot["go_live_from_id"] == t["dh"]["id"]
    # A second branch under the commune inherits; a commune without a plan is not planned.
    other = await api.org(
        "HT.TH.TL.02", "affiliated_branch", t["tl"], name="Chi bộ thôn Tây Hà", branch_kind="school"
    )
    inherited = await org(api, other, on="2026-11-01")
    assert inherited["go_live_on"] is None
    assert inherited["effective_go_live_on"] == "2026-11-01"
    assert inherited["go_live_from_id"] == t["tl"]["id"]
    assert inherited["go_live_status"] == "live"
    assert (await org(api, t["tb"]))["go_live_status"] == "not_planned"

    listed = await api.get("/v1/organisations", parent_id=t["tl"]["id"], on="2026-10-01")
    assert {o["code"]: o["go_live_status"] for o in listed["items"]} == {
        "HT.TH.TL.01": "live",
        "HT.TH.TL.02": "planned",
    }

    # Removing the pilot's own date: it inherits its commune's again.
    await api.post(f"/v1/organisations/{t['dh']['id']}/go-live", {"go_live_on": None}, 200)
    state = await api.get(f"/v1/organisations/{t['dh']['id']}/go-live", on="2026-10-01")
    assert state["go_live_on"] is None and state["effective_go_live_on"] == "2026-11-01"
    assert [h["go_live_on"] for h in state["history"]] == ["2026-08-15", None]
    assert state["history"][1]["previous_go_live_on"] == "2026-08-15"

    events = [e["data"] for e in await api.events("organisation.go_live_set")]
    assert [(e["organisation_id"], e["go_live_on"]) for e in events] == [
        (t["tl"]["id"], "2026-11-01"),
        (t["dh"]["id"], "2026-08-15"),
        (t["dh"]["id"], None),
    ]
    assert [e["aggregate_version"] for e in events] == [2, 2, 3]


async def test_a_date_outside_the_organisations_life_is_refused(api: Registry) -> None:
    t = await province_with_district(api)
    early = await api.post(
        f"/v1/organisations/{t['dh']['id']}/go-live", {"go_live_on": "2019-12-31"}, 422
    )
    assert early["errors"][0]["pointer"] == "/go_live_on"
    assert early["errors"][0]["code"] == "before-start"
    missing = await api.client.post(
        "/v1/organisations/nope/go-live",
        json={"go_live_on": "2026-01-01"},
        headers={"Idempotency-Key": "golive-missing"},
    )
    assert missing.status_code == 404


async def test_a_roll_out_plan_is_all_or_nothing_and_announced_once(api: Registry) -> None:
    t = await province_with_district(api)
    plan = {
        "items": [
            {"organisation_id": t["dh"]["id"], "go_live_on": "2026-03-01"},  # the pilot
            {"organisation_id": t["tl"]["id"], "go_live_on": "2026-07-01"},
            {"organisation_id": t["ts"]["id"], "go_live_on": "2019-01-01"},  # before it existed
            {"organisation_id": "no-such-org", "go_live_on": "2026-09-01"},
        ],
        "note": "Thí điểm rồi nhân rộng",
    }
    refused = await api.post("/v1/go-live-plans", plan, 422)
    assert {(e["pointer"], e["code"]) for e in refused["errors"]} == {
        ("/items/2/go_live_on", "before-start"),
        ("/items/3/organisation_id", "unknown"),
    }
    assert await api.events("organisation.go_live_set") == []
    assert (await org(api, t["dh"]))["go_live_status"] == "live"  # still nothing planned

    commune_later = {"organisation_id": t["ts"]["id"], "go_live_on": "2026-09-01"}
    plan["items"] = [*plan["items"][:2], commune_later]
    done = await api.post("/v1/go-live-plans", plan, 200)
    assert (done["changed"], done["unchanged"]) == (3, 0)
    again = await api.post("/v1/go-live-plans", plan, 200)  # a new key, the same dates
    assert (again["changed"], again["unchanged"]) == (0, 3)
    events = await api.events("organisation.go_live_set")
    assert len(events) == 3 and {e["subject"] for e in events} == {
        f"organisations/{t[k]['id']}" for k in ("dh", "tl", "ts")
    }
    state = await api.get(f"/v1/organisations/{t['ts']['id']}/go-live")
    assert state["history"][0]["plan_id"] == done["id"]
    assert state["history"][0]["source"] == "plan"

    # The commune goes live on its date; its branch inherits it from that day.
    assert (await org(api, t["tb"], on="2026-08-31"))["go_live_status"] == "planned"
    assert (await org(api, t["tb"], on="2026-09-01"))["go_live_status"] == "live"


async def test_the_import_column_sets_dates_for_new_and_stored_rows(api: Registry) -> None:
    t = await province_with_district(api)
    csv = (
        "Mã tổ chức,Tên,Loại,Mã cấp trên,Ngày hiệu lực,Ngày đưa vào sử dụng\n"
        "HT.TH.TL,Đảng bộ xã Thạch Long,đảng bộ xã,HT.TH,01/01/2020,01/10/2026\n"
        "HT.TH.TM,Đảng bộ xã Thạch Môn,đảng bộ xã,HT.TH,01/01/2020,01/12/2026\n"
        "HT.TH.TM.01,Chi bộ thôn Nam,chi bộ,HT.TH.TM,01/01/2020,\n"
    )

    async def send(body: str, dry_run: bool = False) -> dict:  # type: ignore[type-arg]
        r = await api.client.post(
            "/v1/imports/organisations",
            content=body.encode(),
            params={"dry_run": "true"} if dry_run else {},
            headers={"Content-Type": "text/csv"},
        )
        return {"status": r.status_code, **r.json()}

    checked = await send(csv, dry_run=True)
    assert (checked["created"], checked["go_live_set"], checked["written"]) == (2, 2, False)
    report = await send(csv)
    assert report["status"] == 200, report
    assert (report["created"], report["unchanged"], report["go_live_set"]) == (2, 1, 2)
    assert (await send(csv))["go_live_set"] == 0  # the same file again: nothing new

    stored = await org(api, t["tl"], on="2026-10-01")
    assert stored["go_live_on"] == "2026-10-01" and stored["go_live_status"] == "live"
    listed = await api.get("/v1/organisations", on="2026-11-01")
    branch = next(o for o in listed["items"] if o["code"] == "HT.TH.TM.01")
    assert branch["effective_go_live_on"] == "2026-12-01"
    assert branch["go_live_status"] == "planned"
    sources = {
        h["source"]
        for h in (await api.get(f"/v1/organisations/{t['tl']['id']}/go-live"))["history"]
    }
    assert sources == {"import"}

    bad = await send(csv.replace("01/12/2026", "01/12/2019"))
    assert bad["status"] == 422
    assert [(e["row"], e["column"], e["code"]) for e in bad["errors"]] == [
        (3, "Ngày đưa vào sử dụng", "before-start")
    ]
