"""The branch secretary's pages: the desk, and this month's meeting form (draft, submit,
errors beside their fields, a repeat submission shown as already recorded).

Meetings keeps one regular meeting per branch and month (#19): a second one is answered 409
naming the record. That is not an error to retry: the secretary is taken to the record, which
says "Đã có biên bản kỳ này", and a draft of a month already recorded says so before it is sent.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from portal.clients.base import ApiProblem
from portal.formatting import ACTION_ITEM_STATUS, month_key, parse_day
from portal.roles import Desk
from portal.secretary.form import (
    AGENDA_STEPS,
    ITEM_STATUSES,
    MIN_ITEM_ROWS,
    MIN_REQUEST_ROWS,
    SELF_SCORE_ITEMS,
    Built,
    FieldErrors,
    Values,
    build_submission,
    map_problem,
    values_from_body,
)
from portal.web import Ctx, at_desk, state_of, wants_json

router = APIRouter()
PARKED_COOKIE = "chibo_nhap_do"
# The types that are the month's regular meeting (meetings.schedules.rules.REGULAR_TYPES).
REGULAR = frozenset({"regular", "combined", "cluster", "pilot"})


def _pref_key(branch_id: str, month: str, meeting_type: str) -> str:
    kind = "regular" if meeting_type in REGULAR else meeting_type
    return f"hop:{branch_id}:{month}:{kind}"


def default_day(branch: dict[str, Any], today: date) -> date:
    """The branch's scheduled day this month, unless it is still ahead (a record is never
    dated in the future)."""
    scheduled = branch.get("meeting_day_from")
    if not scheduled:
        return today
    try:
        day = today.replace(day=int(scheduled))
    except ValueError:
        return today
    return min(day, today)


def _step_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, label, group in AGENDA_STEPS:
        groups.setdefault(group, []).append((code, label))
    return list(groups.items())


def existing_record(problem: ApiProblem) -> str | None:
    """The meeting a 409 names (one regular meeting per branch and month): the id, if any."""
    body = problem.problem
    for key in ("meeting_id", "existing_meeting_id", "existing_id"):
        if isinstance(body.get(key), str):
            return str(body[key])
    existing = body.get("existing")
    if isinstance(existing, dict) and isinstance(existing.get("id"), str):
        return str(existing["id"])
    if problem.location.startswith("/v1/meetings/"):
        return problem.location.removeprefix("/v1/meetings/")
    return None


async def _already(
    ctx: Ctx, branch_id: str, month: str, meeting_type: str
) -> dict[str, Any] | None:
    """This month's meeting of this kind, when one is recorded."""
    kinds = REGULAR if meeting_type in REGULAR else {meeting_type}
    for meeting in await ctx.meetings.meetings(branch_id=branch_id, month=month):
        if meeting["meeting_type"] in kinds:
            return meeting
    return None


@router.get("/chi-bo")
async def desk_home(dep: tuple[Ctx, Desk] = Depends(at_desk("secretary"))) -> Response:
    ctx, desk = dep
    branch = await ctx.registry.organisation(desk.organisation_id)
    today = ctx.today()
    month = month_key(today)
    meetings = await ctx.meetings.meetings(branch_id=branch["id"], max_pages=2)
    meetings.sort(key=lambda m: m["held_on"], reverse=True)
    this_month = [m for m in meetings if m["held_on"].startswith(month)]
    pref = await state_of(ctx.request).preferences.get(
        ctx.session.subject, _pref_key(branch["id"], month, "regular")
    )
    requests = await ctx.meetings.requests(branch_id=branch["id"], max_pages=2)
    open_requests = [r for r in requests if r["status"] not in ("closed",)]
    return ctx.render(
        "secretary/desk.html",
        branch=branch,
        month=month,
        this_month=this_month,
        meetings=meetings[:12],
        has_draft=bool(pref and pref.get("draft_id")),
        open_requests=open_requests,
    )


async def _form_page(
    ctx: Ctx,
    desk: Desk,
    values: Values,
    *,
    status_code: int = 200,
    errors: FieldErrors | None = None,
    notice: str = "",
    extra_rows: dict[str, int] | None = None,
    existing_meeting_id: str | None = None,
) -> Response:
    branch = await ctx.registry.organisation(desk.organisation_id)
    today = ctx.today()
    day = parse_day(values.get("held_on")) or default_day(branch, today)
    roster = await ctx.registry.roster(branch["id"], day)
    prefill = await ctx.meetings.next_meeting(branch["id"])
    ancestors = await ctx.registry.ancestors(branch["id"])
    # Rows of the roll keep what was entered for each member, whatever their order.
    entered: dict[str, dict[str, str]] = {}
    for i in range(values.rows("roll")):
        member = values.get(f"roll-{i}-member_id")
        if member:
            entered[member] = {
                "attendance": values.get(f"roll-{i}-attendance"),
                "reason": values.get(f"roll-{i}-reason"),
                "spoke": values.get(f"roll-{i}-spoke"),
            }
    roll = []
    for member in roster:
        given = entered.get(member["member_id"], {})
        default = "exempt" if member["status"] == "exempt" else "present"
        roll.append(
            {
                **member,
                "attendance": given.get("attendance") or default,
                "reason": given.get("reason", ""),
                "spoke": given.get("spoke") == "1",
            }
        )
    previous = []
    if values.rows("prev"):
        for i in range(values.rows("prev")):
            previous.append(
                {
                    "title": values.get(f"prev-{i}-title"),
                    "status": values.get(f"prev-{i}-status"),
                    "note": values.get(f"prev-{i}-note"),
                    "owner_member_id": values.get(f"prev-{i}-owner"),
                    "due_on": values.get(f"prev-{i}-due_on"),
                }
            )
    else:
        previous = [{**item, "status": "", "note": ""} for item in prefill["previous_action_items"]]
    extra = extra_rows or {}
    item_rows = max(values.rows("item"), MIN_ITEM_ROWS) + extra.get("item", 0)
    request_rows = max(values.rows("req"), MIN_REQUEST_ROWS) + extra.get("req", 0)
    names = {m["member_id"]: m["full_name"] for m in roster}
    key = values.get("idempotency_key") or str(uuid.uuid4())
    return ctx.render(
        "secretary/meeting_form.html",
        status_code=status_code,
        branch=branch,
        day=day,
        today=today,
        values=values,
        roll=roll,
        names=names,
        previous=previous,
        item_rows=item_rows,
        request_rows=request_rows,
        addressees=[(a["id"], a["name"]) for a in ancestors],
        open_requests=prefill["open_requests"],
        answers_to_review=prefill["answers_to_review"],
        step_groups=_step_groups(),
        people=[(m["member_id"], m["full_name"]) for m in roster],
        self_items=SELF_SCORE_ITEMS,
        item_statuses=[(s, ACTION_ITEM_STATUS[s]) for s in ITEM_STATUSES],
        errors=errors or FieldErrors(),
        notice=notice,
        idempotency_key=key,
        draft_id=values.get("draft_id"),
        form_key=f"hop:{branch['id']}:{month_key(day)}",
        existing_meeting_id=existing_meeting_id,
    )


@router.get("/chi-bo/hop")
async def meeting_form(
    request: Request, dep: tuple[Ctx, Desk] = Depends(at_desk("secretary"))
) -> Response:
    ctx, desk = dep
    state = state_of(request)
    meeting_type = request.query_params.get("loai", "regular")
    month = month_key(ctx.today())
    notice = ""
    parked = await state.store.take_parked(
        request.cookies.get(PARKED_COOKIE), request.url.path, ctx.now()
    )
    pref = await state.preferences.get(
        ctx.session.subject, _pref_key(desk.organisation_id, month, meeting_type)
    )
    existing_meeting_id = None
    if parked is not None:
        values = Values(parked)
        notice = (
            "Đã khôi phục nội dung bạn nhập trước khi phiên làm việc hết hạn. "
            "Kiểm tra lại rồi bấm «Gửi biên bản»."
        )
    elif pref and pref.get("draft_id"):
        draft = await ctx.meetings.draft(pref["draft_id"])
        values = Values(
            [
                *values_from_body(draft["body"]),
                ("draft_id", draft["id"]),
                ("idempotency_key", pref.get("idempotency_key", "")),
            ]
        )
        notice = "Đang tiếp tục bản nháp đã lưu."
        existing_meeting_id = draft.get("existing_meeting_id")
    else:
        existing = await _already(ctx, desk.organisation_id, month, meeting_type)
        if existing is not None:
            return ctx.render("secretary/recorded.html", meeting=existing, month=month)
        values = Values([("meeting_type", meeting_type)])
    response = await _form_page(
        ctx, desk, values, notice=notice, existing_meeting_id=existing_meeting_id
    )
    if parked is not None:
        response.delete_cookie(PARKED_COOKIE)
    return response


def _known_fields(values: Values, built: Built) -> set[str]:
    known = {
        "held_on",
        "started_time",
        "ended_time",
        "meeting_type",
        "place",
        "minutes",
        "chair_member_id",
        "minute_taker_member_id",
        "roll",
        "agenda_steps",
        "prev",
        "item",
        "req",
        "resolution_voted",
        "votes-in_favour",
        "votes-against",
        "votes-abstain",
    }
    known |= {k for k, _ in values.pairs}
    for name, count in (("item", values.rows("item")), ("req", values.rows("req"))):
        for i in range(count):
            known |= {
                f"{name}-{i}-{leaf}"
                for leaf in (
                    "title",
                    "owner",
                    "due_on",
                    "subject",
                    "text",
                    "addressee_id",
                    "category",
                )
            }
    for i in range(values.rows("roll")):
        known |= {f"roll-{i}-attendance", f"roll-{i}-reason"}
    return known


@router.post("/chi-bo/hop")
async def meeting_post(
    request: Request, dep: tuple[Ctx, Desk] = Depends(at_desk("secretary"))
) -> Response:
    ctx, desk = dep
    state = state_of(request)
    form = await request.form()
    values = Values((k, v) for k, v in form.multi_items() if isinstance(v, str))
    action = values.get("action", "gui")
    if action == "doi-ngay":
        return await _form_page(
            ctx, desk, values, notice="Đã tải danh sách đảng viên theo ngày họp."
        )
    if action in ("them-viec", "them-kien-nghi"):
        extra = {"item": 1} if action == "them-viec" else {"req": 1}
        return await _form_page(ctx, desk, values, extra_rows=extra)
    built, errors = build_submission(values, desk.organisation_id)
    month = built.body["held_on"][:7] if len(built.body["held_on"]) >= 7 else month_key(ctx.today())
    pref_key = _pref_key(desk.organisation_id, month, built.body["meeting_type"])
    key = values.get("idempotency_key") or str(uuid.uuid4())
    if action == "luu-nhap":
        draft_body = {k: v for k, v in built.body.items() if k != "branch_id"}
        draft_id = values.get("draft_id")
        if draft_id:
            saved = await ctx.meetings.save_draft(draft_id, desk.organisation_id, draft_body)
        else:
            saved = await ctx.meetings.create_draft(desk.organisation_id, draft_body)
            draft_id = saved["id"]
        await state.preferences.put(
            ctx.session.subject, pref_key, {"draft_id": draft_id, "idempotency_key": key}, ctx.now()
        )
        kept = Values(
            [*[(k, v) for k, v in values.pairs if k not in ("draft_id",)], ("draft_id", draft_id)]
        )
        return await _form_page(
            ctx,
            desk,
            kept,
            notice="Đã lưu bản nháp.",
            existing_meeting_id=saved.get("existing_meeting_id"),
        )
    if errors:
        return await _invalid(ctx, desk, values, errors)
    try:
        meeting = await ctx.meetings.submit(built.body, key)
    except ApiProblem as problem:
        if problem.status == 409:
            # Already recorded (from another phone, a resent form, a second browser): shown
            # as the record it is, not as an error to send again.
            recorded = existing_record(problem)
            if recorded:
                await state.preferences.delete(ctx.session.subject, pref_key)
                url = f"/cuoc-hop/{recorded}?da-co=1"
                if wants_json(request):
                    return JSONResponse(
                        {"status": "exists", "url": url, "message": "Đã có biên bản kỳ này"}
                    )
                return RedirectResponse(url, status_code=303)
        if problem.status != 422:
            raise
        roster_names = await _names(ctx, desk, built)
        mapped = map_problem(
            problem.errors or [{"detail": problem.detail}],
            built,
            _known_fields(values, built),
            roster_names,
        )
        return await _invalid(ctx, desk, values, mapped)
    await state.preferences.delete(ctx.session.subject, pref_key)
    url = f"/cuoc-hop/{meeting['id']}?moi=1"
    if wants_json(request):
        return JSONResponse({"status": "created", "url": url}, status_code=201)
    return RedirectResponse(url, status_code=303)


async def _names(ctx: Ctx, desk: Desk, built: Built) -> dict[str, str]:
    day = parse_day(built.body["held_on"])
    if day is None:
        return {}
    roster = await ctx.registry.roster(desk.organisation_id, day)
    return {m["member_id"]: m["full_name"] for m in roster}


async def _invalid(ctx: Ctx, desk: Desk, values: Values, errors: FieldErrors) -> Response:
    if wants_json(ctx.request):
        return JSONResponse({"status": "invalid", "errors": errors.summary}, status_code=422)
    return await _form_page(ctx, desk, values, status_code=422, errors=errors)
