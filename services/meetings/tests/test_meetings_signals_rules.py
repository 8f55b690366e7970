"""Formality signals, worked examples: copied minutes, resolutions without a target, speakers not
named, attendance written the same every month. Pure rules, no database, no broker."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from meetings.signals.policy import FormalityRules, load_rules, rules_for
from meetings.signals.records import (
    AttendanceFigures,
    FormalityReport,
    MeetingRecord,
    ResolutionTask,
)
from meetings.signals.rules import formality_signals
from meetings.signals.speakers import named_speakers, unnamed_discussion
from meetings.signals.targets import measurable_targets
from meetings.vietnamese import fold, words

RULES = rules_for(load_rules(), None, date(2026, 4, 1))

MARCH_MINUTES = """BIÊN BẢN SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 3/2026
Hôm nay, vào hồi 19 giờ 30 phút ngày 04/03/2026, tại Nhà văn hóa thôn Bản Man, Chi bộ thôn Bản Man
tiến hành sinh hoạt thường kỳ tháng 3/2026.
Chủ trì: đồng chí Nông Văn Đốc, Bí thư chi bộ. Thư ký: đồng chí Hoàng Thị Lan.
Tổng số đảng viên của chi bộ: 24 đồng chí; có mặt 22 đồng chí; vắng có lý do 2 đồng chí (đồng chí
Lò Văn Sáng ốm, đồng chí Ma Thị Hà đi làm ăn xa); vắng không lý do 0 đồng chí.
I. THÔNG TIN THỜI SỰ
Đồng chí Bí thư thông tin tình hình kinh tế - xã hội của xã trong tháng 2; phổ biến lịch thời vụ
gieo cấy vụ xuân và kế hoạch tiêm phòng cho đàn gia súc.
II. ĐÁNH GIÁ KẾT QUẢ THÁNG TRƯỚC
Toàn thôn đã gieo cấy được 18 ha lúa xuân, đạt 90% kế hoạch; tiêm phòng cho 120 con trâu, bò.
Tình hình tư tưởng đảng viên và nhân dân ổn định, phấn khởi vì được mùa rau màu vụ đông.
III. THẢO LUẬN
- Đồng chí Hoàng Văn Quang: đề nghị hợp tác xã điều tiết nước sớm cho cánh đồng phía dưới.
- Đồng chí Quan Thị Chiêu: đề xuất ra quân diệt chuột đồng loạt trong toàn thôn.
Đồng chí Vũ Văn Liệu phản ánh kênh mương nội đồng bị bồi lấp, nước không về kịp.
IV. NHIỆM VỤ THÁNG TỚI
Cấy xong 20 ha lúa xuân trước ngày 20/4; giao đồng chí Hoàng Văn Quang đôn đốc.
Nạo vét 300 mét kênh mương nội đồng; đồng chí Vũ Văn Liệu phụ trách.
Chi bộ tự chấm điểm: 92 điểm, xếp loại Tốt. Biên bản được đọc lại và nhất trí thông qua."""

APRIL_MINUTES = """BIÊN BẢN SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 4/2026
Hôm nay, vào hồi 19 giờ 30 phút ngày 04/04/2026, tại Nhà văn hóa thôn Bản Man, Chi bộ thôn Bản Man
tiến hành sinh hoạt thường kỳ tháng 4/2026.
Chủ trì: đồng chí Nông Văn Đốc, Bí thư chi bộ. Thư ký: đồng chí Hoàng Thị Lan.
Tổng số đảng viên của chi bộ: 24 đồng chí; có mặt 23 đồng chí; vắng có lý do 1 đồng chí (đồng chí
Ma Thị Hà đi làm ăn xa); vắng không lý do 0 đồng chí.
I. THÔNG TIN THỜI SỰ
Phổ biến công điện của tỉnh về phòng, chống dịch tả lợn châu Phi đang lan ở các xã lân cận, và
hướng dẫn đảng viên cài đặt Sổ tay đảng viên điện tử.
II. ĐÁNH GIÁ KẾT QUẢ THÁNG TRƯỚC
Đã cấy xong 20 ha lúa xuân; nạo vét được 250 mét kênh mương, còn 50 mét do thiếu ngày công.
Nhân dân lo lắng dịch tả lợn châu Phi lây lan vì có người lạ vào thôn thu mua lợn.
III. THẢO LUẬN
Đồng chí Lò Văn Sáng đề nghị thôn lập chốt kiểm soát việc mua bán lợn ốm từ nơi khác về.
- Đ/c Chiêu: cho rằng nên giao chi hội phụ nữ vận động các hộ không thả rông gia súc.
Đồng chí Hà Văn Tuấn cho biết đã có 15 đảng viên cài đặt Sổ tay đảng viên điện tử.
IV. NHIỆM VỤ THÁNG TỚI
Phun khử trùng chuồng trại cho 100% hộ chăn nuôi trước ngày 15/5; đồng chí Lò Văn Sáng phối hợp
thú y xã thực hiện. 100% đảng viên cài đặt Sổ tay đảng viên điện tử trong tháng 5.
Chi bộ tự chấm điểm: 90 điểm, xếp loại Tốt. Biên bản được đọc lại và nhất trí thông qua."""


def copy_of_march(minutes: str = MARCH_MINUTES) -> str:
    """What a secretary does who copies last month's minutes: new dates, one line changed."""
    return (
        minutes.replace("04/03/2026", "04/04/2026")
        .replace("tháng 3/2026", "tháng 4/2026")
        .replace("THÁNG 3/2026", "THÁNG 4/2026")
        .replace("trong tháng 2", "trong tháng 3")
        .replace("có mặt 22", "có mặt 23")
        .replace("18 ha lúa xuân, đạt 90%", "20 ha lúa xuân, đạt 100%")
    )


def meeting(
    month: int,
    minutes: str = "",
    resolution: str = "",
    *,
    branch: str = "branch-ban-man",
    attendance: AttendanceFigures | None = None,
    speakers: tuple[str, ...] = (),
    tasks: tuple[ResolutionTask, ...] = (),
    year: int = 2026,
) -> MeetingRecord:
    return MeetingRecord(
        meeting_id=f"{branch}-{year}{month:02d}",
        branch_id=branch,
        held_on=date(year, month, 4),
        minutes=minutes,
        resolution=resolution,
        speakers=speakers,
        tasks=tasks,
        attendance=attendance,
    )


def codes(report: FormalityReport) -> set[str]:
    return {s.code for s in report.signals}


# --- copied minutes -----------------------------------------------------------------------------


def test_copying_last_months_minutes_raises_the_signal() -> None:
    march = meeting(3, MARCH_MINUTES)
    april = meeting(4, copy_of_march())

    report = formality_signals(april, [march], RULES)

    [signal] = [s for s in report.signals if s.code == "minutes_repeated"]
    assert signal.evidence["matched_meeting_id"] == march.meeting_id
    assert signal.evidence["similarity"] >= RULES.minutes_similarity
    assert "04/03/2026" in signal.explanation and "Biên bản giống khoảng" in signal.explanation
    assert report.rules_version == RULES.version


def test_an_honest_new_record_does_not_raise_it() -> None:
    """Same branch, same chair, same template, same season: but written anew."""
    report = formality_signals(meeting(4, APRIL_MINUTES), [meeting(3, MARCH_MINUTES)], RULES)

    assert "minutes_repeated" not in codes(report)


def test_a_copy_with_the_month_written_in_words_and_other_accents_still_matches() -> None:
    march = meeting(3, MARCH_MINUTES.replace("tháng 2;", "tháng hai;"))
    retyped = (
        copy_of_march(march.minutes)
        .replace("tháng hai;", "tháng ba;")
        .replace("hòa", "hoà")  # old-style tone placement
        .replace("Thủy", "Thuỷ")
    )

    report = formality_signals(meeting(4, retyped), [march], RULES)

    assert "minutes_repeated" in codes(report)


def test_copies_are_looked_for_in_the_branchs_own_year_only() -> None:
    other_branch = meeting(3, MARCH_MINUTES, branch="branch-ban-khan")
    two_years_ago = meeting(3, MARCH_MINUTES, year=2024)
    april = meeting(4, copy_of_march())

    assert "minutes_repeated" not in codes(formality_signals(april, [other_branch], RULES))
    assert "minutes_repeated" not in codes(formality_signals(april, [two_years_ago], RULES))
    # a later record never counts as what this one copied
    assert "minutes_repeated" not in codes(
        formality_signals(meeting(2, MARCH_MINUTES), [april], RULES)
    )


def test_a_copied_resolution_is_its_own_signal() -> None:
    resolution = (
        "NGHỊ QUYẾT CHI BỘ THÁNG 3/2026. II. NHIỆM VỤ THÁNG TỚI: 1. Tiếp tục lãnh đạo thực hiện "
        "tốt nhiệm vụ chính trị của địa phương. 2. Tăng cường công tác tuyên truyền, vận động nhân "
        "dân chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước. 3. Nâng cao "
        "chất lượng sinh hoạt chi bộ. Chi ủy, các tổ đảng và toàn thể đảng viên có trách nhiệm tổ "
        "chức thực hiện nghị quyết này."
    )
    march = meeting(3, MARCH_MINUTES, resolution)
    april = meeting(4, APRIL_MINUTES, resolution.replace("3/2026", "4/2026"))

    report = formality_signals(april, [march], RULES)

    assert {"resolution_repeated", "resolution_without_target"} <= codes(report)
    assert "minutes_repeated" not in codes(report)


def test_short_texts_are_not_compared() -> None:
    """Two one-line resolutions alike by chance say nothing about copying."""
    march = meeting(3, resolution="Nhất trí thông qua.")
    april = meeting(4, resolution="Nhất trí thông qua.")

    assert "resolution_repeated" not in codes(formality_signals(april, [march], RULES))


# --- resolution without a measurable target -----------------------------------------------------

VAGUE = """NGHỊ QUYẾT CHI BỘ THÁNG 4/2026
Ngày 04/04/2026, Chi bộ thôn Bản Man họp phiên thường kỳ. Tổng số đảng viên 24, có mặt 23, vắng 1.
I. KẾT QUẢ THÁNG TRƯỚC
Đã cấy xong 20 ha lúa xuân, đạt 100% kế hoạch; thu đảng phí của 24 đảng viên.
II. NHIỆM VỤ TRỌNG TÂM THÁNG 5
1. Tiếp tục đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh theo Chỉ thị
05-CT/TW.
2. Nâng cao chất lượng sinh hoạt chi bộ theo Hướng dẫn số 12-HD/BTCTW ngày 06/7/2018.
3. Phát huy kết quả đạt được trong 3 tháng đầu năm, phấn đấu hoàn thành các chỉ tiêu năm 2026.
4. Tiếp tục thực hiện Nghị quyết số 15-NQ/ĐU ngày 20/12/2025 của Đảng ủy xã.
Chi ủy, các tổ đảng và toàn thể đảng viên có trách nhiệm tổ chức thực hiện nghị quyết này.
Nghị quyết được 23/23 đảng viên có mặt biểu quyết tán thành (100%)."""


def test_a_resolution_of_slogans_has_no_measurable_target() -> None:
    """Numbers abound (totals, last month's results, documents, past dates, the vote), none of
    them a target."""
    report = formality_signals(meeting(4, resolution=VAGUE), [], RULES)

    [signal] = [s for s in report.signals if s.code == "resolution_without_target"]
    assert signal.evidence["targets_found"] == []
    assert "không có chỉ tiêu đo được" in signal.explanation


@pytest.mark.parametrize(
    ("task", "kind"),
    [
        ("5. Kết nạp 02 quần chúng ưu tú vào Đảng.", "quantity"),
        ("5. Phấn đấu 95% hộ gia đình tham gia bảo hiểm y tế.", "quantity"),
        ("5. Kết nạp hai đảng viên mới trong năm.", "quantity"),
        ("5. Hoàn thành rà soát hộ nghèo trước ngày 25/5.", "deadline"),
        ("5. Báo cáo chi bộ chậm nhất ngày 30 tháng 5.", "deadline"),
        ("5. Khơi thông cống rãnh trong quý II.", "deadline"),
        ("5. Giao đồng chí Lò Văn Sáng phụ trách vận động các hộ xóm dưới.", "owner"),
        ("5. Đồng chí Trưởng thôn chịu trách nhiệm tổng hợp kiến nghị.", "owner"),
        ("5. Giao tổ đảng số 2 phụ trách vận động các hộ xóm dưới.", "owner"),
    ],
)
def test_one_measurable_task_is_enough(task: str, kind: str) -> None:
    resolution = VAGUE.replace("Chi ủy, các tổ đảng", f"{task}\nChi ủy, các tổ đảng")

    targets = measurable_targets(resolution, date(2026, 4, 4))

    assert {t.kind for t in targets} == {kind}
    report = formality_signals(meeting(4, resolution=resolution), [], RULES)
    assert "resolution_without_target" not in codes(report)


def test_a_deadline_already_past_is_no_target() -> None:
    resolution = VAGUE.replace("Chi ủy, các tổ đảng", "5. Hoàn thành trước ngày 15/3.\nChi ủy")

    assert measurable_targets(resolution, date(2026, 4, 4)) == []


def test_structured_tasks_with_an_owner_or_a_due_date_are_targets() -> None:
    tasks = (ResolutionTask("Vận động các hộ tiêm phòng", owner="m07"),)
    past = (ResolutionTask("Vận động các hộ tiêm phòng", due_on=date(2026, 3, 1)),)

    assert "resolution_without_target" not in codes(
        formality_signals(meeting(4, resolution=VAGUE, tasks=tasks), [], RULES)
    )
    assert "resolution_without_target" in codes(
        formality_signals(meeting(4, resolution=VAGUE, tasks=past), [], RULES)
    )


def test_a_december_deadline_in_january_is_ahead() -> None:
    resolution = "II. NHIỆM VỤ THÁNG TỚI: Tặng quà gia đình chính sách trước 15/1."

    assert [t.kind for t in measurable_targets(resolution, date(2026, 12, 4))] == ["deadline"]


# --- speakers not named -------------------------------------------------------------------------

UNNAMED = """III. THẢO LUẬN
Các đồng chí đảng viên tham gia thảo luận sôi nổi, tập trung vào việc phòng, chống dịch bệnh trên
đàn gia súc; các ý kiến đều nhất trí với báo cáo của chi ủy.
Chi bộ thống nhất đề nghị Đảng ủy xã khen thưởng đồng chí Lò Văn Sáng có thành tích trong phong
trào của thôn.
Chi bộ nhắc nhở đồng chí Ma Thị Hà chưa tham gia ý kiến tại các kỳ sinh hoạt.
Đồng chí Bí thư tiếp thu các ý kiến và giải trình thêm một số nội dung."""


def test_a_lively_discussion_without_a_name_raises_the_signal() -> None:
    """The roll, the chair, a commendation and a reminder name people: none of them spoke."""
    minutes = MARCH_MINUTES.split("III. THẢO LUẬN")[0] + UNNAMED

    report = formality_signals(meeting(4, minutes), [], RULES)

    [signal] = [s for s in report.signals if s.code == "speakers_not_named"]
    assert signal.evidence["named"] == []
    assert "“Các đồng chí đảng viên tham gia thảo luận sôi nổi”" in signal.explanation
    assert "không nêu tên người phát biểu" in signal.explanation


def test_minutes_with_no_speaker_at_all_raise_it_too() -> None:
    minutes = MARCH_MINUTES.split("III. THẢO LUẬN")[0]

    [signal] = [
        s
        for s in formality_signals(meeting(4, minutes), [], RULES).signals
        if s.code == "speakers_not_named"
    ]
    assert signal.explanation == "Biên bản không ghi tên người phát biểu nào."


@pytest.mark.parametrize(
    "line",
    [
        "- Đ/c Chiêu: đề nghị giao chi hội phụ nữ vận động các hộ.",
        "Đồng chí Lò Văn Sáng phát biểu, đề nghị lập chốt kiểm soát.",
        "Ý kiến của đồng chí Hà Văn Tuấn: cần nhắc nhở các hộ thả rông gia súc.",
        "Đồng chí Vũ Văn Liệu, chi hội trưởng Chi hội Nông dân, đề xuất ra quân diệt chuột.",
        "Đ/c Hùng (tổ đảng số 2) phản ánh kênh mương bị bồi lấp.",
        "Ý kiến tham gia gồm các đồng chí: Lò Văn Sáng, Hà Văn Tuấn và Quan Thị Chiêu.",
    ],
)
def test_one_named_speaker_is_enough(line: str) -> None:
    minutes = MARCH_MINUTES.split("III. THẢO LUẬN")[0] + UNNAMED + "\n" + line

    assert named_speakers(minutes)
    assert "speakers_not_named" not in codes(formality_signals(meeting(4, minutes), [], RULES))


def test_the_structured_speaker_list_names_them_too() -> None:
    minutes = MARCH_MINUTES.split("III. THẢO LUẬN")[0] + UNNAMED
    record = meeting(4, minutes, speakers=("m03", "m11"))

    assert "speakers_not_named" not in codes(formality_signals(record, [], RULES))


def test_named_speakers_of_the_worked_minutes() -> None:
    assert named_speakers(MARCH_MINUTES) == ["Hoàng Văn Quang", "Quan Thị Chiêu", "Vũ Văn Liệu"]
    assert unnamed_discussion(MARCH_MINUTES) == []


# --- attendance unchanged -----------------------------------------------------------------------


def figures(
    members: int = 24, present: int = 22, excused: int = 2, unexcused: int = 0
) -> AttendanceFigures:
    return AttendanceFigures(members, present, excused, unexcused)


def test_the_same_attendance_four_months_running_raises_the_signal() -> None:
    earlier = [meeting(m, attendance=figures()) for m in (1, 2, 3)]

    report = formality_signals(meeting(4, attendance=figures()), earlier, RULES)

    [signal] = [s for s in report.signals if s.code == "attendance_unchanged"]
    assert signal.evidence["meeting_ids"] == [m.meeting_id for m in earlier] + [
        "branch-ban-man-202604"
    ]
    assert "có mặt 22/24" in signal.explanation and "từ tháng 01/2026" in signal.explanation


@pytest.mark.parametrize(
    ("earlier", "now"),
    [
        ([figures(), figures(), figures(present=21, excused=3)], figures()),  # one month differed
        ([figures(), figures()], figures()),  # three meetings only
        ([figures(9, 8, 1, 0)] * 3, figures(9, 8, 1, 0)),  # fewer than 10 members
        ([figures(20, 20, 0, 0)] * 3, figures(20, 20, 0, 0)),  # everyone present, small branch
    ],
)
def test_attendance_that_changed_or_a_small_branch_does_not(
    earlier: list[AttendanceFigures], now: AttendanceFigures
) -> None:
    records = [meeting(m, attendance=f) for m, f in zip((1, 2, 3), earlier, strict=False)]
    report = formality_signals(meeting(4, attendance=now), records, RULES)

    assert "attendance_unchanged" not in codes(report)


def test_a_large_branch_with_everyone_present_every_month_raises_it() -> None:
    full = figures(30, 30, 0, 0)
    earlier = [meeting(m, attendance=full) for m in (1, 2, 3)]

    assert "attendance_unchanged" in codes(
        formality_signals(meeting(4, attendance=full), earlier, RULES)
    )


def test_identical_figures_long_ago_do_not_count() -> None:
    earlier = [meeting(m, attendance=figures(), year=2025) for m in (1, 2, 3)]

    assert "attendance_unchanged" not in codes(
        formality_signals(meeting(4, attendance=figures()), earlier, RULES)
    )


# --- rule data and text -------------------------------------------------------------------------


def test_rules_are_dated_data_and_a_province_may_have_its_own() -> None:
    default = RULES
    own = default.model_copy(
        update={
            "id": "ha-giang",
            "province_code": "HG",
            "effective_from": date(2026, 6, 1),
            "minutes_similarity": 0.8,
        }
    )
    sets: list[FormalityRules] = [default, own]

    assert rules_for(sets, "HG", date(2026, 5, 31)).id == "default"
    assert rules_for(sets, "HG", date(2026, 6, 1)).minutes_similarity == 0.8
    assert rules_for(sets, "TQ", date(2026, 6, 1)).id == "default"
    with pytest.raises(LookupError):
        rules_for(sets, None, date(2020, 1, 1))


def test_folding_absorbs_how_the_text_was_typed() -> None:
    decomposed = unicodedata.normalize("NFD", "Hòa Bình")
    assert fold("Hoà Bình") == fold(decomposed) == fold("Hoa Binh") == "hoa binh"
    assert words("ngày 04/03/2026, tháng ba: 1.250.000 đồng") == [
        "ngay",
        "#",
        "thang",
        "#",
        "#",
        "dong",
    ]
