"""The first page after sign-in: straight to the person's desk, or a choice of desks."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse, Response

from portal.web import Ctx, signed_in

router = APIRouter()


@router.get("/", response_model=None)
async def home(ctx: Ctx = Depends(signed_in)) -> Response:
    homes = list(dict.fromkeys(desk.home for desk in ctx.person.desks))
    if len(homes) == 1:
        return RedirectResponse(homes[0], status_code=303)
    return ctx.render("home/home.html", desks=ctx.person.desks)
