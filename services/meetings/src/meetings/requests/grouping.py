"""Requests on one subject from several branches, shown to the addressee as one item "raised by N
branches"; each branch's request stays its own, answered and tracked on its own. Pure, no I/O.

Similarity is the cosine of TF-IDF vectors over the folded words and word pairs of the subject and
text (a Vietnamese word is often two syllables: "sạt lở", "hộ nghèo"), with the words every
request uses ("đề nghị", "xem xét giải quyết") left out. A request joins the group it is, on
average, closest to, if that is above the threshold of the dated rule data.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from meetings.vietnamese import fold

RULES_DIR = Path(__file__).with_name("data")

# Folded phrases that frame a request in the minutes ("thay mặt nhân dân", "đề nghị trả lời tại kỳ
# sinh hoạt tới"), name the asker or the addressee, or ask for help in general ("hỗ trợ kinh phí",
# "sửa chữa"): what tells two asks apart is what they are about.
_STOP_TEXT = """
de nghi|kien nghi|de xuat|xem xet|giai quyet|cap tren|co tham quyen|quan tam|uy ban nhan dan|ubnd
|nhan dan|ba con|nguoi dan|ho dan|cac ho|ho tro|kinh phi|dau tu|bo tri|khac phuc|sua chua|nang cap
|dieu chinh|chi dao|kip thoi|nhanh chong|hien nay|tinh trang|dia phuong|khu vuc|chi bo|dang vien
|lam viec|phuong an|cho|cua|cac|nhung|va|la|co|duoc|tai|tren|trong|voi|the|nay|do|da|dang|se|viec
|ve|o|thi|ma|hay|hoac|tu|den|di|ra|vao|nen|vi|bi|de|can|phai|khong|con|nhieu|mot|so|cung|lam|som
|xa|huyen|tinh|thon|xom|ban|to|lai|nhu|rat|thay mat|phan anh|thong nhat|noi dung|sau|tra loi
|ky sinh hoat|sinh hoat|thang toi|nhieu lan|mong|chua
"""
STOP_PHRASES = tuple(tuple(p.split()) for p in _STOP_TEXT.replace("\n", "").split("|"))
_LONGEST_FIRST = sorted(STOP_PHRASES, key=len, reverse=True)
_WORD = re.compile(r"\w+")
_SENTENCE_BREAK = re.compile(r"[.!?:;\n(]")


class GroupingRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    version: str
    effective_from: date
    province_code: str | None = None
    similarity: float = Field(gt=0, le=1, description="average cosine to join a group")
    subject_weight: float = Field(ge=0, description="how much more a subject word counts")
    pair_weight: float = Field(ge=0, description="weight of a word pair against a single word")


def load_rules(directory: Path = RULES_DIR) -> list[GroupingRules]:
    return [
        GroupingRules.model_validate(json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(directory.glob("grouping-*.json"))
    ]


def rules_for(rule_sets: list[GroupingRules], province_code: str | None, on: date) -> GroupingRules:
    candidates = [
        r for r in rule_sets if r.effective_from <= on and r.province_code in (province_code, None)
    ]
    if not candidates:
        raise LookupError(f"no request grouping rules in force on {on}")
    return max(candidates, key=lambda r: (r.province_code is not None, r.effective_from))


@dataclass(frozen=True)
class RaisedRequest:
    request_id: str
    branch_id: str
    addressee_id: str
    subject: str
    text: str
    category: str | None = None


@dataclass(frozen=True)
class RequestGroup:
    addressee_id: str
    subject: str
    """The subject of the request closest to the others: the group's title for the addressee."""
    request_ids: tuple[str, ...]
    branch_ids: tuple[str, ...]
    """Distinct branches, in the order they raised it."""

    @property
    def branch_count(self) -> int:
        return len(self.branch_ids)

    @property
    def label(self) -> str:
        return f"Kiến nghị của {self.branch_count} chi bộ"


def content_words(text: str) -> list[str | None]:
    """The folded words of `text` with the stop phrases, numbers and proper names (a village
    named mid-sentence) as None: a word pair never spans what was left out."""
    tokens: list[str | None] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        mid_sentence = bool(tokens) and not _SENTENCE_BREAK.search(
            text, previous_end, match.start()
        )
        previous_end = match.end()
        if any(c.isdigit() for c in word) or (word[0].isupper() and mid_sentence):
            tokens.append(None)
        else:
            tokens.append(fold(word))
    i = 0
    while i < len(tokens):
        for phrase in _LONGEST_FIRST:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                tokens[i : i + len(phrase)] = [None] * len(phrase)
                i += len(phrase) - 1
                break
        i += 1
    return tokens


def _features(request: RaisedRequest, rules: GroupingRules) -> dict[str, float]:
    counts: dict[str, float] = defaultdict(float)
    for part, weight in ((request.subject, rules.subject_weight), (request.text, 1.0)):
        tokens = content_words(part)
        for w in tokens:
            if w is not None:
                counts[w] += weight
        for a, b in itertools.pairwise(tokens):
            if a is not None and b is not None:
                counts[f"{a}_{b}"] += weight * rules.pair_weight
    return counts


def _vectors(requests: Sequence[RaisedRequest], rules: GroupingRules) -> list[dict[str, float]]:
    """Unit TF-IDF vectors; IDF over the requests being grouped, smoothed for small batches."""
    raw = [_features(r, rules) for r in requests]
    df: Counter[str] = Counter(f for counts in raw for f in counts)
    n = len(requests)
    out = []
    for counts in raw:
        vec = {
            f: (1 + math.log(1 + c)) * (math.log((n + 1) / (df[f] + 1)) + 1)
            for f, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({f: v / norm for f, v in vec.items()})
    return out


def similarities(vectors: Sequence[dict[str, float]]) -> list[dict[int, float]]:
    """Cosine of each vector with every other that shares a word (the rest are 0)."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, vec in enumerate(vectors):
        for f, v in vec.items():
            postings[f].append((i, v))
    sims: list[dict[int, float]] = [defaultdict(float) for _ in vectors]
    for i, vec in enumerate(vectors):
        for f, v in vec.items():
            for j, w in postings[f]:
                if j != i:
                    sims[i][j] += v * w
    return sims


def _compatible(group: list[RaisedRequest], request: RaisedRequest) -> bool:
    """Same addressee; and no two categories given that differ."""
    if group[0].addressee_id != request.addressee_id:
        return False
    categories = {r.category for r in [*group, request]} - {None}
    return len(categories) <= 1


def _group_for_one_addressee(
    requests: Sequence[RaisedRequest], vectors: Sequence[dict[str, float]], rules: GroupingRules
) -> list[list[int]]:
    sims = similarities(vectors)
    groups: list[list[int]] = []
    group_of: dict[int, int] = {}
    for i, request in enumerate(requests):
        best, best_score = None, rules.similarity
        # Only a group holding a request that shares a word with this one can be close to it.
        for g in sorted({group_of[j] for j in sims[i] if j in group_of}):
            members = groups[g]
            if not _compatible([requests[j] for j in members], request):
                continue
            score = sum(sims[i].get(j, 0.0) for j in members) / len(members)
            if score >= best_score:
                best, best_score = g, score
        if best is None:
            best = len(groups)
            groups.append([])
        groups[best].append(i)
        group_of[i] = best
    return [
        # The request closest to the others first: its subject titles the group.
        sorted(members, key=lambda i: -sum(sims[i].get(j, 0.0) for j in members))
        for members in groups
    ]


def group_requests(requests: Sequence[RaisedRequest], rules: GroupingRules) -> list[RequestGroup]:
    """Groups in the order their first request came; `requests` in the order they were raised.

    Each addressee's requests are compared among themselves only, so a province's thousands are
    not compared with every commune's; word weights (IDF) come from all of `requests`, which
    tells common words better than a commune's few dozen requests would."""
    vectors = _vectors(requests, rules)
    by_addressee: dict[str, list[int]] = defaultdict(list)
    for i, request in enumerate(requests):
        by_addressee[request.addressee_id].append(i)
    found: list[tuple[int, RequestGroup]] = []
    for positions in by_addressee.values():
        batch = [requests[i] for i in positions]
        batch_vectors = [vectors[i] for i in positions]
        for ranked in _group_for_one_addressee(batch, batch_vectors, rules):
            members = sorted(ranked)
            found.append(
                (
                    positions[members[0]],
                    RequestGroup(
                        addressee_id=batch[members[0]].addressee_id,
                        subject=batch[ranked[0]].subject,
                        request_ids=tuple(batch[i].request_id for i in members),
                        branch_ids=tuple(dict.fromkeys(batch[i].branch_id for i in members)),
                    ),
                )
            )
    return [group for _, group in sorted(found, key=lambda f: f[0])]
