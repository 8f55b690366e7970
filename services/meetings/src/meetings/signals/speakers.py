"""Who spoke, as the minutes tell it: names tied to speaking ("Đồng chí Lò Văn Sáng phát biểu…",
"- Đ/c Hùng: …", "Ý kiến của đồng chí Lan: …"), and the phrases that report a discussion without
naming anyone ("ý kiến thảo luận sôi nổi", "các đồng chí đảng viên tham gia ý kiến")."""

from __future__ import annotations

import re
import unicodedata

_I = re.IGNORECASE
_VERB = (
    r"phát biểu|ý kiến|đề nghị|đề xuất|kiến nghị|nêu|cho rằng|cho biết|trao đổi|góp ý|đóng góp"
    r"|bày tỏ|thảo luận|chia sẻ|phản ánh|hỏi|trả lời|tham luận|tự nhận|báo cáo|giới thiệu"
)
# The name is the speaker when a speaking verb follows it, past a title between commas or in
# brackets ("Đ/c Hùng (tổ 2) đề nghị")...
_SPEAKS_AFTER = re.compile(
    rf"^\s*(?:,[^,.;:]{{1,60}},\s*|\([^)]{{1,40}}\)\s*)?(?:(?:đã|có|cũng|thì)\s+)?(?:{_VERB})\b",
    _I,
)
# ...or when the minutes introduce it as the author of an opinion.
_OPINION_OF = re.compile(r"(?:ý kiến|tham luận|phát biểu)(?: của)?\s*:?\s*$", _I)
_PERSON = re.compile(r"(?<!các )(?<!những )\b(?:đồng chí|đ/c|đc)\s+((?:\w+\s*){1,4})", _I)
_LEADING_NAME = re.compile(r"^\s*[-–+•*]?\s*(?:đồng chí|đ/c|đc)\s+((?:\w+\s*){1,4}):", _I)
_NAME_LIST = re.compile(r"(?:ý kiến|phát biểu|tham luận)[^.;:]{0,40}các đồng chí:?\s+([^.;]+)", _I)
# Roles, not names: "đồng chí Bí thư kết luận" is the chair, whoever she is.
_ROLE_WORDS = {"bí", "phó", "chủ", "trưởng", "chi", "tổ", "đại", "thư", "ủy", "cán"}
_GENERIC = re.compile(
    r"(?:ý kiến )?thảo luận (?:rất |khá )?sôi nổi|ý kiến (?:phát biểu )?(?:rất |khá )?sôi nổi"
    r"|các đồng chí(?: đảng viên)? (?:đã )?(?:tích cực )?(?:tham gia|đóng góp|phát biểu|thảo luận)"
    r"(?: ý kiến| thảo luận)?(?: (?:rất |khá )?sôi nổi)?"
    r"|đảng viên (?:đã )?tích cực (?:tham gia|đóng góp|phát biểu)"
    r"|\d+\s*% (?:đảng viên )?(?:có mặt )?(?:đều )?(?:tham gia )?(?:phát biểu|ý kiến)"
    r"|(?:có )?(?:nhiều|\d+) (?:lượt )?ý kiến(?: phát biểu| tham gia| thảo luận)?"
    r"|các ý kiến (?:đều )?(?:nhất trí|tán thành|thống nhất)",
    _I,
)


def _segments(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;!?])\s+|\n+", text) if s.strip()]


def _name(words: str) -> str:
    """The capitalised words at the start of `words`; empty when they are a role."""
    name = []
    for word in words.split():
        if not word[0].isupper():
            break
        name.append(word)
    if name and name[0].lower() in _ROLE_WORDS:
        return ""
    return " ".join(name)


def _listed_names(names: str) -> list[str]:
    return [n for part in re.split(r",|\bvà\b", names) if (n := _name(part.strip()))]


def named_speakers(minutes: str) -> list[str]:
    """The names the minutes show speaking, each once, in order of appearance."""
    found: list[str] = []
    for segment in _segments(unicodedata.normalize("NFC", minutes)):
        leading = _LEADING_NAME.match(segment)
        if leading and (name := _name(leading.group(1))):
            found.append(name)
            continue
        for listed in _NAME_LIST.finditer(segment):
            found += _listed_names(listed.group(1))
        for match in _PERSON.finditer(segment):
            name = _name(match.group(1))
            if not name:
                continue
            after = segment[match.start(1) + len(name) :]
            before = segment[: match.start()]
            if _SPEAKS_AFTER.match(after) or _OPINION_OF.search(before):
                found.append(name)
    return list(dict.fromkeys(found))


def unnamed_discussion(minutes: str) -> list[str]:
    """Phrases that report speaking without saying who spoke."""
    text = unicodedata.normalize("NFC", minutes)
    return list(dict.fromkeys(m.group(0) for m in _GENERIC.finditer(text)))
