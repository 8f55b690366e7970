"""One request per subject and addressee in a meeting (pure, no I/O).

Two requests with the same subject to the same addressee in one meeting — in its record or its
observers' reports — are one request typed twice. The subject is compared NFC-normalised, case-
and space-folded, diacritics kept ("đường" and "dương" are different words). Such a duplicate is
answered 422 pointing at the item, not 409: the rest of the body is sound and must be sent again
without that item, whereas a 409 tells a client its whole submission already exists and to stop.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Protocol

from service_kit.errors import FieldError

SUBJECT_KEY_LENGTH = 300


class Raised(Protocol):
    @property
    def subject(self) -> str: ...
    @property
    def addressee_id(self) -> str: ...


def subject_key(subject: str) -> str:
    """What makes two subjects the same: NFC, case-folded, runs of spaces as one."""
    folded = " ".join(unicodedata.normalize("NFC", subject).casefold().split())
    return folded[:SUBJECT_KEY_LENGTH]


def duplicate_errors(
    items: Sequence[Raised],
    already: Mapping[tuple[str, str], str],
    pointer: str = "/requests_raised",
) -> list[FieldError]:
    """Items repeating an earlier item of the same body, or a request the meeting already has
    (`already`: (addressee_id, subject_key) → that request's id)."""
    errors: list[FieldError] = []
    seen: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        key = (item.addressee_id, subject_key(item.subject))
        if key in already:
            errors.append(
                FieldError(
                    f"{pointer}/{i}/subject",
                    f"Cuộc họp này đã có kiến nghị cùng nội dung gửi cùng nơi ({already[key]}).",
                    "request-duplicate",
                )
            )
        elif key in seen:
            errors.append(
                FieldError(
                    f"{pointer}/{i}/subject",
                    f"Trùng kiến nghị thứ {seen[key] + 1} (cùng nội dung, cùng nơi nhận).",
                    "request-duplicate",
                )
            )
        else:
            seen[key] = i
    return errors
