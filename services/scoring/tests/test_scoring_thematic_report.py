"""The thematic-meeting report (#14) in Thạch Hà's statement shape, on SQLite and PostgreSQL:
"100% chi bộ tổ chức sinh hoạt chuyên đề «Tự soi, tự sửa»" for the district and per commune;
the theme matched however it was typed; Vietnamese period labels."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from scoring_factories import deliver_registry, envelope, facts, organisation, scoring_app

from chibo_testing.tokens import signed_client
from scoring.meeting_scores import handlers
from scoring.reports.vietnamese import criterion_label, percent, period_label

THEME = "Tự soi, tự sửa"


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("2026-07", "Tháng 7/2026"),
        ("2026-Q3", "Quý III/2026"),
        ("2026-Q4", "Quý IV/2026"),
        ("2026-H1", "6 tháng đầu năm 2026"),
        ("2026-H2", "6 tháng cuối năm 2026"),
        ("2026", "Năm 2026"),
        ("bad", "bad"),
    ],
)
def test_vietnamese_periods(label: str, text: str) -> None:
    assert period_label(label) == text


def test_percent_and_criterion_label() -> None:
    assert (percent(1), percent(0.875), percent(2 / 3)) == ("100%", "87,5%", "66,7%")
    assert criterion_label("C6", "Kết quả") == "C6 – Kết quả"
    assert criterion_label("C6", None) == "C6"


async def test_thach_ha_statement_per_commune_and_for_the_district(db_url: str) -> None:
    app = await scoring_app(db_url)
    runtime = app.state.runtime
    await deliver_registry(
        runtime,
        organisation("tinh", None, kind="province"),
        organisation("thach-ha", "tinh", kind="legacy_district"),
        organisation("thach-ngoc", "thach-ha", kind="commune"),
        organisation("thach-son", "thach-ha", kind="commune"),
        *(organisation(f"ngoc-{i}", "thach-ngoc") for i in range(3)),
        *(organisation(f"son-{i}", "thach-son") for i in range(2)),
    )
    meetings = [
        # Thạch Ngọc: all three held it, typing the theme three ways.
        facts(meeting_id="n0", branch_id="ngoc-0", meeting_type="thematic", theme=THEME),
        facts(
            meeting_id="n1",
            branch_id="ngoc-1",
            meeting_type="combined",
            duration_minutes=130,
            theme="«tự soi tự sửa»",
        ),
        facts(meeting_id="n2", branch_id="ngoc-2", meeting_type="thematic", theme="TU SOI, TU SUA"),
        # Thạch Sơn: one on another theme, one regular meeting only.
        facts(
            meeting_id="s0",
            branch_id="son-0",
            meeting_type="thematic",
            theme="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        ),
        facts(meeting_id="s1", branch_id="son-1"),
        # Outside the quarter: not counted.
        facts(
            meeting_id="s1-old",
            branch_id="son-1",
            meeting_type="thematic",
            theme=THEME,
            held_on=date(2026, 6, 5),
        ),
    ]
    meetings = [
        m if m.held_on != date(2026, 11, 3) else m.model_copy(update={"held_on": date(2026, 8, 5)})
        for m in meetings
    ]
    async with runtime.uow() as uow:
        for m in meetings:
            await handlers.on_meeting_submitted(runtime.context, uow, envelope(m), m)
        await uow.commit()
    async with signed_client(app, "http://scoring") as client:
        answer = await client.get(
            "/v1/reports/thematic",
            params={"organisation_id": "thach-ha", "period": "2026-Q3", "theme": THEME},
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["period_label"] == "Quý III/2026"
        assert (body["branches"], body["branches_held"]) == (5, 3)
        assert body["statement"] == (
            "60% chi bộ tổ chức sinh hoạt chuyên đề «Tự soi, tự sửa» (Quý III/2026)."
        )
        by = {line["organisation_id"]: line for line in body["by_organisation"]}
        assert by["thach-ngoc"]["statement"] == (
            "100% chi bộ tổ chức sinh hoạt chuyên đề «Tự soi, tự sửa» (Quý III/2026)."
        )
        assert (by["thach-son"]["branches_held"], by["thach-son"]["share"]) == (0, 0)
        assert body["branches_not_held"] == ["Tên son-0", "Tên son-1"]
        # Any theme: four of five held a thematic meeting in the quarter.
        anything = (
            await client.get(
                "/v1/reports/thematic", params={"organisation_id": "thach-ha", "period": "2026-Q3"}
            )
        ).json()
        assert anything["statement"] == "80% chi bộ tổ chức sinh hoạt chuyên đề (Quý III/2026)."
        assert sum(t["meetings"] for t in anything["themes_recorded"]) == 4
        bad = await client.get(
            "/v1/reports/thematic", params={"organisation_id": "thach-ha", "period": "2026-Q5"}
        )
        assert bad.status_code == 422
        # The branch report's XLSX in the same words: names, "Quý III/2026", criteria named.
        xlsx = await client.get(
            "/v1/reports/branches",
            params={"organisation_id": "thach-ha", "period": "2026-Q3", "format": "xlsx"},
        )
        book = load_workbook(io.BytesIO(xlsx.content))
        assert book["Tổng hợp"]["B1"].value == "Quý III/2026"
        assert book["Tổng hợp"]["A10"].value == "Tháng" or any(
            row[0].value == "Tháng 7/2026" for row in book["Tổng hợp"].iter_rows()
        )
        names = [row[0].value for row in book["Chi bộ"].iter_rows(min_row=2)]
        assert names == [f"Tên {b}" for b in ("ngoc-0", "ngoc-1", "ngoc-2", "son-0", "son-1")]
        assert book["Chi bộ"].cell(1, book["Chi bộ"].max_column).value == "Mã chi bộ"
    await runtime.db.dispose()
