"""A commune-sized tree and a quarter of meetings for the subtree tests, and the app over them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
from scoring_factories import RUBRICS, deliver_registry, facts, organisation, scoring_app

from chibo_testing.tokens import signed_client
from event_contracts.events.registry import OrganisationDissolved, OrganisationMoved
from scoring.meeting_scores.service import score_submitted_meeting

# Xã Bình Phú under the province; Xã An Hòa beside it. b-moved leaves Bình Phú for An Hòa on
# 1/10; b-old is dissolved on 15/8; b-new is registered on 1/10.
TREE = [
    organisation("tinh", None, kind="province"),
    organisation("xa-binh-phu", "tinh", kind="commune"),
    organisation("xa-an-hoa", "tinh", kind="commune"),
    organisation("b-res1", "xa-binh-phu", branch_kind="residential"),
    organisation("b-res2", "xa-binh-phu", branch_kind="residential"),
    organisation("b-school", "xa-binh-phu", branch_kind="school"),
    organisation("b-silent", "xa-binh-phu"),
    organisation("b-moved", "xa-binh-phu", branch_kind="residential"),
    organisation("b-old", "xa-binh-phu", branch_kind="residential"),
    organisation("b-new", "xa-binh-phu", branch_kind="agency", valid_from=date(2026, 10, 1)),
    organisation("b-other", "xa-an-hoa", branch_kind="residential"),
    OrganisationMoved.produce(
        aggregate_version=2,
        organisation_id="b-moved",
        from_parent_id="xa-binh-phu",
        parent_id="xa-an-hoa",
        on=date(2026, 10, 1),
        reason="merge",
    ),
    OrganisationDissolved.produce(
        aggregate_version=2,
        organisation_id="b-old",
        on=date(2026, 8, 15),
        children_moved_to_id=None,
    ),
]
# (meeting, branch, held_on, C4 self-score): totals differ so that averages tell branches apart.
MEETINGS = [
    ("m1", "b-res1", date(2026, 7, 3), 20),
    ("m2", "b-res1", date(2026, 8, 4), 10),
    ("m3", "b-res2", date(2026, 7, 5), 15),
    ("m4", "b-school", date(2026, 9, 6), 20),
    ("m5", "b-moved", date(2026, 7, 7), 5),
    ("m6", "b-moved", date(2026, 10, 7), 20),
    ("m7", "b-old", date(2026, 7, 8), 12),
    ("m8", "b-other", date(2026, 7, 9), 20),
    ("m9", "b-new", date(2026, 10, 9), 18),
]


async def subtree_api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    app = await scoring_app(db_url)
    runtime = app.state.runtime
    await deliver_registry(runtime, *TREE)
    async with runtime.uow() as uow:
        for meeting_id, branch_id, held_on, c4 in MEETINGS:
            await score_submitted_meeting(
                uow,
                RUBRICS,
                facts(
                    meeting_id=meeting_id,
                    branch_id=branch_id,
                    held_on=held_on,
                    self_score={"C3": 3, "C4": c4, "C5": 5},
                ),
            )
        await uow.commit()
    async with signed_client(app, "http://scoring") as client:
        yield client, runtime
    await runtime.db.dispose()
