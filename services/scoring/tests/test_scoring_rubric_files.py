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
    assert {(r.id, r.version, r.province) for r in book.rubrics} == {
        ("hd12-2018", "2018-07-06", None),
        ("hd42-default", "2025-07-01", None),  # withdrawn, kept for the scores pinned to it
        ("hd42-default", "2025-10-28", None),
        ("hd42-default", "2027-01-01", None),  # C1, C6, C7 corrected (#14)
        ("nghe-an-2021", "2021-09-15", "nghe-an"),
    }
    assert book.select(held_on=date(2026, 7, 1)).id == "hd42-default"
    assert book.select(held_on=date(2026, 7, 1), province="ha-tinh").id == "hd42-default"
    assert book.select(held_on=date(2026, 7, 1), province="nghe-an").id == "nghe-an-2021"
    assert book.select(held_on=date(2026, 7, 1), rubric_id="nghe-an-2021").id == "nghe-an-2021"
    assert book.select(held_on=date(2024, 12, 1), province="nghe-an").id == "nghe-an-2021"
    # Nghệ An before its own rubric: the national one of the day.
    assert book.select(held_on=date(2020, 3, 3), province="nghe-an").id == "hd12-2018"


def test_hd12_until_hd42_took_effect_and_nothing_before_hd12() -> None:
    """HD 12-HD/BTCTW of 06/7/2018 scores meetings until HD 42-HD/BTCTW of 28/10/2025
    (research/domain.md §0); the HD 42 version once dated 01/07/2025 is withdrawn."""
    book = load_book()
    assert book.select(held_on=date(2018, 7, 6)).id == "hd12-2018"
    assert book.select(held_on=date(2025, 7, 1)).id == "hd12-2018"
    assert book.select(held_on=date(2025, 10, 27)).id == "hd12-2018"
    assert (book.select(held_on=date(2025, 10, 28)).id, HD42.version) == (
        "hd42-default",
        "2025-10-28",
    )
    assert "42-HD/BTCTW" in book.withdrawn[("hd42-default", "2025-07-01")]
    assert book.get("hd42-default", "2025-07-01") is not None  # pinned scores still find it
    with pytest.raises(NoRubric) as caught:
        book.select(held_on=date(2018, 7, 5))
    assert str(caught.value) == (
        "Không có bảng điểm nào có hiệu lực ngày 05/07/2018; bảng sớm nhất «Tiêu chí chất lượng "
        "sinh hoạt chi bộ (HD 12-HD/BTCTW, 2018)» áp dụng từ 06/07/2018: cuộc họp được ghi nhận "
        "nhưng không chấm điểm."
    )
    with pytest.raises(NoRubric, match="Không có bảng điểm nghe-an-2021 có hiệu lực ngày"):
        book.select(held_on=date(2021, 9, 14), rubric_id="nghe-an-2021")


def test_province_codes_map_to_rubric_families() -> None:
    book = load_book()
    assert book.family_of("NA") == "nghe-an"
    assert book.family_of("nghe-an") == "nghe-an"  # a family named like the code
    assert book.family_of("HG") is None and book.family_of(None) is None


def test_a_mapping_to_no_rubric_family_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        (RUBRICS_DIR / "default-hd42.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "provinces.yaml").write_text("provinces: {HG: ha-giang}\n", encoding="utf-8")
    with pytest.raises(RubricError, match=r"provinces\.HG: không có bảng điểm nào của 'ha-giang'"):
        load_book(tmp_path)


def test_a_withdrawal_names_a_version_that_exists(tmp_path: Path) -> None:
    broken(tmp_path, "withdraws", [{"version": "2020-01-01", "reason": "sai"}])
    with pytest.raises(RubricError, match="rút phiên bản 2020-01-01 không có"):
        load_book(tmp_path)


def test_observer_scored_items_are_marked_whatever_their_codes(tmp_path: Path) -> None:
    book = load_book()
    hd12 = book.select(held_on=date(2019, 1, 1))
    assert hd12.observer_items("regular") == {"H1": 8, "H3": 6, "H4": 15}
    assert hd12.observer_items("thematic") == {"H1": 8, "H3": 6, "H4": 15, "H5": 15}
    assert HD42.observer_items("regular") == {"C3": 3, "C4": 20, "C5": 5}
    # A file that marks none (written before the marker): every manual item is the observer's.
    assert NGHE_AN.observer_items("regular") == {"N1": 6, "N3": 15, "N4": 15, "N5": 3}
    assert NGHE_AN.observer_items("thematic") == NGHE_AN.manual_items("thematic")
    with pytest.raises(RubricError, match="chỉ tiểu mục chấm tay mới có observer_scored"):
        load_book(broken(tmp_path, "criteria.0.sub_items.0.observer_scored", True))


def test_newest_version_in_force_on_the_meeting_date_wins() -> None:
    later = HD42.model_copy(update={"version": "2027-01-01", "effective_on": date(2027, 1, 1)})
    book = type(load_book())((HD42, later))
    assert book.select(held_on=date(2026, 12, 31)).version == "2025-10-28"
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
