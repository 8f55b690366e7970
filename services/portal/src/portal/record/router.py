"""One meeting as anyone in scope sees it: the record, and its score sheet with every criterion
explained, the branch's own, the observer's and the confirmed score side by side."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from portal.clients.base import ApiProblem
from portal.web import Ctx, signed_in

router = APIRouter()


async def _score(ctx: Ctx, meeting_id: str) -> dict[str, Any] | None:
    try:
        return await ctx.scoring.score(meeting_id)
    except ApiProblem as problem:
        if problem.status == 404:
            return None  # not scored yet: scoring works from the event, a moment later
        raise


@router.get("/cuoc-hop/{meeting_id}")
async def meeting_page(meeting_id: str, ctx: Ctx = Depends(signed_in)) -> Response:
    meeting = await ctx.meetings.meeting(meeting_id)
    revisions = await ctx.meetings.revisions(meeting_id)
    record: dict[str, Any] = revisions[-1]["submission"] if revisions else {}
    branch = await ctx.registry.organisation(meeting["branch_id"])
    roster = await ctx.registry.roster(meeting["branch_id"], date.fromisoformat(meeting["held_on"]))
    names = {m["member_id"]: m["full_name"] for m in roster}
    query = ctx.request.query_params
    return ctx.render(
        "record/meeting.html",
        meeting_id=meeting_id,
        meeting=meeting,
        record=record,
        branch=branch,
        names=names,
        score=await _score(ctx, meeting_id),
        just_sent="moi" in query,
        already="da-co" in query,
        revisions=len(revisions),
    )


@router.get("/cuoc-hop/{meeting_id}/phieu-diem")
async def score_fragment(meeting_id: str, ctx: Ctx = Depends(signed_in)) -> Response:
    """The score sheet alone: the page polls it until scoring has answered."""
    return ctx.render(
        "record/score_sheet.html", meeting_id=meeting_id, score=await _score(ctx, meeting_id)
    )
