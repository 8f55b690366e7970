"""Rubric files: the shipped ones load; a broken one is refused naming the file and the path;
the rubric for a meeting is chosen by province, rubric id and date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from scoring_factories import HD42, NGHE_AN

from scoring.rubrics.book import RUBRICS_DIR, NoRubric, RubricError, load_book


def broken(tmp_path: Path, change: str, value: object, name: str = "broken.yaml") -> Path:
    """A copy of the default rubric with one value changed at a dotted path."""
    data = yaml.safe_load((RUBRICS_DIR / "default-hd42.yaml").read_text(encoding="utf-8"))
    *parents, last = change.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is None:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("change", "value", "expected"),
    [
        (
            "criteria.1.sub_items.1.max",
            2,
            "broken.yaml: criteria[1]: Value error, tổng điểm tiểu mục 6 khác điểm tối đa 5",
        ),
        (
            "criteria.1.sub_items.0.max",
            3,
            "broken.yaml: criteria[1].sub_items[0]: điểm của một mức vượt tối đa 3 của tiểu mục",
        ),
        (
            "criteria.0.sub_items.0.bands.0.when.fact",
            "duration_hours",
            "broken.yaml: criteria[0].sub_items[0].bands[0].when: "
            "không có dữ kiện tên 'duration_hours'",
        ),
        (
            "criteria.1.sub_items.0.bands.0.when.below",
            3,
            "broken.yaml: criteria[1].sub_items[0].bands[0].when: cần đúng một phép so sánh",
        ),
        (
            "criteria.4.sub_items.0.source",
            "automatic",
            "broken.yaml: criteria[4].sub_items[0].source: Input should be 'computed' or 'manual'",
        ),
        (
            "grades.0.gates.0",
            "C9",
            "broken.yaml: (gốc): điều kiện 'C9' của hạng tot không có trong bảng",
        ),
        (
            "criteria.2.explain",
            "chuẩn bị {prep_points}/7",
            "broken.yaml: (gốc): tiêu chí C3: mẫu diễn giải dùng '{prep_points}' không có",
        ),
        ("effective_on", None, "broken.yaml: effective_on: Field required"),
        (
            "criteria.5.not_for",
            ["seminar"],
            "broken.yaml: criteria[5]: Value error, loại cuộc họp 'seminar' không có",
        ),
        (
            "report_groups.4.criteria",
            ["C5"],
            "broken.yaml: (gốc): report_groups phải xếp mỗi mã tiêu chí vào đúng một nhóm",
        ),
    ],
)
def test_a_broken_rubric_is_refused_naming_file_and_path(
    tmp_path: Path, change: str, value: object, expected: str
) -> None:
    with pytest.raises(RubricError) as caught:
        load_book(broken(tmp_path, change, value))
    assert expected.replace("Value error, ", "") in str(caught.value)


def test_thematic_total_is_checked_too(tmp_path: Path) -> None:
    with pytest.raises(
        RubricError, match="họp 'thematic': tổng điểm tiêu chí 95 khác total_points"
    ):
        load_book(_thematic_c6_max(tmp_path, 25))


def _thematic_c6_max(tmp_path: Path, points: int) -> Path:
    data = yaml.safe_load((RUBRICS_DIR / "default-hd42.yaml").read_text(encoding="utf-8"))
    data["criteria"][6]["max"] = points
    data["criteria"][6]["sub_items"][0]["max"] = points
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return tmp_path


def test_unreadable_yaml_and_duplicate_versions(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(RubricError, match=r"a\.yaml: không đọc được YAML"):
        load_book(tmp_path)
    (tmp_path / "a.yaml").unlink()
    text = (RUBRICS_DIR / "default-hd42.yaml").read_text(encoding="utf-8")
    (tmp_path / "one.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "two.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RubricError, match="hd42-default phiên bản 2025-07-01 có ở hơn một tệp"):
        load_book(tmp_path)


def test_every_error_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    broken(tmp_path, "criteria.0.max", 6)
    broken(tmp_path, "total_points", None, name="other.yaml")
    with pytest.raises(RubricError) as caught:
        load_book(tmp_path)
    assert "broken.yaml: criteria[0]" in str(caught.value)
    assert "other.yaml: total_points: Field required" in str(caught.value)


def test_shipped_rubrics_and_their_selection() -> None:
    book = load_book()
    assert {(r.id, r.province) for r in book.rubrics} == {
        ("hd42-default", None),
        ("nghe-an-2021", "nghe-an"),
    }
    assert book.select(held_on=date(2026, 7, 1)).id == "hd42-default"
    assert book.select(held_on=date(2026, 7, 1), province="ha-tinh").id == "hd42-default"
    assert book.select(held_on=date(2026, 7, 1), province="nghe-an").id == "nghe-an-2021"
    assert book.select(held_on=date(2026, 7, 1), rubric_id="nghe-an-2021").id == "nghe-an-2021"
    with pytest.raises(NoRubric, match="có hiệu lực ngày 2024-12-01"):
        book.select(held_on=date(2024, 12, 1))
    assert book.select(held_on=date(2024, 12, 1), province="nghe-an").id == "nghe-an-2021"


def test_newest_version_in_force_on_the_meeting_date_wins() -> None:
    later = HD42.model_copy(update={"version": "2027-01-01", "effective_on": date(2027, 1, 1)})
    book = type(load_book())((HD42, later))
    assert book.select(held_on=date(2026, 12, 31)).version == "2025-07-01"
    assert book.select(held_on=date(2027, 1, 1)).version == "2027-01-01"


def test_report_groups_map_to_the_five_older_criteria() -> None:
    groups = {g.code: g.criteria for g in HD42.report_groups}
    assert groups == {
        "preparation": ["C3"],
        "attendance": ["C2"],
        "conduct": ["C1", "C4", "C7"],
        "principles": ["C5"],
        "results": ["C6"],
    }
    assert [g.code for g in NGHE_AN.report_groups] == list(groups)
