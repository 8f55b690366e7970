"""The in-app inbox: notifications sent to the person's role addresses, newest first."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from portal.web import Ctx, signed_in

router = APIRouter()


@router.get("/hop-thu")
async def inbox(ctx: Ctx = Depends(signed_in)) -> Response:
    items: list[dict[str, Any]] = []
    for address in ctx.person.inbox_addresses:
        items += await ctx.notifications.inbox(address)
    items.sort(key=lambda n: n["created_at"], reverse=True)
    unread = sum(1 for n in items if n["read_at"] is None)
    return ctx.render("inbox/inbox.html", items=items[:200], unread=unread)


@router.post("/hop-thu/{notification_id}/da-doc")
async def mark_read(
    notification_id: str, request: Request, ctx: Ctx = Depends(signed_in)
) -> Response:
    await ctx.notifications.mark_read(notification_id)
    if request.headers.get("hx-request"):
        return ctx.render("inbox/read_mark.html")
    return RedirectResponse("/hop-thu", status_code=303)


@router.post("/hop-thu/da-doc-het")
async def mark_all_read(ctx: Ctx = Depends(signed_in)) -> Response:
    for address in ctx.person.inbox_addresses:
        await ctx.notifications.mark_all_read(address)
    return RedirectResponse("/hop-thu", status_code=303)
