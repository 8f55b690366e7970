"""The month grid: met, late, missed, not yet due, and the grade of the month."""

from __future__ import annotations

from datetime import date

from portal.committee.dashboard import grid_table, months_of
from portal.committee.tables import to_xlsx
from portal.web import templates


def test_grid_cells() -> None:
    branches = [{"id": "b1", "name": "Chi bộ A"}, {"id": "b2", "name": "Chi bộ B"}]
    months = months_of(2026, date(2026, 3, 2))
    assert months == ["2026-01", "2026-02", "2026-03"]
    meetings = {
        "2026-01": [{"branch_id": "b1", "within_scheduled_window": True}],
        "2026-02": [{"branch_id": "b1", "within_scheduled_window": False}],
        "2026-03": [],
    }
    reports = {"2026-01": {"lines": [{"branch_id": "b1", "by_grade": {"tot": 1, "kha": 0}}]}}
    table = grid_table(branches, months, meetings, reports, date(2026, 3, 2))
    a, b = table.rows
    assert [(c.text, c.kind) for c in a[1:]] == [("Tốt", "met"), ("Đã họp", "late"), ("–", "")]
    assert [c.kind for c in b[1:]] == ["missed", "missed", ""]
    assert "xếp loại Tốt" in a[1].note
    assert to_xlsx(table)[:2] == b"PK"  # a zip: the XLSX container


def test_a_meeting_before_every_rubric_shows_why_it_is_not_scored() -> None:
    reason = "Không có bảng điểm nào có hiệu lực ngày 02/12/2017"
    html = templates.env.get_template("record/score_sheet.html").render(
        meeting_id="m1", score={"status": "no_rubric", "reason": reason}
    )
    assert f"Không chấm điểm: {reason}" in html and "hx-get" not in html
