"""Measurable targets in a resolution: a quantity to reach, a deadline, a named owner.

Read from the tasks part of the text (the opening totals, last month's results and the vote tally
carry numbers too, but they set no target), and from the structured tasks. Document references
("Chỉ thị 05-CT/TW", "Hướng dẫn số 12-HD/BTCTW, ngày 06/7/2018") and past dates are not targets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from meetings.signals.records import ResolutionTask

TargetKind = Literal["quantity", "deadline", "owner"]


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    text: str


_I = re.IGNORECASE
# Where the tasks begin; the text before it is context and results.
_TASKS_HEADING = re.compile(
    r"(?<!thực hiện )nhiệm vụ(?: trọng tâm| chủ yếu)?(?: trong)? (?:tháng|quý|thời gian)"
    r" (?:tới|sau|\d+)"
    r"|phương hướng|nhiệm vụ,? giải pháp|chi bộ (?:quyết nghị|đề ra|thống nhất các nhiệm vụ)",
    _I,
)
# Sentences that count people or votes, not targets.
_NOT_TARGET_SENTENCE = re.compile(
    r"tổng số đảng viên|có mặt|vắng mặt|vắng có lý do|vắng không|biểu quyết|tán thành"
    r"|nhất trí thông qua|thông qua nghị quyết|chủ trì:|thư ký",
    _I,
)
_DOC_REFERENCE = re.compile(
    r"\b\d+\s*[-–]\s*[^\W\d_]{1,8}(?:/[^\W\d_]{1,8})+"
    r"|(?:nghị quyết|chỉ thị|kết luận|quy định|hướng dẫn|công văn|kế hoạch|đề án|quyết định"
    r"|thông báo|nghị định|thông tư|luật|hội nghị|trung ương)\s+(?:số\s+)?(?:lần thứ\s+)?\d+"
    r"|(?:giai đoạn|nhiệm kỳ)\s+\d{4}\s*[-–]\s*\d{4}",
    _I,
)
_DAY_MONTH = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\b")
_DAY_MONTH_WORDS = re.compile(r"\bngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?", _I)
_BY_MONTH = re.compile(
    r"\b(?:trước|chậm nhất(?: là)?|đến hết|hết|trong|cuối|đầu|giữa)\s+tháng\s+(\d{1,2})"
    r"(?:\s*(?:/|năm)\s*(\d{4}))?",
    _I,
)
_WITHIN = re.compile(
    r"\btrong\s+(?:quý\s+(?:[IV]+|\d)|\d+\s+(?:ngày|tuần|tháng)(?! đầu năm| cuối năm| qua))\b"
    r"|\b(?:trước|trong) (?:dịp )?tết\b|\btrước (?:mùa mưa|mùa bão|ngày khai giảng)",
    _I,
)
_UNITS = (
    r"hộ gia đình|hộ|người|đảng viên|quần chúng|thanh niên|đoàn viên|hội viên|học sinh|cháu|em"
    r"|km|mét|m2|m²|m3|m|ha|héc-ta|sào|tấn|tạ|kg|triệu|tỷ|nghìn|ngàn|đồng|con|cây|gốc|suất"
    r"|buổi|lượt|cuộc|lớp|thẻ|hồ sơ|tài khoản|phòng|công trình|chuyến|tin|bài|trường hợp"
    r"|ngày công|lần|đợt|tuyến|cột|bóng đèn|mô hình|chi hội|tổ"
)
_NUMBER_WORDS = r"một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|hai mươi|ba mươi"
_QUANTITY = re.compile(
    rf"\b\d+(?:[.,]\d+)?\s*%"
    rf"|\b\d+(?:[.,]\d+)?\s*(?:{_UNITS})\b"
    rf"|\b(?:{_NUMBER_WORDS})\s+(?:{_UNITS})\b"
    r"|\b(?:đạt|phấn đấu|ít nhất|tối thiểu|không dưới|kết nạp|thu|vận động|trồng|làm mới"
    r"|cứng hóa|bê tông hóa|giảm|tăng)\s+(?:[^\W\d_]+\s+){0,2}\d+",
    _I,
)
_NAMED_PERSON = re.compile(r"(?<!các )(?<!những )\b(?:đồng chí|đ/c)\s+((?:\w+\s*){1,4})", _I)
_ROLE_OWNER = re.compile(
    r"\b(?:bí thư|phó bí thư|trưởng thôn|tổ trưởng(?: tổ dân phố)?|chi hội trưởng(?: [^\W\d_]+)*?"
    r"|trưởng ban công tác mặt trận|công an viên|tổ đảng(?: số)? \d+)\s+"
    r"(?:phụ trách|chịu trách nhiệm|chủ trì|trực tiếp|theo dõi|đôn đốc)",
    _I,
)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;!?])\s+|\n+", text) if s.strip()]


def tasks_part(resolution: str) -> str:
    """The text from the first tasks heading on; all of it when there is no heading."""
    match = _TASKS_HEADING.search(resolution)
    return resolution[match.start() :] if match else resolution


def _year_for(month: int, held_on: date) -> int:
    # A month written without its year is the coming one: "trước 15/1" decided in December.
    return held_on.year + 1 if month < held_on.month - 6 else held_on.year


def _is_ahead(day: int, month: int, year: str | None, held_on: date) -> bool:
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return False
    y = int(year) if year else _year_for(month, held_on)
    try:
        when = date(y, month, day)
    except ValueError:  # 30/2, 31/4: a slip of the pen, the month still tells the deadline
        when = date(y, month, 28)
    return when >= held_on


def _owners(sentence: str) -> list[str]:
    found = []
    for match in _NAMED_PERSON.finditer(sentence):
        name_words = []
        for word in match.group(1).split():
            if not word[0].isupper():
                break
            name_words.append(word)
        if name_words:
            found.append(" ".join(name_words))
    found += [m.group(0) for m in _ROLE_OWNER.finditer(sentence)]
    return found


def measurable_targets(
    resolution: str, held_on: date, tasks: tuple[ResolutionTask, ...] = ()
) -> list[Target]:
    """Every quantity, coming deadline and named owner the resolution sets."""
    found: list[Target] = []
    for task in tasks:
        if task.owner:
            found.append(Target("owner", task.owner))
        if task.due_on and task.due_on >= held_on:
            found.append(Target("deadline", task.due_on.isoformat()))
    text = unicodedata.normalize("NFC", tasks_part(resolution))
    for sentence in _sentences(text):
        if _NOT_TARGET_SENTENCE.search(sentence):
            continue
        sentence = _DOC_REFERENCE.sub(" ", sentence)
        for m in _DAY_MONTH.finditer(sentence):
            if _is_ahead(int(m.group(1)), int(m.group(2)), m.group(3), held_on):
                found.append(Target("deadline", m.group(0)))
        for m in _DAY_MONTH_WORDS.finditer(sentence):
            if _is_ahead(int(m.group(1)), int(m.group(2)), m.group(3), held_on):
                found.append(Target("deadline", m.group(0)))
        for m in _BY_MONTH.finditer(sentence):
            if _is_ahead(28, int(m.group(1)), m.group(2), held_on):
                found.append(Target("deadline", m.group(0)))
        found += [Target("deadline", m.group(0)) for m in _WITHIN.finditer(sentence)]
        undated = _DAY_MONTH_WORDS.sub(" ", _DAY_MONTH.sub(" ", sentence))
        # Months, years and spans of time ("6 tháng đầu năm") are when, not how much.
        undated = re.sub(
            r"\b(?:tháng|năm|quý)\s+\d+|\b\d+\s+(?:tháng|năm|ngày|tuần|quý)\b",
            " ",
            undated,
            flags=_I,
        )
        found += [Target("quantity", m.group(0)) for m in _QUANTITY.finditer(undated)]
        found += [Target("owner", name) for name in _owners(sentence)]
    return found
