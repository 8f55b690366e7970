"""Validation errors answer in Vietnamese, naming the field in words with its JSON path; the
pointer and the code stay what they were (machine-readable). pydantic's English never shows,
for any error type it has."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

import httpx
from fastapi import FastAPI, Query
from pydantic import AwareDatetime, BaseModel, Field

from service_kit.web.field_names import FIELD_NAMES, words_for
from service_kit.web.problems import install_problem_handlers
from service_kit.web.validation_messages import (
    OWN_MESSAGES,
    PYDANTIC_TYPES,
    SENTENCES,
    message,
    named,
)

# Words of pydantic's English messages ("Field required", "Input should be a valid integer", …).
ENGLISH = re.compile(
    r"\b(Field|required|Input|should|valid|Value|error|must|least|most|characters?|"
    r"items?|allowed|permitted|expected|number|integer|string|list|dictionary)\b"
)


class Entry(BaseModel):
    member_id: str = Field(max_length=64)
    attendance: Literal["present", "excused", "unexcused", "exempt"]


class Record(BaseModel):
    held_on: date
    place: str = Field(min_length=1, max_length=20)
    previous_action_items_total: int = Field(ge=0, le=50)
    started_at: AwareDatetime | None = None
    roll: list[Entry] = Field(default_factory=list, max_length=3)
    self_score: dict[str, int] = Field(default_factory=dict)


def app() -> FastAPI:
    api = FastAPI()
    install_problem_handlers(api)

    @api.post("/records")
    async def post(body: Record) -> dict[str, str]:
        return {"ok": "yes"}

    @api.get("/records")
    async def get(
        year: int = Query(ge=2000, le=2100), held_on: date | None = None
    ) -> dict[str, str]:
        return {"ok": "yes"}

    return api


async def errors(method: str, body: Any = None, **params: Any) -> list[dict[str, str]]:
    transport = httpx.ASGITransport(app=app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.request(method, "/records", json=body, params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    found: list[dict[str, str]] = r.json()["errors"]
    for e in found:
        assert not ENGLISH.search(e["detail"]), e
    return found


def by_pointer(found: list[dict[str, str]]) -> dict[str, tuple[str, str]]:
    return {e["pointer"]: (e["code"], e["detail"]) for e in found}


async def test_missing_too_long_wrong_type_bad_date_and_enum_are_said_in_vietnamese() -> None:
    assert by_pointer(await errors("POST", {})) == {
        "/held_on": ("missing", "Thiếu ngày họp (held_on)."),
        "/place": ("missing", "Thiếu địa điểm (place)."),
        "/previous_action_items_total": (
            "missing",
            "Thiếu tổng số nhiệm vụ kỳ trước (previous_action_items_total).",
        ),
    }
    found = by_pointer(
        await errors(
            "POST",
            {
                "held_on": "2026-13-01",
                "place": "x" * 21,
                "previous_action_items_total": "mười",
                "started_at": "2026-11-05T19:30:00",
                "roll": [{"member_id": "m-1", "attendance": "có mặt"}],
                "self_score": {"C3": 2.5},
            },
        )
    )
    assert found == {
        "/held_on": (
            "date_from_datetime_parsing",
            "Ngày họp (held_on) không phải ngày hợp lệ; dùng dạng YYYY-MM-DD, ví dụ 2026-11-05.",
        ),
        "/place": ("string_too_long", "Địa điểm (place) không được dài quá 20 ký tự."),
        "/previous_action_items_total": (
            "int_parsing",
            "Tổng số nhiệm vụ kỳ trước (previous_action_items_total) phải là số nguyên.",
        ),
        "/started_at": (
            "timezone_aware",
            "Giờ bắt đầu (started_at) phải kèm múi giờ, ví dụ 2026-11-05T19:30:00+07:00.",
        ),
        "/roll/0/attendance": (
            "literal_error",
            "Tình trạng dự họp (roll[0].attendance) phải là một trong các giá trị: 'present', "
            "'excused', 'unexcused' hoặc 'exempt'.",
        ),
        # A map's key names no field: the self score, at its key.
        "/self_score/C3": (
            "int_from_float",
            "Điểm tự chấm (self_score.C3) phải là số nguyên, không có phần thập phân.",
        ),
    }
    found = by_pointer(
        await errors(
            "POST",
            {
                "held_on": "2026-11-05",
                "place": "",
                "previous_action_items_total": 51,
                "roll": [{"member_id": "m", "attendance": "present"}] * 4,
            },
        )
    )
    assert found == {
        "/place": ("string_too_short", "Địa điểm (place) không được để trống."),
        "/previous_action_items_total": (
            "less_than_equal",
            "Tổng số nhiệm vụ kỳ trước (previous_action_items_total) không được lớn hơn 50.",
        ),
        "/roll": (
            "too_long",
            "Danh sách điểm danh (roll) có nhiều nhất 3 phần tử (đang có 4).",
        ),
    }


async def test_query_parameters_are_named_in_words_too() -> None:
    found = by_pointer(await errors("GET", year="hai nghìn", held_on="hôm qua"))
    assert found == {
        "#query/year": ("int_parsing", "Năm (year) phải là số nguyên."),
        "#query/held_on": (
            "date_from_datetime_parsing",
            "Ngày họp (held_on) không phải ngày hợp lệ; dùng dạng YYYY-MM-DD, ví dụ 2026-11-05.",
        ),
    }
    assert by_pointer(await errors("GET", year=1999)) == {
        "#query/year": ("greater_than_equal", "Năm (year) không được nhỏ hơn 2000.")
    }


async def test_a_body_that_is_not_json_is_said_in_vietnamese() -> None:
    transport = httpx.ASGITransport(app=app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.post(
            "/records", content=b"{held_on", headers={"content-type": "application/json"}
        )
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert error["code"] == "json_invalid"
    assert error["detail"] == "Nội dung gửi lên không phải JSON hợp lệ."


def test_every_pydantic_error_type_has_a_vietnamese_sentence_naming_the_field() -> None:
    ctx = {
        "min_length": 2,
        "max_length": 5,
        "actual_length": 6,
        "field_type": "List",
        "gt": 1,
        "ge": 1,
        "lt": 9,
        "le": 9,
        "multiple_of": 5,
        "pattern": "^[a-z]+$",
        "expected": "'a' or 'b'",
        "error": "some English detail",
        "class_name": "Record",
        "discriminator": "'kind'",
        "tag": "'x'",
        "expected_tags": "'a', 'b'",
        "tz_expected": 25200,
        "expected_schemes": "'http' or 'https'",
        "expected_version": 4,
        "max_digits": 5,
        "decimal_places": 2,
        "whole_digits": 3,
        "encoding": "base64",
        "attribute": "x",
        "method_name": "x",
        "class": "x",
    }
    for kind in sorted(PYDANTIC_TYPES - OWN_MESSAGES):
        err = {
            "type": kind,
            "loc": ("body", "held_on"),
            "msg": "Input should be English",
            "ctx": ctx,
        }
        said = message(err)
        assert "ngày họp (held_on)" in said.lower() or kind.startswith("json_"), (kind, said)
        assert not ENGLISH.search(said), (kind, said)
    unknown = message({"type": "not_a_type_yet", "loc": ("body", "held_on"), "msg": "English"})
    assert unknown == "Ngày họp (held_on) không hợp lệ."
    # The types pydantic has that this table leaves to the generic sentence: none a request meets.
    generic = PYDANTIC_TYPES - set(SENTENCES) - OWN_MESSAGES
    assert generic <= {
        "no_such_attribute",
        "get_attribute_error",
        "needs_python_object",
        "is_instance_of",
        "is_subclass_of",
        "callable_type",
        "missing_sentinel_error",
        "ellipsis_error",
    }, generic


def test_our_own_messages_follow_the_field_name_and_extra_fields_are_named_as_sent() -> None:
    own = {
        "type": "value_error",
        "loc": ("query", "period"),
        "msg": "Value error, kỳ '2026-13' không hợp lệ",
    }
    assert message(own) == "Kỳ (period): kỳ '2026-13' không hợp lệ"
    custom = {
        "type": "date-out-of-range",
        "loc": ("query", "as_of"),
        "msg": "Ngày 1929-12-31 ngoài khoảng tra cứu 1930-01-01 – 2199-12-31.",
    }
    assert message(custom).startswith("Ngày áp dụng (as_of): Ngày 1929-12-31")
    extra = {"type": "extra_forbidden", "loc": ("body", "roll", 0, "colour"), "msg": "x"}
    assert message(extra) == (
        "Trường «colour» (roll[0].colour) không có trong mẫu dữ liệu này; hãy bỏ trường đó."
    )
    assert named(("header", "idempotency-key")).label == "khóa chống gửi trùng (idempotency-key)"
    assert words_for("Idempotency-Key") == FIELD_NAMES["idempotency_key"]
