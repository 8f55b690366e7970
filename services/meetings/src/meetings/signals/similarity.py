"""Near-duplicate Vietnamese texts: MinHash sketches of word shingles (datasketch).

A sketch is a fixed-size summary (128 numbers by default) whose agreement with another estimates
the Jaccard similarity of the two texts' shingle sets; it can be stored beside a meeting so a new
meeting is compared with a year of earlier ones without re-reading their minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from datasketch import LeanMinHash, MinHash

from meetings.signals.policy import FormalityRules
from meetings.vietnamese import shingles, words


@dataclass(frozen=True)
class TextSketch:
    word_count: int
    minhash: LeanMinHash | None
    """None when the text is too short to compare (see `min_words_compared`)."""


@cache
def _permutations(num_perm: int, seed: int) -> tuple[Any, str]:
    """Drawing the permutations costs more than hashing a short text: draw them once."""
    template = MinHash(num_perm=num_perm, seed=seed)
    return template.permutations, template.scheme


def sketch(text: str, rules: FormalityRules) -> TextSketch:
    tokens = words(text)
    if len(tokens) < rules.min_words_compared:
        return TextSketch(len(tokens), None)
    permutations, scheme = _permutations(rules.minhash_permutations, rules.minhash_seed)
    minhash = MinHash(
        num_perm=rules.minhash_permutations,
        seed=rules.minhash_seed,
        permutations=permutations,
        scheme=scheme,
    )
    minhash.update_batch([s.encode("utf-8") for s in shingles(tokens, rules.shingle_words)])
    return TextSketch(len(tokens), LeanMinHash(minhash))


def similarity(a: TextSketch, b: TextSketch) -> float | None:
    """Estimated Jaccard similarity in [0, 1]; None when either text is too short to compare."""
    if a.minhash is None or b.minhash is None:
        return None
    return float(a.minhash.jaccard(b.minhash))
