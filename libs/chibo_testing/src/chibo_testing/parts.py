"""The time each part of the suite took, printed at the end of every run (and by `.ci/run`),
after the summaries tests chose to show (`item.user_properties` entries named "summary").

Parts: `unit` (no server), `service` (a service in-process on real databases and a real broker),
`property` (Hypothesis), `e2e` (real processes), `fault` (crashes and outages), and any suite
with a folder of its own under `tests/` (`security`, `browser`, `soak`, `contract`, …).
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import pytest

SERVER_FIXTURES = frozenset(
    {"db_url", "pg_url", "sqlite_url", "amqp_url", "broker", "postgres", "kit_db"}
)


def part_of(item: pytest.Item) -> str:
    parts = Path(str(item.path)).parts
    if "tests" in parts:
        index = len(parts) - 1 - parts[::-1].index("tests")
        top_level = parts[index - 1] if index > 0 else ""
        folder = parts[index + 1] if index + 1 < len(parts) - 1 else ""
        # tests/<suite>/… at the repository root: the suite's own name.
        if folder and top_level not in ("libs", "services") and not _in_package(parts, index):
            return folder
    if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        return "property"
    if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return "service"
    return "unit"


def _in_package(parts: tuple[str, ...], tests_index: int) -> bool:
    """True for `libs/x/tests/…` and `services/x/tests/…` (a package's own tests)."""
    return tests_index >= 2 and parts[tests_index - 2] in ("libs", "services")


class PartTimes:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        self.failed: dict[str, int] = defaultdict(int)
        self.summaries: list[tuple[str, str]] = []  # (test, text) a test chose to show
        self.started = time.monotonic()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        part = str(dict(report.user_properties).get("part", "unit"))
        self.seconds[part] += report.duration
        if report.when == "call":
            self.counts[part] += 1
        if report.failed:
            self.failed[part] += 1
        if report.when == "call":
            self.summaries += [
                (report.nodeid, str(v)) for k, v in report.user_properties if k == "summary"
            ]

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.counts:
            return
        write = terminalreporter.write_line
        if self.summaries:  # e.g. the soak's ledger, passed or not (xdist keeps its stdout)
            terminalreporter.section("summaries")
            for nodeid, text in self.summaries:
                write(nodeid)
                for line in text.splitlines():
                    write(f"  {line}")
        terminalreporter.section("time by part")
        write(f"{'part':<12}{'tests':>7}{'failed':>8}{'seconds':>10}")
        for part in sorted(self.seconds, key=lambda p: -self.seconds[p]):
            write(
                f"{part:<12}{self.counts[part]:>7}{self.failed[part]:>8}{self.seconds[part]:>10.1f}"
            )
        total = sum(self.seconds.values())
        wall = time.monotonic() - self.started
        write(
            f"{'all':<12}{sum(self.counts.values()):>7}{sum(self.failed.values()):>8}"
            f"{total:>10.1f}   (wall clock {wall:.0f} s, start-up included)"
        )
