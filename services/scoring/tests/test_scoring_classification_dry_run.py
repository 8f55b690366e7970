"""Dry run of the annual classification "as of a date" (#14), on SQLite and PostgreSQL.

A province adopts its own rule set from 1 July 2026 (stricter thresholds than QĐ 366). Asked as
of 30 June, the dry run proposes 2026 under QĐ 366; as of 1 July, under the province's rule —
and that answer is what the real proposal run of 2026 (which applies the rule in force at the
year's end) then stores, branch by branch and level by level. Nothing is written by asking;
a bad date or year is a 422 naming the field."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from scoring_factories import deliver_registry, envelope, facts, organisation

from chibo_testing.plugin import migrated
from chibo_testing.rows import row_counts
from chibo_testing.tokens import signed_client
from scoring.main import MIGRATIONS, build_app
from scoring.meeting_scores import handlers
from scoring.policy import CLASSIFICATION_DIR
from scoring.settings import ScoringSettings

YEAR = 2026
PROVINCE_RULE = """\
id: tinh-2026
version: "2026-07-01"
name: Hướng dẫn xếp loại của Tỉnh ủy (01/7/2026)
source: test
effective_on: 2026-07-01
excellent_at_least: 97
good_at_least: 90
fulfilled_at_least: 60
exceeding_share: 0.3
late_share_fulfilled: 0.2
months_required: 6
quota:
  share: 0.2
  base: good
  organisations: [group, tier]
  members: [group]
  explanation: Không quá 20% số hoàn thành tốt.
grassroots:
  excellent_needs_branches_at_least: good
member:
  attendance_weight: 0.6
  branch_weight: 0.4
  unexcused_month_penalty: 10
committee_member:
  branch_results_weight: 0.3
  reports_weight: 0.2
member_inputs:
  disciplined_at_most: not_fulfilled
  residence_negative_at_most: fulfilled
"""
# Branch → the C4 points its secretary gives every month (of 20): the year's points spread.
C4 = {"cb-1": 20, "cb-2": 16, "cb-3": 12, "cb-4": 6, "dbcs-cb-1": 20, "dbcs-cb-2": 14}


def rules_dir(tmp: Path) -> Path:
    folder = tmp / "classification"
    shutil.copytree(CLASSIFICATION_DIR, folder)
    (folder / "tinh-2026.yaml").write_text(PROVINCE_RULE, encoding="utf-8")
    return folder


async def world(db_url: str, tmp: Path) -> Any:
    await (await migrated(db_url, MIGRATIONS)).dispose()
    app = build_app(
        ScoringSettings(
            database_url=db_url,
            amqp_url="amqp://guest:guest@127.0.0.1:1/",  # type: ignore[arg-type]
            classification_dir=rules_dir(tmp),
        )
    )
    runtime = app.state.runtime
    await deliver_registry(
        runtime,
        organisation("tinh", None, kind="province"),
        organisation("xa", "tinh", kind="commune"),
        organisation("xa-khac", "tinh", kind="commune"),
        *(organisation(f"cb-{i}", "xa") for i in range(1, 5)),
        organisation("dbcs", "xa", kind="grassroots_organisation"),
        *(organisation(f"dbcs-cb-{i}", "dbcs", kind="affiliated_branch") for i in (1, 2)),
        organisation("cb-ngoai", "xa-khac"),
    )
    async with runtime.uow() as uow:
        for branch, c4 in [*C4.items(), ("cb-ngoai", 20)]:
            for month in range(1, 13):
                thematic = month % 3 == 0
                data = facts(
                    meeting_id=f"{branch}-{month:02d}",
                    branch_id=branch,
                    held_on=date(YEAR, month, 5),
                    meeting_type="combined" if thematic else "regular",
                    duration_minutes=130 if thematic else 100,
                    self_score={"C3": 3, "C4": c4, "C5": 5},
                )
                await handlers.on_meeting_submitted(runtime.context, uow, envelope(data), data)
        await uow.commit()
    return app


def levels(body: dict[str, Any]) -> dict[str, tuple[str | None, float | None]]:
    return {
        s["subject_id"]: (s["dry_run"]["level"], s["dry_run"]["points"]) for s in body["subjects"]
    }


async def test_the_dry_run_answers_what_the_run_then_stores_and_writes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    app = await world(db_url, tmp_path)
    runtime = app.state.runtime
    url = "/v1/organisations/xa/classification-dry-run"
    async with signed_client(app, "http://scoring") as client:
        before = await row_counts(runtime.db)
        june = await client.get(url, params={"year": YEAR, "as_of": "2026-06-30"})
        july = await client.get(url, params={"year": YEAR, "as_of": "2026-07-01"})
        assert june.status_code == 200, june.text
        assert july.status_code == 200, july.text
        assert await row_counts(runtime.db) == before  # nothing written, no event in the outbox
        june_body, july_body = june.json(), july.json()
        assert june_body["rules"]["id"] == "qd366-2025" and july_body["rules"]["id"] == "tinh-2026"
        assert july_body["year_rules"]["id"] == "tinh-2026"  # the rule in force at the year's end
        assert july_body["written"] is False
        # The subtree only: six branches and the đảng bộ cơ sở, not the other commune's branch.
        assert sorted(levels(july_body)) == sorted([*C4, "dbcs"])
        assert levels(june_body) != levels(july_body)  # the new thresholds change levels
        assert {s["action"] for s in july_body["subjects"]} == {"new"}
        assert sum(july_body["branches"]["current"].values()) == 6
        assert july_body["branches"]["current"]["not_proposed"] == 6

        # The real run of 2026 over the commune: what it stores is the dry run of 1 July.
        run = await client.post(
            f"/v1/classifications/{YEAR}/proposals",
            json={"organisation_id": "xa"},
            headers={"Idempotency-Key": "run-xa"},
        )
        assert run.status_code == 201, run.text
        assert run.json()["branch"] == july_body["branches"]["dry_run"]
        assert run.json()["organisation"] == july_body["organisations"]["dry_run"]
        assert run.json()["member"] == july_body["members"]["dry_run"]
        stored = {}
        for s in july_body["subjects"]:
            r = await client.get(
                f"/v1/classifications/{YEAR}/{s['subject_type']}/{s['subject_id']}"
            )
            assert r.status_code == 200, r.text
            row = r.json()
            stored[s["subject_id"]] = (row["proposed_level"], row["points"])
            assert row["basis"]["policy"] == "tinh-2026 2026-07-01"
        assert stored == levels(july_body)

        # Asked again: the stored rows are now the current side, and nothing would change.
        again = (await client.get(url, params={"year": YEAR, "as_of": "2026-07-01"})).json()
        assert {s["action"] for s in again["subjects"]} == {"unchanged"}
        assert again["branches"]["current"] == {
            **july_body["branches"]["dry_run"],
            "not_proposed": 0,
        }
        back = (await client.get(url, params={"year": YEAR, "as_of": "2026-06-30"})).json()
        assert back["branches"]["current"] == {
            **july_body["branches"]["dry_run"],
            "not_proposed": 0,
        }
        assert back["branches"]["dry_run"] == june_body["branches"]["dry_run"]
        changed = {s["subject_id"] for s in back["subjects"] if s["action"] == "changed"}
        assert changed == {k for k, v in levels(june_body).items() if v != levels(july_body)[k]}
    await runtime.db.dispose()


async def test_a_bad_date_or_year_is_a_422_naming_the_field(
    sqlite_url: str, tmp_path: Path
) -> None:
    app = await world(sqlite_url, tmp_path)
    url = "/v1/organisations/xa/classification-dry-run"
    async with signed_client(app, "http://scoring") as client:
        for params, pointer in [
            ({"year": YEAR, "as_of": "2026-13-01"}, "#query/as_of"),
            ({"year": YEAR, "as_of": "1929-12-31"}, "#query/as_of"),
            ({"year": YEAR}, "#query/as_of"),
            ({"year": "năm", "as_of": "2026-07-01"}, "#query/year"),
            ({"year": 1999, "as_of": "2026-07-01"}, "#query/year"),
            # A day before the first rule set loaded (QĐ 132 of 08/3/2018).
            ({"year": 2017, "as_of": "2017-12-31"}, "#query/as_of"),
        ]:
            r = await client.get(url, params=params)
            assert r.status_code == 422, (params, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert [e["pointer"] for e in r.json()["errors"]] == [pointer], r.text
        unknown = await client.get(
            "/v1/organisations/khong-co/classification-dry-run",
            params={"year": YEAR, "as_of": "2026-07-01"},
        )
        assert unknown.status_code in (403, 404), unknown.text
    await app.state.runtime.db.dispose()
