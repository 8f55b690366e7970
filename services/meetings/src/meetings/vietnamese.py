"""Vietnamese text normalised for comparison: the formality signals and the request grouping both
compare what people typed, and must not be fooled by how they typed it."""

from __future__ import annotations

import re
import unicodedata

# Month names written in words ("tháng ba", "tháng giêng") become a placeholder like numbers do,
# so a copied text whose month was rewritten in words still matches. Longest alternatives first.
_MONTH_WORDS = "muoi mot|muoi hai|gieng|chap|muoi|mot|hai|ba|tu|bon|nam|sau|bay|tam|chin"
_MONTH_IN_WORDS = re.compile(rf"\bthang (?:{_MONTH_WORDS})\b")
# A number with its separators: 15/4/2026, 1.250.000, 95,5, 03-NQ (the digits of it).
_NUMBER = re.compile(r"\d+(?:[.,/:\-]\d+)*")
_TOKEN = re.compile(r"[a-z0-9#]+")
NUMBER_TOKEN = "#"


def fold(text: str) -> str:
    """NFC, lower case, tone and vowel marks dropped, đ → d.

    Dropping the marks costs little over three-word shingles and absorbs what differs between
    two typings of the same text: old and new tone placement (hoà / hòa, thuỷ / thủy), text typed
    without accents, decomposed characters pasted from a PDF.
    """
    lowered = unicodedata.normalize("NFC", text).lower()
    bare = "".join(c for c in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(c))
    return bare.replace("đ", "d")


def words(text: str) -> list[str]:
    """The folded words of `text`, every number (dates included) and month name as one token."""
    folded = _NUMBER.sub(f" {NUMBER_TOKEN} ", fold(text))
    folded = _MONTH_IN_WORDS.sub(f"thang {NUMBER_TOKEN}", folded)
    return _TOKEN.findall(folded)


def shingles(tokens: list[str], size: int) -> set[str]:
    """Every run of `size` consecutive words; a text shorter than that is one shingle."""
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}
