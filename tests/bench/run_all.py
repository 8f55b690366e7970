"""`make bench`: every benchmark with its same-run baseline, one table.

    .venv/bin/python tests/bench/run_all.py          # full (~15–25 min on 2 cores)
    BENCH_QUICK=1 .venv/bin/python tests/bench/run_all.py   # the same names, under 5 minutes

Writes `.data/bench/results.json` (a list of {"name", "value", "unit", "baseline", "ratio",
"target"}) and `docs/bench.md` (the Markdown table, with the date and the machine's core count).
Each bench runs in its own process; one that fails is recorded with its error, the rest go on.
Issue #12's targets are printed beside each figure: goals, not assertions.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
NUM = r"([\d,]+(?:\.\d+)?)"


def num(text: str) -> float:
    return float(text.replace(",", ""))


def run(args: list[str], timeout: float) -> str:
    done = subprocess.run(
        [PY, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"exit {done.returncode}: {done.stderr.strip()[-600:]}")
    return done.stdout


Row = dict[str, object]


def row(
    name: str, value: float, unit: str, baseline: float, target: str = "", **extra: object
) -> Row:
    return {
        "name": name,
        "value": round(value, 2),
        "unit": unit,
        "baseline": round(baseline, 2),
        "ratio": round(value / baseline, 3) if baseline else None,
        "target": target,
        **extra,
    }


def intake(database: str, workers: int = 1) -> list[Row]:
    seconds = "5" if QUICK else "15"
    out = run(
        [
            "tests/bench/intake_bench.py",
            "--seconds",
            seconds,
            "--database",
            database,
            "--workers",
            str(workers),
        ],
        600,
    )
    base = num(re.search(rf"GET /healthz/live: {NUM} req/s", out).group(1))  # type: ignore[union-attr]
    m = re.search(rf": {NUM} submissions/s .*p50 {NUM} ms, p99 {NUM} ms, (\d+) non-2xx", out)
    assert m, out
    return [
        row(
            f"intake_{database}" + (f"_workers{workers}" if workers > 1 else ""),
            num(m.group(1)),
            "submissions/s",
            base,
            "≥ 400/s",
            baseline_is="GET /healthz/live, same process and load",
            workers=workers,
            p50_ms=num(m.group(2)),
            p99_ms=num(m.group(3)),
            non_2xx=int(m.group(4)),
        )
    ]


def write_path(database: str) -> list[Row]:
    n = "200" if QUICK else "2000"
    out = run(
        ["services/meetings/bench/store_bench.py", "--meetings", n, "--database", database], 900
    )
    base = num(re.search(rf"baseline .*?: {NUM}/s", out).group(1))  # type: ignore[union-attr]
    rates = {
        label: num(v) for label, v in re.findall(rf"write path \(.*?\), ([^:]+): {NUM}/s", out)
    }
    # `write_path…` is what the service does by default: group commit on SQLite, a transaction
    # each side by side on PostgreSQL (service_kit.group.ENABLED_ENV); the other variants beside.
    if database == "sqlite":
        names = {
            "16 callers, group commit": "write_path",
            "one caller, a transaction each": "write_path_single",
            "16 callers, a transaction each": "write_path_ungrouped",
        }
    else:
        names = {
            "16 callers, a transaction each": "write_path_postgres",
            "one caller, a transaction each": "write_path_single_postgres",
            "16 callers, group commit": "write_path_grouped_postgres",
        }
    return [
        row(
            names[label],
            rate,
            "meetings/s",
            base,
            "≥ 0.8× baseline" if names[label] in ("write_path", "write_path_postgres") else "",
            baseline_is="Core: meeting + 40 rows per transaction, same run",
            variant=label,
        )
        for label, rate in rates.items()
        if label in names
    ]


def e2e() -> list[Row]:
    n = "200" if QUICK else "2000"
    out = run(["tests/bench/e2e_bench.py", "--meetings", n], 900)
    base = num(re.search(rf"GET /healthz/live: {NUM} req/s", out).group(1))  # type: ignore[union-attr]
    accepted = num(re.search(rf"POST /v1/meetings: {NUM} submissions/s", out).group(1))  # type: ignore[union-attr]
    chain = num(re.search(rf"= {NUM} meetings/s end to end", out).group(1))  # type: ignore[union-attr]
    p50 = num(re.search(rf"accepted → scored: p50 {NUM}s", out).group(1))  # type: ignore[union-attr]
    return [
        row("e2e", chain, "meetings/s", base, "≥ 300/s", baseline_is="GET /healthz/live",
            accepted_to_scored_p50_s=p50),
        row("e2e_accepted", accepted, "submissions/s", base, "", baseline_is="GET /healthz/live"),
    ]  # fmt: skip


def backlog() -> list[Row]:
    n = "500" if QUICK else "10000"
    out = run(["tests/bench/backlog_bench.py", "--meetings", n], 900)
    base = num(re.search(rf"accepting them: {NUM} msg/s", out).group(1))  # type: ignore[union-attr]
    rate = num(re.search(rf"= {NUM} scores/s", out).group(1))  # type: ignore[union-attr]
    return [row("backlog", rate, "scores/s", base, "≥ 500/s", baseline_is="broker publish rate")]


def sweep() -> list[Row]:
    n = "10000" if QUICK else "100000"
    out = run(["services/meetings/bench/sweep_bench.py", "--requests", n], 900)
    base = num(re.search(rf"= {NUM} rows/s", out).group(1))  # type: ignore[union-attr]
    rate = num(re.search(rf"sweep: .*?= {NUM} requests/s", out).group(1))  # type: ignore[union-attr]
    return [
        row("sweep", rate, "requests/s", base, "≥ 5,000/s", baseline_is="bulk insert of the rows")
    ]


def import_(database: str) -> list[Row]:
    n = "5000" if QUICK else "50000"
    out = run(
        ["services/registry/bench/import_bench.py", "--members", n, "--database", database], 900
    )
    base = num(re.search(rf"baseline \(Core .*?\): {NUM} rows/s", out).group(1))  # type: ignore[union-attr]
    rate = num(re.search(rf"import \(file .*?\): {NUM} rows/s", out).group(1))  # type: ignore[union-attr]
    rss = num(re.search(rf"peak RSS: {NUM} MiB", out).group(1))  # type: ignore[union-attr]
    suffix = "" if database == "sqlite" else "_postgres"
    return [
        row(
            f"import{suffix}",
            rate,
            "rows/s",
            base,
            baseline_is="Core INSERT of the same member rows, one transaction",
            members=int(n),
            peak_rss_mib=rss,
        )
    ]


def delivery() -> list[Row]:
    n = "1000" if QUICK else "10000"
    out = run(["services/notifications/bench/delivery_bench.py", "--deliveries", n], 1200)
    b = re.search(rf"baseline \(plain httpx .*?\): {NUM} POSTs/s, p50 {NUM} ms, p99 {NUM} ms", out)
    m = re.search(rf"delivery worker .*?: {NUM} deliveries/s .*p50 {NUM} ms, p99 {NUM} ms", out)
    assert b and m, out
    return [
        row(
            "delivery",
            num(m.group(1)),
            "webhooks/s",
            num(b.group(1)),
            baseline_is="httpx POSTs of the same signed bodies, same receiver and concurrency",
            p50_ms=num(m.group(2)),
            p99_ms=num(m.group(3)),
            baseline_p50_ms=num(b.group(2)),
            baseline_p99_ms=num(b.group(3)),
        )
    ]


BENCHES: list[tuple[str, Callable[[], list[Row]]]] = [
    ("write_path", lambda: write_path("sqlite")),
    ("write_path_postgres", lambda: write_path("postgres")),
    ("intake_sqlite", lambda: intake("sqlite")),
    ("intake_postgres", lambda: intake("postgres")),
    ("intake_postgres_workers2", lambda: intake("postgres", workers=2)),
    ("e2e", e2e),
    ("backlog", backlog),
    ("sweep", sweep),
    ("import", lambda: import_("sqlite")),
    ("import_postgres", lambda: import_("postgres")),
    ("delivery", delivery),
]


def markdown(rows: list[Row], started: datetime, seconds: float) -> str:
    lines = [
        "# Benchmarks (`make bench`)",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores "
        f"(load average {os.getloadavg()[0]:.1f} at the end), "
        f"{'BENCH_QUICK=1 (short runs)' if QUICK else 'full runs'}, {seconds:.0f} s in all. "
        "Broker, services, databases and load generator share the same cores; the machine may be "
        "shared with other work, so read the **ratio** to the same-run baseline, not the absolute "
        "figure. Targets are issue #12's goals. JSON: `.data/bench/results.json`; re-run with "
        "`make bench` (`BENCH_QUICK=1 make bench`: under five minutes). Where the time goes "
        "on the hot path, and each missed target's ceiling: [performance.md](performance.md).",
        "",
        "| name | value | unit | same-run baseline | ratio | target | notes |",
        "| --- | ---: | --- | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        notes = {
            k: v
            for k, v in r.items()
            if k not in ("name", "value", "unit", "baseline", "ratio", "target")
        }
        note = "; ".join(f"{k}: {v}" for k, v in notes.items())
        value = "–" if r["value"] is None else f"{r['value']:,}"
        base = "–" if r["baseline"] is None else f"{r['baseline']:,}"
        ratio = "–" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        lines.append(
            f"| {r['name']} | {value} | {r['unit']} | {base} | {ratio} | {r['target']} | {note} |"
        )
    missing = [n for n, _ in BENCHES if not any(str(r["name"]).startswith(n) for r in rows)]
    if missing:
        lines += [
            "",
            f"Not in this table yet (not run, or run without result): {', '.join(missing)}.",
        ]
    return "\n".join(lines) + "\n"


def save(rows: list[Row], replaced: set[str], started: datetime, seconds: float) -> None:
    """Write the JSON and the Markdown; rows of benches not run this time are kept from the
    last run (a partial run, `make bench BENCH_ARGS="e2e sweep"`, replaces its own rows only)."""
    out = ROOT / ".data" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.json"
    kept = json.loads(path.read_text()) if path.exists() else []
    fresh = {str(r["name"]) for r in rows} | replaced
    merged = [r for r in kept if r["name"] not in fresh] + rows
    path.write_text(json.dumps(merged, indent=2, ensure_ascii=False))
    text = markdown(merged, started, seconds)
    if any(r["name"] not in fresh for r in merged):
        text += (
            "\nA partial run: rows of benchmarks not run this time are kept from earlier runs "
            "(their dates are not in the table; `rm .data/bench/results.json` and run them all "
            "for one day's table).\n"
        )
    (ROOT / "docs" / "bench.md").write_text(text)


def main() -> None:
    started, t0 = datetime.now(UTC), time.monotonic()
    only = set(sys.argv[1:])
    rows: list[Row] = []
    for name, bench in BENCHES:
        if only and name not in only:
            continue
        print(f"bench {name} …", flush=True)
        try:
            got = bench()
        except Exception as exc:
            got = [{"name": name, "value": None, "unit": "", "baseline": None, "ratio": None,
                    "target": "", "error": f"{type(exc).__name__}: {exc}"[:400]}]  # fmt: skip
        for r in got:
            print(
                f"  {r['name']}: {r['value']} {r['unit']} "
                f"(baseline {r['baseline']}, ratio {r['ratio']})",
                flush=True,
            )
        rows += got
        save(rows, {name}, started, time.monotonic() - t0)  # after each bench: partial is usable
    print(f"wrote .data/bench/results.json and docs/bench.md in {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
