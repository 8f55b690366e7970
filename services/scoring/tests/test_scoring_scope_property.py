"""Subtree scope, property-based, on every endpoint of the scoring service: random trees, random
callers scoped to random nodes; allowed exactly when every target lies in the caller's subtree,
and no list or report shows a row from outside it."""

from __future__ import annotations

import asyncio
import random
import tempfile
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scoring_factories import RUBRICS, facts

from chibo_testing import templates
from chibo_testing.scope_property import (
    Call,
    Probe,
    World,
    check_coverage,
    check_probe,
    random_tree,
    seed_replica,
)
from chibo_testing.tokens import signed_client
from event_contracts.events.meetings import RollEntry
from scoring.compliance.models import ComplianceFlag
from scoring.compliance.service import record_roll
from scoring.main import MIGRATIONS, build_app
from scoring.meeting_scores.service import score_submitted_meeting
from scoring.permissions import PERMISSIONS
from scoring.settings import ScoringSettings
from service_kit.web.access import PROVINCE

pytestmark = pytest.mark.slow

FROM, YEAR = date(2020, 1, 1), 2026
CONFIRM = {"points": {"C3": 2, "C4": 5, "C5": 4}, "reason": "Cấp ủy cấp trên đánh giá lại"}
DECIDE = {"level": "good", "reason": "Ban Thường vụ quyết định"}


def _rows(body: Any) -> list[dict[str, Any]]:
    return list(body)


def _lines(body: Any) -> list[dict[str, Any]]:
    return list(body["lines"])


def _score(w: World, b: str) -> str:
    return f"/v1/meeting-scores/{w.resource('score', b)}"


def _member(w: World, b: str) -> str:
    return f"/v1/classifications/{YEAR}/member/{w.resource('member', b)}"


RESCORE = {"period": "2026-Q4", "rubric_id": "hd42-default", "reason": "Áp dụng bảng điểm mới"}


def _job_org(item: dict[str, Any]) -> str:
    return str(item["organisation_id"] or PROVINCE)


PROBES = [
    Probe(
        "GET /v1/meeting-scores/{meeting_id}", lambda w, b: Call("GET", _score(w, b), [b]), "score"
    ),
    Probe(
        "POST /v1/meeting-scores/{meeting_id}/confirmation",
        lambda w, b: Call("POST", f"{_score(w, b)}/confirmation", [b], CONFIRM, superior=True),
        "score",
    ),
    Probe(
        "GET /v1/meeting-scores/{meeting_id}/versions",
        lambda w, b: Call("GET", f"{_score(w, b)}/versions", [b]),
        "score",
    ),
    Probe(
        "POST /v1/rescoring-jobs",
        lambda w, n: Call("POST", "/v1/rescoring-jobs", [n], {**RESCORE, "organisation_id": n}),
    ),
    Probe(
        # Naming no organisation re-scores the whole province: province accounts only.
        "POST /v1/rescoring-jobs",
        lambda w, n: Call("POST", "/v1/rescoring-jobs", [PROVINCE], RESCORE),
    ),
    Probe(
        # The root's job is province-wide: only the province reaches it, as with the root.
        "GET /v1/rescoring-jobs/{job_id}",
        lambda w, n: Call("GET", f"/v1/rescoring-jobs/{w.resource('job', n)}", [n]),
        "job",
    ),
    Probe(
        "GET /v1/rescoring-jobs",
        lambda w, n: Call("GET", "/v1/rescoring-jobs", []),
        row_org=_job_org,
        items=_rows,
    ),
    Probe(
        "GET /v1/branches/{branch_id}/rubric",
        lambda w, b: Call("GET", f"/v1/branches/{b}/rubric", [b], params={"held_on": "2026-11-03"}),
        "branch",
    ),
    Probe(
        "GET /v1/branches/{branch_id}/rollups",
        lambda w, b: Call("GET", f"/v1/branches/{b}/rollups", [b], params={"period": "2026"}),
        "branch",
    ),
    Probe(
        "GET /v1/organisations/{organisation_id}/rollups",
        lambda w, n: Call("GET", f"/v1/organisations/{n}/rollups", [n], params={"period": "2026"}),
    ),
    Probe(
        "GET /v1/organisations/{organisation_id}/roll-out",
        lambda w, n: Call("GET", f"/v1/organisations/{n}/roll-out", [n]),
    ),
    Probe(
        "GET /v1/organisations/{organisation_id}/scoring-dry-run",
        lambda w, n: Call(
            "GET",
            f"/v1/organisations/{n}/scoring-dry-run",
            [n],
            params={"period": "2026-Q4", "as_of": "2027-01-01"},
        ),
    ),
    Probe(
        "GET /v1/organisations/{organisation_id}/classification-dry-run",
        lambda w, n: Call(
            "GET",
            f"/v1/organisations/{n}/classification-dry-run",
            [n],
            params={"year": YEAR, "as_of": "2026-12-31"},
        ),
    ),
    Probe(
        "GET /v1/organisations/{organisation_id}/formality",
        lambda w, n: Call(
            "GET", f"/v1/organisations/{n}/formality", [n], params={"month": "2026-11"}
        ),
    ),
    Probe(
        "POST /v1/organisations/{organisation_id}/rankings",
        lambda w, n: Call("POST", f"/v1/organisations/{n}/rankings", [n], {"period": "2026-Q4"}),
    ),
    Probe(
        "GET /v1/rankings/{ranking_id}",
        lambda w, n: Call("GET", f"/v1/rankings/{w.resource('ranking', n)}", [n]),
        "ranking",
    ),
    Probe(
        "GET /v1/compliance-flags",
        lambda w, n: Call("GET", "/v1/compliance-flags", []),
        row_org=lambda item: item["branch_id"],
        items=_rows,
    ),
    Probe(
        "GET /v1/compliance-flags",
        lambda w, b: Call("GET", "/v1/compliance-flags", [b], params={"branch_id": b}),
        "branch",
        row_org=lambda item: item["branch_id"],
        items=_rows,
    ),
    Probe(
        "POST /v1/classifications/{year}/proposals",
        lambda w, n: Call(
            "POST", f"/v1/classifications/{YEAR}/proposals", [n], {"organisation_id": n}
        ),
    ),
    Probe(
        "POST /v1/classifications/{year}/proposals",
        lambda w, b: Call(
            "POST", f"/v1/classifications/{YEAR}/proposals", [b], {"branch_ids": [b]}
        ),
        "branch",
    ),
    Probe(
        # Naming nothing runs the whole province: only a province-level account may.
        "POST /v1/classifications/{year}/proposals",
        lambda w, n: Call("POST", f"/v1/classifications/{YEAR}/proposals", [PROVINCE], {}),
    ),
    Probe(
        "GET /v1/classifications/{year}",
        lambda w, n: Call("GET", f"/v1/classifications/{YEAR}", []),
        row_org=lambda item: item["branch_id"],
        items=_rows,
    ),
    Probe(
        "GET /v1/classifications/{year}",
        lambda w, b: Call("GET", f"/v1/classifications/{YEAR}", [b], params={"branch_id": [b]}),
        "branch",
        row_org=lambda item: item["branch_id"],
        items=_rows,
    ),
    Probe(
        "GET /v1/classifications/{year}/table",
        lambda w, n: Call(
            "GET", f"/v1/classifications/{YEAR}/table", [n], params={"organisation_id": n}
        ),
    ),
    Probe(
        # Naming no organisation: the province's table, province accounts only.
        "GET /v1/classifications/{year}/table",
        lambda w, n: Call("GET", f"/v1/classifications/{YEAR}/table", [PROVINCE]),
    ),
    Probe(
        "GET /v1/classifications/{year}/{subject_type}/{subject_id}",
        lambda w, b: Call("GET", f"/v1/classifications/{YEAR}/branch/{b}", [b]),
        "branch",
    ),
    Probe(
        "GET /v1/classifications/{year}/{subject_type}/{subject_id}",
        lambda w, b: Call("GET", _member(w, b), [b]),
        "member",
    ),
    Probe(
        "POST /v1/classifications/{year}/{subject_type}/{subject_id}/decision",
        lambda w, b: Call(
            "POST", f"/v1/classifications/{YEAR}/branch/{b}/decision", [b], DECIDE, superior=True
        ),
        "branch",
    ),
    Probe(
        "POST /v1/classifications/{year}/{subject_type}/{subject_id}/decision",
        lambda w, b: Call("POST", f"{_member(w, b)}/decision", [b], DECIDE, superior=True),
        "member",
    ),
    Probe(
        "GET /v1/reports/thematic",
        lambda w, n: Call(
            "GET", "/v1/reports/thematic", [n], params={"period": "2026", "organisation_id": n}
        ),
    ),
    Probe(
        "GET /v1/reports/branches",
        lambda w, n: Call("GET", "/v1/reports/branches", [], params={"period": "2026"}),
        row_org=lambda line: line["branch_id"],
        items=_lines,
    ),
    Probe(
        "GET /v1/reports/branches",
        lambda w, n: Call(
            "GET", "/v1/reports/branches", [n], params={"period": "2026", "organisation_id": n}
        ),
        row_org=lambda line: line["branch_id"],
        items=_lines,
    ),
    Probe(
        "GET /v1/reports/branches",
        lambda w, b: Call(
            "GET", "/v1/reports/branches", [b], params={"period": "2026", "branch_id": [b]}
        ),
        "branch",
        row_org=lambda line: line["branch_id"],
        items=_lines,
    ),
]


async def seed_tree(runtime: Any, world: World) -> None:
    async with runtime.uow() as uow:
        await seed_replica(uow.session, world, FROM, branch_kind="residential")
        await uow.commit()


async def seed_scores(runtime: Any, world: World) -> None:
    """A scored meeting and a compliance flag per branch, with members of its own."""
    async with runtime.uow() as uow:
        for branch in world.branches:
            members = [f"{branch}-m{i}" for i in range(20)]
            record = facts(
                meeting_id=f"mt-{branch}",
                branch_id=branch,
                roll=[RollEntry(member_id=m, attendance="present") for m in members],
                speaker_ids=members[:11],
            )
            await score_submitted_meeting(uow, RUBRICS, record)
            await record_roll(uow, record)
            uow.session.add(
                ComplianceFlag(
                    flag_id=f"two_weak_meetings:{branch}:2026-11",
                    kind="two_weak_meetings",
                    severity="warning",
                    subject_type="branch",
                    subject_id=branch,
                    branch_id=branch,
                    period="2026-11",
                    message="Hai cuộc họp xếp loại Kém liên tiếp.",
                )
            )
        await uow.commit()
    world.resources["branch"] = {b: b for b in world.branches}
    world.resources["score"] = {b: f"mt-{b}" for b in world.branches}
    world.resources["member"] = {b: f"{b}-m0" for b in world.branches}


async def seed_through_api(app: Any, world: World) -> None:
    """The province runs the year's proposals, publishes a ranking of every node and asks for a
    re-scoring job of every node (the root's is province-wide: only the province reaches it)."""
    world.resources["ranking"] = {}
    async with signed_client(app, "http://scoring") as client:
        run = await client.post(
            f"/v1/classifications/{YEAR}/proposals", json={}, headers={"Idempotency-Key": "run"}
        )
        assert run.status_code == 201, run.text
        assert sum(run.json()["member"].values()) == 20 * len(world.branches), run.text
        for node in world.nodes:
            r = await client.post(
                f"/v1/organisations/{node}/rankings",
                json={"period": "2026"},
                headers={"Idempotency-Key": f"rank-{node}"},
            )
            assert r.status_code == 201, r.text
            world.resources["ranking"][node] = r.json()["id"]
        # A re-scoring job for every node but the root; the root's is province-wide.
        world.resources["job"] = {}
        for node in world.nodes:
            body = RESCORE if node == world.root else {**RESCORE, "organisation_id": node}
            r = await client.post(
                "/v1/rescoring-jobs", json=body, headers={"Idempotency-Key": f"job-{node}"}
            )
            assert r.status_code == 202, r.text
            world.resources["job"][node] = r.json()["id"]


async def scenario(rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/s.db"
        await asyncio.to_thread(templates.restore, url, MIGRATIONS)
        app = build_app(
            ScoringSettings(database_url=url, amqp_url="amqp://guest:guest@127.0.0.1:1/")  # type: ignore[arg-type]
        )
        runtime = app.state.runtime
        try:
            world = random_tree(rng)
            await seed_tree(runtime, world)
            await seed_scores(runtime, world)
            await seed_through_api(app, world)
            check_coverage(app, PROBES)
            async with signed_client(app, "http://scoring", headers={}) as client:
                for probe in PROBES:
                    await check_probe(client, world, probe, rng, table=PERMISSIONS)
                r = await client.get("/v1/compliance-flags")
                assert r.status_code == 401, r.text  # no token at all
        finally:
            await runtime.db.dispose()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_scope_is_exactly_the_subtree(rng: random.Random) -> None:
    asyncio.run(scenario(rng))
