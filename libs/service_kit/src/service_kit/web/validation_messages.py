"""Validation errors in Vietnamese: one sentence per pydantic error type, naming the field in
words from the glossary (`field_names`) with its JSON path after it:
"Thiếu ngày họp (held_on).", "Lý do (reason) không được dài quá 500 ký tự.",
"Tình trạng dự họp (roll[2].attendance) phải là một trong các giá trị: 'present', … hoặc 'exempt'."

Limits and allowed values come from the error's `ctx`. pydantic's English `msg` is never shown,
with one exception: the messages our own validators write (a `ValueError`, an assertion, a
`PydanticCustomError` of our own type, spelt with hyphens), which are Vietnamese already and
follow the field's name. A pydantic type without a sentence here (`PYDANTIC_TYPES` lists those
of the installed pydantic; a unit test checks each has one) gets a generic Vietnamese one.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic_core.core_schema import ErrorType

from service_kit.web.field_names import words_for

PYDANTIC_TYPES: frozenset[str] = frozenset(typing.get_args(ErrorType))
LOCATIONS = ("body", "query", "path", "header", "cookie")
# Parts of a location pydantic adds for a member of a union (`str`, `list[str]`,
# `function-after[…]`, `literal['a']`): not fields, left out of the path shown.
_UNION_MEMBER = re.compile(r"[\[\(]|^(str|int|float|bool|date|datetime|time|bytes|none|dict|list)$")

_OBJECT = "{F} phải là một đối tượng JSON ({{…}})."
_LIST = "{F} phải là một danh sách ([…])."
_DATE = "{F} không phải ngày hợp lệ; dùng dạng YYYY-MM-DD, ví dụ 2026-11-05."
_TIME = "{F} không phải giờ hợp lệ; dùng dạng HH:MM, ví dụ 19:30."
_MOMENT = "{F} không phải thời điểm hợp lệ; dùng RFC 3339, ví dụ 2026-11-05T19:30:00+07:00."
_NUMBER = "{F} phải là một số."
_INTEGER = "{F} phải là số nguyên."
_BOOLEAN = "{F} phải là true hoặc false."
_CHOICE = "{F} phải là một trong các giá trị: {expected}."
_URL = "{F} không phải địa chỉ URL hợp lệ."
_MISSING = "Thiếu {f}."
GENERIC = "{F} không hợp lệ."

SENTENCES: dict[str, str] = {
    "missing": _MISSING,
    "missing_argument": _MISSING,
    "missing_keyword_only_argument": _MISSING,
    "missing_positional_only_argument": _MISSING,
    "extra_forbidden": "{F} không có trong mẫu dữ liệu này; hãy bỏ trường đó.",
    "unexpected_keyword_argument": "{F} không có trong mẫu dữ liệu này; hãy bỏ trường đó.",
    "unexpected_positional_argument": "{F} không có trong mẫu dữ liệu này; hãy bỏ trường đó.",
    "multiple_argument_values": "{F} được gửi nhiều lần.",
    "json_invalid": "Nội dung gửi lên không phải JSON hợp lệ.",
    "json_type": "Nội dung gửi lên phải là JSON.",
    "string_type": "{F} phải là chuỗi ký tự.",
    "string_unicode": "{F} phải là chuỗi ký tự Unicode hợp lệ.",
    "string_too_short": "{F} phải có ít nhất {min_length} ký tự.",
    "string_too_long": "{F} không được dài quá {max_length} ký tự.",
    "string_pattern_mismatch": "{F} không đúng định dạng (mẫu {pattern}).",
    "string_not_ascii": "{F} chỉ được gồm ký tự ASCII (không dấu).",
    "too_short": "{F} phải có ít nhất {min_length} {unit}.",
    "too_long": "{F} có nhiều nhất {max_length} {unit}{actual}.",
    "greater_than": "{F} phải lớn hơn {gt}.",
    "greater_than_equal": "{F} không được nhỏ hơn {ge}.",
    "less_than": "{F} phải nhỏ hơn {lt}.",
    "less_than_equal": "{F} không được lớn hơn {le}.",
    "multiple_of": "{F} phải là bội số của {multiple_of}.",
    "finite_number": "{F} phải là một số hữu hạn.",
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_parsing_size": "{F} là số quá lớn.",
    "int_from_float": "{F} phải là số nguyên, không có phần thập phân.",
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_max_digits": "{F} có nhiều nhất {max_digits} chữ số.",
    "decimal_max_places": "{F} có nhiều nhất {decimal_places} chữ số sau dấu phẩy.",
    "decimal_whole_digits": "{F} có nhiều nhất {whole_digits} chữ số ở phần nguyên.",
    "fraction_type": "{F} phải là một phân số.",
    "fraction_parsing": "{F} phải là một phân số.",
    "complex_type": "{F} phải là một số phức.",
    "complex_str_parsing": "{F} phải là một số phức.",
    "bool_type": _BOOLEAN,
    "bool_parsing": _BOOLEAN,
    "literal_error": _CHOICE,
    "enum": _CHOICE,
    "none_required": "{F} phải để trống (null).",
    "dict_type": _OBJECT,
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "mapping_type": _OBJECT,
    "dataclass_type": _OBJECT,
    "dataclass_exact_type": _OBJECT,
    "named_tuple_type": _OBJECT,
    "ordered_dict_type": _OBJECT,
    "frozen_dict_type": _OBJECT,
    "counter_type": _OBJECT,
    "arguments_type": _OBJECT,
    "invalid_key": "{F} có khóa không phải chuỗi ký tự.",
    "list_type": _LIST,
    "tuple_type": _LIST,
    "set_type": _LIST,
    "frozen_set_type": _LIST,
    "deque_type": _LIST,
    "iterable_type": _LIST,
    "iteration_error": "{F} không đọc được hết như một danh sách.",
    "set_item_not_hashable": "{F} có phần tử không dùng được trong một tập hợp.",
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": "{F} phải là một ngày, không kèm giờ (YYYY-MM-DD).",
    "date_past": "{F} phải là một ngày đã qua.",
    "date_future": "{F} phải là một ngày trong tương lai.",
    "time_type": _TIME,
    "time_parsing": _TIME,
    "datetime_type": _MOMENT,
    "datetime_parsing": _MOMENT,
    "datetime_from_date_parsing": _MOMENT,
    "datetime_object_invalid": _MOMENT,
    "datetime_past": "{F} phải là một thời điểm đã qua.",
    "datetime_future": "{F} phải là một thời điểm trong tương lai.",
    "timezone_naive": "{F} không được kèm múi giờ.",
    "timezone_aware": "{F} phải kèm múi giờ, ví dụ 2026-11-05T19:30:00+07:00.",
    "timezone_offset": "{F} phải theo múi giờ lệch {tz_expected} giây so với UTC.",
    "time_delta_type": "{F} không phải khoảng thời gian hợp lệ.",
    "time_delta_parsing": "{F} không phải khoảng thời gian hợp lệ.",
    "url_type": _URL,
    "url_parsing": _URL,
    "url_syntax_violation": _URL,
    "url_too_long": "{F} không được dài quá {max_length} ký tự.",
    "url_scheme": "{F} phải dùng giao thức {expected_schemes}.",
    "uuid_type": "{F} không phải mã UUID hợp lệ.",
    "uuid_parsing": "{F} không phải mã UUID hợp lệ.",
    "uuid_version": "{F} phải là UUID phiên bản {expected_version}.",
    "bytes_type": "{F} phải là dữ liệu nhị phân.",
    "bytes_too_short": "{F} phải có ít nhất {min_length} byte.",
    "bytes_too_long": "{F} có nhiều nhất {max_length} byte.",
    "bytes_invalid_encoding": "{F} không đúng bảng mã {encoding}.",
    "union_tag_invalid": "{F} có {discriminator} là {tag}, phải là một trong: {expected_tags}.",
    "union_tag_not_found": "{F} thiếu trường phân loại {discriminator}.",
    "frozen_field": "{F} không được thay đổi.",
    "frozen_instance": "{F} không được thay đổi.",
    "recursion_loop": "{F} có tham chiếu vòng.",
    "recursion_depth_exceeded": "{F} lồng nhau quá sâu.",
    "default_factory_not_called": "{F} chưa có giá trị mặc định vì dữ liệu còn lỗi khác.",
}
# Empty is said as such rather than "at least 1 character".
_EMPTY = {"string_too_short", "too_short", "bytes_too_short"}
# Errors about a field that should not be there: named by itself, never by its parent.
_SENT_AS_IS = {"extra_forbidden", "unexpected_keyword_argument", "unexpected_positional_argument"}
# Messages written by our own validators: already Vietnamese, shown after the field's name. Our
# `PydanticCustomError` types are spelt with hyphens (`date-too-early`), pydantic's with
# underscores: a pydantic type this table does not know yet gets the generic sentence.
OWN_MESSAGES = frozenset({"value_error", "assertion_error"})
OWN_TYPE = re.compile(r"-")
_UNITS = {"list": "phần tử", "dictionary": "mục", "set": "phần tử", "tuple": "phần tử"}


@dataclass(frozen=True)
class Named:
    """What a sentence names: words ("ngày họp") and the JSON path ("held_on")."""

    words: str
    path: str

    @property
    def label(self) -> str:
        return f"{self.words} ({self.path})" if self.path else self.words


def _path(parts: Sequence[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def named(loc: Sequence[Any], *, itself: bool = False) -> Named:
    """The field an error is about: the nearest part of its location the glossary knows (a map's
    key names no field: `self_score.C3` is the self score), else the last part as it is.
    `itself`: the last part only (a field that should not be there is named as sent)."""
    parts = list(loc)
    where = parts.pop(0) if parts and parts[0] in LOCATIONS else "body"
    parts = [p for p in parts if isinstance(p, int) or not _UNION_MEMBER.search(str(p))]
    path = _path(parts)
    for part in reversed(parts[-1:] if itself else parts):
        if isinstance(part, str) and (words := words_for(part)) is not None:
            return Named(words, path)
    names = [p for p in parts if isinstance(p, str)]
    if names:
        return Named(f"trường «{names[-1]}»", "" if path == names[-1] else path)
    return Named("nội dung gửi lên" if where == "body" else "tham số", path)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        # pydantic lists allowed values as "'a', 'b' or 'c'".
        return value.replace(" or ", " hoặc ")
    return str(value)


def _own(err: Mapping[str, Any]) -> str:
    message = str(err.get("msg", ""))
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def message(err: Mapping[str, Any]) -> str:
    """One pydantic error (as `ValidationError.errors()` gives it) as a Vietnamese sentence."""
    kind = str(err.get("type", ""))
    field = named(tuple(err.get("loc", ())), itself=kind in _SENT_AS_IS)
    label = field.label
    capital = label[:1].upper() + label[1:]
    if kind in OWN_MESSAGES or OWN_TYPE.search(kind):
        own = _own(err)
        return f"{capital}: {own}" if field.path else own
    ctx = {k: _value(v) for k, v in (err.get("ctx") or {}).items()}
    template = SENTENCES.get(kind, GENERIC)
    if kind in _EMPTY and ctx.get("min_length") == "1":
        template = "{F} không được để trống."
    unit = _UNITS.get(str((err.get("ctx") or {}).get("field_type", "")).lower(), "phần tử")
    actual = (err.get("ctx") or {}).get("actual_length")
    ctx |= {"unit": unit, "actual": f" (đang có {actual})" if actual is not None else ""}
    try:
        return template.format(F=capital, f=label, **ctx)
    except (KeyError, IndexError, ValueError):
        return GENERIC.format(F=capital)
