"""Vietnamese formats for pages and spreadsheets: dd/mm/yyyy, 1.234,5, "Tháng 7/2026",
"Quý III/2026", times in Vietnam (UTC+7), and the names of codes the APIs return."""

from __future__ import annotations

from datetime import date, datetime, time

from service_kit.clock import VIETNAM

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

GRADES = {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "kem": "Kém"}
LEVELS = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "fulfilled": "Hoàn thành nhiệm vụ",
    "not_fulfilled": "Không hoàn thành nhiệm vụ",
}
ATTENDANCE = {
    "present": "Có mặt",
    "excused": "Vắng có lý do",
    "unexcused": "Vắng không lý do",
    "exempt": "Miễn sinh hoạt",
}
MEMBER_STATUS = {
    "full": "Chính thức",
    "probationary": "Dự bị",
    "exempt": "Miễn sinh hoạt",
    "suspended": "Đình chỉ",
    "temporarily_attached": "Sinh hoạt tạm thời",
}
MEETING_TYPES = {
    "regular": "Thường kỳ",
    "thematic": "Chuyên đề",
    "combined": "Thường kỳ kết hợp chuyên đề",
    "extraordinary": "Bất thường",
    "year_end": "Tổng kết năm",
    "pilot": "Sinh hoạt điểm",
    "cluster": "Sinh hoạt cụm",
}
REQUEST_STATUS = {
    "submitted": "Đã gửi",
    "acknowledged": "Đã tiếp nhận",
    "in_progress": "Đang xử lý",
    "answered": "Đã trả lời",
    "closed": "Đã đóng",
    "forwarded": "Đã chuyển cấp có thẩm quyền",
    "returned": "Trả lại",
    "rejected": "Từ chối",
}
TIMELINE_KINDS = {
    "raised": "Nêu kiến nghị",
    "acknowledge": "Tiếp nhận",
    "start": "Bắt đầu xử lý",
    "answer": "Trả lời",
    "forward": "Chuyển cấp có thẩm quyền",
    "return": "Trả lại",
    "reject": "Từ chối",
    "accept_answer": "Chi bộ đồng ý với trả lời",
    "reopen": "Mở lại",
    "reminder": "Nhắc hạn",
    "escalated": "Chuyển lên cấp trên (quá hạn)",
    "level_skipped": "Bỏ qua cấp không còn",
}
ACTION_ITEM_STATUS = {
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành trễ hạn",
    "in_progress": "Đang thực hiện",
    "not_done": "Chưa thực hiện",
}
ORG_KINDS = {
    "province": "Tỉnh ủy",
    "commune": "Đảng bộ xã, phường",
    "legacy_district": "Huyện ủy (trước 7/2025)",
    "sectoral": "Đảng bộ trực thuộc",
    "grassroots_organisation": "Đảng bộ cơ sở",
    "grassroots_branch": "Chi bộ cơ sở",
    "sub_organisation": "Đảng bộ bộ phận",
    "affiliated_branch": "Chi bộ trực thuộc",
    "party_group": "Tổ đảng",
}
REPORT_STATUS = {"expected": "Chưa nộp", "filed": "Đã nộp", "overdue": "Quá hạn"}


def _as_date(value: date | datetime | str | None) -> date | datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return value


def parse_day(text: str) -> date | None:
    """A date as people type it: 05/03/2026 or 5/3/2026 (day first, always), or 2026-03-05."""
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            parsed = date(year if year > 99 else 2000 + year, month, day)
        else:
            parsed = date.fromisoformat(text)
    except ValueError:
        return None
    # Outside what the services accept (1930 – 2199) is a typo, not a date.
    return parsed if 1930 <= parsed.year <= 2199 else None


def parse_time(text: str) -> time | None:
    """19:30, 19.30 or 19h30."""
    cleaned = text.strip().lower().replace("h", ":").replace(".", ":")
    if cleaned.endswith(":"):
        cleaned += "00"
    try:
        hours, minutes = (int(part) for part in cleaned.split(":"))
        return time(hours, minutes)
    except ValueError:
        return None


def local(value: datetime | str) -> datetime:
    parsed = _as_date(value)
    assert isinstance(parsed, datetime)
    return parsed.astimezone(VIETNAM) if parsed.tzinfo else parsed


def ngay(value: date | datetime | str | None) -> str:
    """05/03/2026 (a datetime in Vietnam time)."""
    parsed = _as_date(value)
    if parsed is None:
        return ""
    if isinstance(parsed, datetime) and parsed.tzinfo:
        parsed = parsed.astimezone(VIETNAM)
    return f"{parsed.day:02d}/{parsed.month:02d}/{parsed.year}"


def gio(value: datetime | str | None) -> str:
    if not value:
        return ""
    t = local(value)
    return f"{t.hour:02d}:{t.minute:02d}"


def ngay_gio(value: datetime | str | None) -> str:
    return f"{gio(value)} {ngay(value)}" if value else ""


def han(value: datetime | str | None) -> str:
    """A deadline: «trước ngày 10/12/2026» when it falls at midnight in Vietnam."""
    if not value:
        return ""
    t = local(value)
    if (t.hour, t.minute) == (0, 0):
        return f"trước ngày {ngay(t)}"
    return f"trước {gio(t)} ngày {ngay(t)}"


def so(value: float | int | None, decimals: int | None = None) -> str:
    """1.234.567,5 — dot for thousands, comma for decimals; whole numbers without decimals."""
    if value is None:
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("−" if value < 0 else "") + text


def phan_tram(rate: float | None, decimals: int = 1) -> str:
    """0.913 → 91,3%."""
    if rate is None:
        return "–"
    return so(round(rate * 100, decimals), decimals if not (rate * 100).is_integer() else 0) + "%"


def thang(month: str | date) -> str:
    """'2026-07' → 'Tháng 7/2026'."""
    if isinstance(month, date):
        return f"Tháng {month.month}/{month.year}"
    year, mon = month.split("-")[:2]
    return f"Tháng {int(mon)}/{year}"


def ky(period: str) -> str:
    """A period as officials write it: Tháng 7/2026, Quý III/2026, 6 tháng đầu năm 2026,
    Năm 2026."""
    if "-Q" in period:
        year, q = period.split("-Q")
        return f"Quý {ROMAN[int(q)]}/{year}"
    if "-H" in period:
        year, h = period.split("-H")
        return f"6 tháng {'đầu' if h == '1' else 'cuối'} năm {year}"
    if "-" in period:
        return thang(period)
    return f"Năm {period}"


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def months_back(day: date, count: int) -> list[str]:
    """The `count` months ending with `day`'s month, oldest first ('2026-05', …)."""
    year, month = day.year, day.month
    out = []
    for _ in range(count):
        out.append(f"{year}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))


FILTERS = {
    "ngay": ngay,
    "gio": gio,
    "ngay_gio": ngay_gio,
    "han": han,
    "so": so,
    "phan_tram": phan_tram,
    "thang": thang,
    "ky": ky,
}
NAMES = {
    "GRADES": GRADES,
    "LEVELS": LEVELS,
    "ATTENDANCE": ATTENDANCE,
    "MEMBER_STATUS": MEMBER_STATUS,
    "MEETING_TYPES": MEETING_TYPES,
    "REQUEST_STATUS": REQUEST_STATUS,
    "TIMELINE_KINDS": TIMELINE_KINDS,
    "ACTION_ITEM_STATUS": ACTION_ITEM_STATUS,
    "ORG_KINDS": ORG_KINDS,
    "REPORT_STATUS": REPORT_STATUS,
}
