"""Precision and recall of the formality signals and of the request grouping on labelled sets,
each beside a simpler baseline run on the same set, and the time per meeting.

    .venv/bin/python services/meetings/bench/signals_bench.py
    .venv/bin/python services/meetings/bench/signals_bench.py --seed 2027 --branches 200

The labelled sets come from the tests' generators (services/meetings/tests/meetings_*_corpus.py);
the default seeds are not those the thresholds were chosen on (7, 11, 3 for the signals; 5, 9 for
the grouping), nor the tests' own (101, 77). Baseline thresholds were chosen on the same tuning
seeds as the rules'.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from meetings_requests_corpus import labelled_requests
from meetings_signals_corpus import LABEL_OF_SIGNAL, LabelledMeeting, labelled_meetings

from meetings.requests.grouping import RaisedRequest, group_requests
from meetings.requests.grouping import load_rules as load_grouping_rules
from meetings.requests.grouping import rules_for as grouping_rules_for
from meetings.signals.policy import FormalityRules, load_rules, rules_for
from meetings.signals.records import MeetingRecord
from meetings.signals.rules import formality_signals
from meetings.signals.similarity import TextSketch
from meetings.vietnamese import fold, shingles, words

Detector = Callable[[MeetingRecord, list[MeetingRecord]], bool]
RAW_WORD_JACCARD = 0.7  # same threshold as the rules: raw words are not much more similar
GROUPING_JACCARD = 0.3


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def raw_words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def repeated_by(
    field: str, similar: Callable[[str, str], bool]
) -> Callable[[MeetingRecord, list[MeetingRecord]], bool]:
    def detect(meeting: MeetingRecord, earlier: list[MeetingRecord]) -> bool:
        mine = getattr(meeting, field)
        return any(similar(mine, getattr(e, field)) for e in earlier)

    return detect


def baselines(rules: FormalityRules) -> dict[str, list[tuple[str, Detector]]]:
    def exact(a: str, b: str) -> bool:
        return " ".join(a.lower().split()) == " ".join(b.lower().split())

    def raw_jaccard(a: str, b: str) -> bool:
        return jaccard(raw_words(a), raw_words(b)) >= RAW_WORD_JACCARD

    def shingle_jaccard(threshold: float) -> Callable[[str, str], bool]:
        def similar(a: str, b: str) -> bool:
            k = rules.shingle_words
            return jaccard(shingles(words(a), k), shingles(words(b), k)) >= threshold

        return similar

    def any_digit_is_target(m: MeetingRecord, _: list[MeetingRecord]) -> bool:
        return not re.search(r"\d", m.resolution)

    def any_comrade_named(m: MeetingRecord, _: list[MeetingRecord]) -> bool:
        return not (m.speakers or re.search(r"(?i:đồng chí|đ/c) [A-ZĐ]", m.minutes))

    def same_as_last_month(m: MeetingRecord, earlier: list[MeetingRecord]) -> bool:
        return bool(earlier) and earlier[-1].attendance == m.attendance

    return {
        "minutes_repeated": [
            ("exact match", repeated_by("minutes", exact)),
            (f"Jaccard of raw words ≥ {RAW_WORD_JACCARD}", repeated_by("minutes", raw_jaccard)),
            (
                "exact Jaccard of the same shingles",
                repeated_by("minutes", shingle_jaccard(rules.minutes_similarity)),
            ),
        ],
        "resolution_repeated": [
            ("exact match", repeated_by("resolution", exact)),
            (f"Jaccard of raw words ≥ {RAW_WORD_JACCARD}", repeated_by("resolution", raw_jaccard)),
            (
                "exact Jaccard of the same shingles",
                repeated_by("resolution", shingle_jaccard(rules.resolution_similarity)),
            ),
        ],
        "resolution_without_target": [("no digit in the resolution", any_digit_is_target)],
        "speakers_not_named": [("no 'đồng chí <Name>' anywhere", any_comrade_named)],
        "attendance_unchanged": [("same figures as last month", same_as_last_month)],
    }


def measures(outcomes: Counter[tuple[bool, bool]]) -> str:
    tp, fp, fn = outcomes[(True, True)], outcomes[(False, True)], outcomes[(True, False)]
    precision = f"{tp / (tp + fp):5.3f}" if tp + fp else "    —"
    recall = f"{tp / (tp + fn):5.3f}" if tp + fn else "    —"
    return f"precision {precision}  recall {recall}  (tp {tp}, fp {fp}, fn {fn})"


def bench_signals(seed: int, branches: int) -> None:
    rules = rules_for(load_rules(), None, date(2026, 1, 1))
    data: list[LabelledMeeting] = labelled_meetings(seed, branches)
    by_branch: dict[str, list[MeetingRecord]] = defaultdict(list)
    for item in data:
        by_branch[item.record.branch_id].append(item.record)
    earlier_of = {
        item.record.meeting_id: [
            e for e in by_branch[item.record.branch_id] if e.held_on < item.record.held_on
        ]
        for item in data
    }
    outcomes: dict[str, Counter[tuple[bool, bool]]] = defaultdict(Counter)
    started = time.perf_counter()
    for item in data:
        report = formality_signals(item.record, earlier_of[item.record.meeting_id], rules)
        raised = {s.code for s in report.signals}
        for code, label in LABEL_OF_SIGNAL.items():
            outcomes[code][(getattr(item, label), code in raised)] += 1
    per_meeting = (time.perf_counter() - started) / len(data)
    # As a batch over a commune would run it: each text sketched once, kept for later months.
    sketches: dict[str, TextSketch] = {}
    started = time.perf_counter()
    for item in data:
        formality_signals(item.record, earlier_of[item.record.meeting_id], rules, sketches)
    per_meeting_kept = (time.perf_counter() - started) / len(data)
    positives = {
        code: outcomes[code][(True, True)] + outcomes[code][(True, False)] for code in outcomes
    }
    print(
        f"Formality signals: {len(data)} meetings of {branches} branches (seed {seed}), "
        f"rules {rules.id} {rules.version}; "
        f"{per_meeting * 1000:.1f} ms per meeting (all five signals, up to 12 earlier months "
        f"sketched anew), {per_meeting_kept * 1000:.1f} ms with earlier sketches kept"
    )
    for code, candidates in baselines(rules).items():
        print(f"  {code}  ({positives[code]} positive)")
        print(f"    rules{' ' * 40}{measures(outcomes[code])}")
        for name, detect in candidates:
            counts: Counter[tuple[bool, bool]] = Counter()
            started = time.perf_counter()
            for item in data:
                label = getattr(item, LABEL_OF_SIGNAL[code])
                counts[(label, detect(item.record, earlier_of[item.record.meeting_id]))] += 1
            ms = (time.perf_counter() - started) / len(data) * 1000
            print(f"    baseline: {name:<34} {measures(counts)}  {ms:.2f} ms/meeting")


def greedy_groups(
    requests: Sequence[RaisedRequest], similarity: Callable[[int, int], float], threshold: float
) -> list[list[int]]:
    """The baseline's grouping: the same greedy average link as the rules, another similarity."""
    groups: list[list[int]] = []
    for i, request in enumerate(requests):
        best, best_score = None, threshold
        for g in groups:
            if requests[g[0]].addressee_id != request.addressee_id:
                continue
            score = sum(similarity(i, j) for j in g) / len(g)
            if score >= best_score:
                best, best_score = g, score
        if best is None:
            groups.append([i])
        else:
            best.append(i)
    return groups


def pair_measures(groups: list[list[str]], truth: dict[str, tuple[str, str]]) -> str:
    predicted = {frozenset(p) for g in groups for p in itertools.combinations(g, 2)}
    actual = {
        frozenset((a, b)) for a, b in itertools.combinations(truth, 2) if truth[a] == truth[b]
    }
    hits = len(predicted & actual)
    precision = hits / len(predicted) if predicted else float("nan")
    return (
        f"pairs: precision {precision:5.3f}  recall {hits / len(actual):5.3f}  "
        f"groups {len(groups)} (true {len(set(truth.values()))})"
    )


def bench_grouping(seed: int, communes: int) -> None:
    rules = grouping_rules_for(load_grouping_rules(), None, date(2026, 1, 1))
    data = labelled_requests(seed, communes)
    requests = [d.request for d in data]
    truth = {d.request.request_id: (d.request.addressee_id, d.ask) for d in data}
    started = time.perf_counter()
    groups = group_requests(requests, rules)
    ms = (time.perf_counter() - started) * 1000
    print(
        f"Request grouping: {len(requests)} requests of {communes} communes (seed {seed}), "
        f"rules {rules.id} {rules.version}"
    )
    found = pair_measures([list(g.request_ids) for g in groups], truth)
    print(f"    rules                          {found}  {ms:.0f} ms")

    def ids(index_groups: list[list[int]]) -> list[list[str]]:
        return [[requests[i].request_id for i in g] for g in index_groups]

    subjects = [" ".join(fold(r.subject).split()) for r in requests]
    exact = greedy_groups(requests, lambda i, j: float(subjects[i] == subjects[j]), 1.0)
    print(f"    baseline: exact subject        {pair_measures(ids(exact), truth)}")
    bags = [set(re.findall(r"\w+", fold(f"{r.subject} {r.text}"))) for r in requests]
    started = time.perf_counter()
    jac = greedy_groups(requests, lambda i, j: jaccard(bags[i], bags[j]), GROUPING_JACCARD)
    ms = (time.perf_counter() - started) * 1000
    found = pair_measures(ids(jac), truth)
    print(f"    baseline: word Jaccard ≥ {GROUPING_JACCARD}   {found}  {ms:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--branches", type=int, default=100, help="branches × 12 months")
    parser.add_argument("--communes", type=int, default=10, help="communes of 10 branches")
    args = parser.parse_args()
    bench_signals(args.seed, args.branches)
    print()
    bench_grouping(args.seed, args.communes)


if __name__ == "__main__":
    main()
