"""A Bắc Mê-shaped year (seed 003, 2018) in-process: the tree from registry facts, a meeting per
branch scored under HD 12, the year's proposals under QĐ 132 (grassroots committees from their
branches, the quota as that rule counts it), the committee's decisions, and the annual table of
decided levels — counts and percentages checked against the planted levels, JSON and XLSX."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from scoring_bac_me import (
    COMMUNES,
    DISTRICT,
    EXEMPT,
    MEMBERS,
    ORGS,
    PEOPLE,
    SUBS,
    YEAR,
    generate,
)
from scoring_factories import deliver_registry, envelope, scoring_app

from chibo_testing.tokens import signed_client
from scoring.classification import service
from scoring.classification.rules import quota_cap
from scoring.classification.table import annual_table, year_end
from scoring.meeting_scores import handlers
from scoring.subtree import tree_on
from service_kit.errors import Conflict

pytestmark = pytest.mark.slow


async def test_bac_me_2018_annual_table(sqlite_url: str) -> None:
    d = generate()
    app = await scoring_app(sqlite_url)
    runtime = app.state.runtime
    await deliver_registry(runtime, *d.tree)
    for start in range(0, len(d.meetings), 130):
        async with runtime.uow() as uow:
            for meeting in d.meetings[start : start + 130]:
                await handlers.on_meeting_submitted(
                    runtime.context, uow, envelope(meeting), meeting
                )
            await uow.commit()

    async with signed_client(app, "http://scoring") as client:
        # The year's proposals, under the rule set of 2018.
        run = await client.post(
            f"/v1/classifications/{YEAR}/proposals",
            json={
                "organisation_id": DISTRICT,
                "exclusions": [{"subject_id": m, "reason": r} for m, r in d.exclusions.items()],
            },
            headers={"Idempotency-Key": "bac-me-2018"},
        )
        assert run.status_code == 201, run.text
        counts = run.json()
        assert counts["policy"] == "qd132-2018 2018-03-08"
        assert "132-QĐ/TW" in counts["rules"]
        assert sum(counts["branch"].values()) == len(d.branches) == 260
        assert sum(counts["organisation"].values()) == COMMUNES  # from their branches
        assert counts["organisation"]["excluded"] == 0
        assert sum(counts["member"].values()) == MEMBERS
        assert counts["member"]["excluded"] == EXEMPT + len(d.exclusions) == 191
        rows = []
        for offset in range(0, 6000, 2500):
            page = await client.get(
                f"/v1/classifications/{YEAR}", params={"limit": 2500, "offset": offset}
            )
            rows += page.json()
        assert len(rows) == MEMBERS + 260 + COMMUNES
        # Members are pooled per grassroots organisation, as the 2018 rule counts its quota.
        pools: dict[str, Counter[str]] = {}
        for r in rows:
            if r["subject_type"] == "member" and r["proposed_level"] in ("excellent", "good"):
                pool = r["basis"]["quota_pool"]
                assert pool == d.grassroots_of[d.members[r["subject_id"]]]
                pools.setdefault(pool, Counter())[r["proposed_level"]] += 1
        assert len(pools) == 59
        for c in pools.values():
            assert c["excellent"] <= quota_cap(c["excellent"] + c["good"], 0.2, "good_or_above")
        commune = next(r for r in rows if r["subject_type"] == "organisation")
        assert commune["reason"].startswith("Từ ") and commune["basis"]["branches_rated"] > 0

    # The committee decides every classified subject (the planted levels), as one list.
    decisions = {service.classification_id(YEAR, k, s): lv for (k, s), lv in d.levels.items()}
    async with runtime.uow() as uow:
        when = datetime(YEAR + 1, 1, 15, tzinfo=UTC)
        reason = "Ban Thường vụ Huyện ủy quyết định"
        assert await service.decide_many(uow, decisions, reason, when) == 59 + 214 + 3643
        await uow.commit()
    async with runtime.uow() as uow:  # once only, all or nothing
        again = {next(iter(decisions)): "good"}
        with pytest.raises(Conflict, match="đã được quyết định"):
            await service.decide_many(uow, again, reason, when)

    async with signed_client(app, "http://scoring") as client:
        got = await client.get(
            f"/v1/classifications/{YEAR}/table", params={"organisation_id": DISTRICT}
        )
        assert got.status_code == 200, got.text
        table = got.json()
        xlsx = await client.get(
            f"/v1/classifications/{YEAR}/table",
            params={"organisation_id": DISTRICT, "format": "xlsx"},
        )
        assert xlsx.status_code == 200, xlsx.text

    total = table["total"]
    grassroots, members = total["grassroots"], total["members"]
    # Organisations: 59 rated, 14 excellent (23.7 %), 45 good (76.2 %) as the district published.
    assert (grassroots["total"], grassroots["rated"], grassroots["pending"]) == (59, 59, 0)
    assert grassroots["by_level"] == {
        "excellent": {"count": ORGS["excellent"], "percent": 23.7},
        "good": {"count": ORGS["good"], "percent": 76.2},
        "fulfilled": {"count": 0, "percent": 0.0},
        "not_fulfilled": {"count": 0, "percent": 0.0},
    }
    subs = total["sub_branches"]
    assert (subs["total"], subs["rated"]) == (214, 214)
    assert {lv: v["count"] for lv, v in subs["by_level"].items() if v["count"]} == SUBS
    # Members: 3,643 of 3,834 classified (95 %), 581 / 2,656 / 396 (15 / 72 / 10 % printed).
    assert members["total"] == MEMBERS
    assert members["classified"] == {"count": 3643, "percent": 95.0}
    assert {lv: v["count"] for lv, v in members["by_level"].items()} == PEOPLE
    assert {lv: v["percent"] for lv, v in members["by_level"].items()} == {
        "excellent": 15.9,
        "good": 72.9,
        "fulfilled": 10.8,
        "not_fulfilled": 0.2,
    }
    published = {"excellent": 15, "good": 72, "fulfilled": 10}
    assert {lv: int(members["by_level"][lv]["percent"]) for lv in published} == published
    # One line per grassroots organisation under the district, adding up to the total.
    assert len(table["rows"]) == 59 and table["own"] is None
    assert all(line["grassroots"]["total"] == 1 for line in table["rows"])
    assert sum(line["members"]["total"] for line in table["rows"]) == MEMBERS
    assert sum(line["sub_branches"]["total"] for line in table["rows"]) == 214
    # The decided levels are within the quota as the rule of 2018 counts it.
    assert table["rules"]["id"] == "qd132-2018" and table["quota_within"]
    organisations = [c for c in table["quota"] if c["subjects"] == "organisations"]
    assert organisations == [
        {
            "subjects": "organisations",
            "pool": "all",
            "pool_name": "toàn bộ",
            "good_or_above": 59 + 210,
            "excellent": 14 + 30,
            "cap": 53,
            "excellent_percent_of_base": 16.3,
            "within": True,
        }
    ]
    assert len([c for c in table["quota"] if c["subjects"] == "members"]) == 59

    # The same decisions judged by the counting of QĐ 366 (grassroots organisations apart,
    # 20 % of those rated good) would break the quota: 14 excellent > 9 allowed.
    async with runtime.db.session() as session:
        tree = await tree_on(session, year_end(YEAR))
        later = await annual_table(
            session, YEAR, DISTRICT, tree, runtime.context.classification.for_year(2025)
        )
    breach = next(c for c in later["quota"] if c["pool"] == "all/grassroots")
    assert (breach["excellent"], breach["cap"], breach["within"]) == (14, 9, False)
    assert not later["quota_within"]

    # XLSX: Vietnamese headers in the published shape, the total line last.
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Tổng hợp", "Chi bộ trực thuộc", "Tỷ lệ xuất sắc"]
    sheet = book["Tổng hợp"]
    assert sheet["C4"].value == "Tổ chức cơ sở đảng" and sheet["M4"].value == "Đảng viên"
    assert sheet["E5"].value == "Hoàn thành xuất sắc nhiệm vụ (số lượng)"
    header = [c.value for c in sheet[5]]
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[1] == "Cộng Tên bm"
    assert last[2:12] == [59, 59, 14, 23.7, 45, 76.2, 0, 0.0, 0, 0.0]
    assert last[header.index("Được phân loại")] == 3643
    assert last[header.index("Tỷ lệ được phân loại (%)")] == 95.0
    assert sheet.max_row == 5 + 59 + 1
    await runtime.db.dispose()
