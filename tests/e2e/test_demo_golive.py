"""`make run`'s demo against real processes: the province goes live on the first day of the month
of its meetings, so the compliance sweep — run every second here — raises no warning for the
quarters before it (which, without a go-live date, it would: the branches "met that year")."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from chibo_stack import get_json, stack, wait_for

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))
from demo import ADMIN, ADMIN_PASSWORD, load_demo  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.broker, pytest.mark.slow]


def sweep_passes(scoring: str) -> float:
    """Passes of scoring's compliance sweep so far, from its /metrics."""
    for line in httpx.get(f"{scoring}/metrics", timeout=10).text.splitlines():
        ours = 'sweep="compliance-sweep"' in line and 'outcome="ok"' in line
        if line.startswith("chibo_sweep_passes_total{") and ours:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_the_demo_shows_no_warning_before_its_go_live(
    amqp_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = {"SCORING_SWEEP_INTERVAL_SECONDS": "1"}
    with stack(amqp_url, tmp_path, extra_env=extra) as svc:
        # The demo's own CLI calls (generator, first admin) write the stack's registry database.
        monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/registry.db")
        summary = load_demo({name: proc.url for name, proc in svc.items()})
        first = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
        assert f"đưa vào sử dụng từ {first:%d/%m/%Y}" in summary

        login = httpx.post(
            f"{svc['registry'].url}/v1/auth/token",
            json={"grant_type": "password", "username": ADMIN, "password": ADMIN_PASSWORD},
            timeout=10,
        )
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        scoring = svc["scoring"].url
        period = f"{first:%Y-%m}"
        wait_for(
            lambda: get_json(f"{scoring}/v1/reports/branches?period={period}", auth),
            lambda r: r is not None and r["meetings"] == 10,
            what="the demo's ten meetings scored",
        )
        passes = sweep_passes(scoring)
        wait_for(  # two whole passes after every meeting was scored
            lambda: sweep_passes(scoring),
            lambda n: n >= passes + 2,
            timeout=30,
            what="the compliance sweep running",
        )
        flags = httpx.get(
            f"{scoring}/v1/compliance-flags",
            params={"kind": "quarter_without_thematic"},
            headers=auth,
            timeout=10,
        ).json()
        assert flags == [], flags

        tree = get_json(f"{svc['registry'].url}/v1/organisations?limit=200", auth)
        province = next(o for o in tree["items"] if o["code"] == "TQ")
        assert province["go_live_on"] == first.isoformat()
        view = get_json(f"{scoring}/v1/organisations/{province['id']}/roll-out", auth)
        assert view["branches"] == 10 and view["branches_live"] == 10
        assert view["branches_logging"] == 10
