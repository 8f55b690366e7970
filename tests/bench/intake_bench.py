"""Meeting intake alone: `POST /v1/meetings` with a 40-member roll under wrk, against the same
process's `GET /healthz/live` as the baseline (same load generator, same connections).

    .venv/bin/python tests/bench/intake_bench.py [--seconds 15] [--connections 16] [--members 40]

Needs wrk (Debian package `wrk`; installed when missing). The meetings service runs on SQLite
with synchronous=FULL, connected to a private broker vhost so its relay publishes as in real life.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "e2e"), str(ROOT / "services" / "meetings" / "tests")]
from chibo_stack import sign_in, stack  # noqa: E402
from meetings_factories import submission  # noqa: E402

from chibo_testing.servers import get_broker  # noqa: E402


def wrk(
    url: str,
    seconds: int,
    connections: int,
    script: Path | None,
    body: Path | None,
    auth: dict[str, str] | None = None,
) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    env = None
    if script is not None and body is not None:
        cmd += ["-s", str(script)]
        env = {"WRK_BODY": str(body), "PATH": "/usr/bin:/bin"}
        env["WRK_AUTHORIZATION"] = (auth or {}).get("Authorization", "")
    out = subprocess.run([*cmd, url], capture_output=True, text=True, env=env, check=True).stdout
    if script is None:
        rps = float(next(line for line in out.splitlines() if "Requests/sec" in line).split()[1])
        return {"rps": rps}
    summary = json.loads(next(line for line in out.splitlines() if line.startswith("JSON "))[5:])
    summary["rps"] = summary["requests"] / (summary["duration_us"] / 1e6)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--workers", type=int, default=1, help="HTTP worker processes (more than one: PostgreSQL)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    broker = get_broker()
    vhost = f"intake-{uuid.uuid4().hex[:8]}"
    amqp_url = broker.new_vhost(vhost)
    db_urls, pg, pg_name = None, None, f"intake_{uuid.uuid4().hex[:10]}"
    if args.database == "postgres":
        from chibo_testing.servers import get_postgres

        pg = get_postgres()
        db_urls = {"meetings": pg.new_database(pg_name)}
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            stack(
                amqp_url,
                Path(tmp),
                names=("meetings",),
                db_urls=db_urls,
                extra_env={"MEETINGS_HTTP_WORKERS": str(args.workers)},
            ) as svc,
        ):
            url = svc["meetings"].url
            body = Path(tmp) / "meeting.json"
            roll = [
                {"member_id": f"m{i:03d}", "attendance": "present"} for i in range(args.members)
            ]
            body.write_text(json.dumps(submission(roll=roll, speaker_ids=["m001", "m002"])))
            baseline = wrk(f"{url}/healthz/live", args.seconds, args.connections, None, None)
            result = wrk(
                f"{url}/v1/meetings",
                args.seconds,
                args.connections,
                Path(__file__).with_name("submit.lua"),
                body,
                sign_in(svc),
            )
    finally:
        broker.delete_vhost(vhost)
        if pg is not None:
            pg.drop_database(pg_name)
    print(f"database: {args.database}, {args.workers} HTTP worker process(es)")
    print(f"baseline GET /healthz/live: {baseline['rps']:,.0f} req/s")
    print(
        f"POST /v1/meetings ({args.members}-member roll): {result['rps']:,.0f} submissions/s "
        f"({result['rps'] / baseline['rps']:.2f}x baseline), "
        f"p50 {result['p50_us'] / 1000:.1f} ms, "
        f"p99 {result['p99_us'] / 1000:.1f} ms, {result['status_errors']} non-2xx"
    )


if __name__ == "__main__":
    main()
