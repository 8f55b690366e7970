"""The year's classification as tables: every proposal with its decision, and the annual
table officials publish (numbers and percentages per level, organisations and members)."""

from __future__ import annotations

from typing import Any

from portal.committee.tables import Cell, Table
from portal.formatting import LEVELS, phan_tram, so

LEVEL_ORDER = ["excellent", "good", "fulfilled", "not_fulfilled"]


def proposals_table(rows: list[dict[str, Any]], names: dict[str, str], year: int) -> Table:
    table = Table(
        "xep-loai",
        f"Đề xuất và quyết định xếp loại năm {year}",
        ["Chi bộ", "Điểm", "Đề xuất", "Quyết định", "Căn cứ"],
        numeric={1},
    )
    for row in rows:
        table.add(
            names.get(row["subject_id"], row["subject_id"]),
            Cell(so(row["points"], 1), row["points"]),
            LEVELS.get(row["proposed_level"] or "", "Không xếp loại")
            + (" (giới hạn tỷ lệ)" if row["capped_by_quota"] else ""),
            LEVELS.get(row["decided_level"] or "", "Chưa quyết định"),
            row["excluded_reason"] or row["reason"],
        )
    return table


def annual_table(
    branch_rows: list[dict[str, Any]], member_rows: list[dict[str, Any]], year: int
) -> Table:
    headers = ["Đối tượng", "Tổng số được xếp loại"]
    for level in LEVEL_ORDER:
        headers += [LEVELS[level], "Tỷ lệ"]
    headers.append("Không xếp loại")
    table = Table(
        "bang-nam",
        f"Kết quả đánh giá, xếp loại năm {year}",
        headers,
        numeric=set(range(1, len(headers))),
        caption="Theo quyết định của cấp ủy; mục chưa có quyết định tính theo đề xuất.",
    )
    for label, rows in (("Tổ chức đảng (chi bộ)", branch_rows), ("Đảng viên", member_rows)):
        levels = [r["decided_level"] or r["proposed_level"] for r in rows]
        rated = [lvl for lvl in levels if lvl]
        cells: list[Cell | str] = [label, Cell(so(len(rated)), len(rated))]
        for level in LEVEL_ORDER:
            count = rated.count(level)
            share = count / len(rated) if rated else None
            cells += [Cell(so(count), count), Cell(phan_tram(share), share)]
        unrated = len(levels) - len(rated)
        cells.append(Cell(so(unrated), unrated))
        table.add(*cells)
    return table
