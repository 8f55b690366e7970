"""Drafts: a secretary saves the record as she writes it and submits it once complete. A draft is
checked only for shape when saved; every rule applies when it is submitted."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy.ext.asyncio import AsyncSession

from meetings.context import Ctx
from meetings.meetings import service, slots
from meetings.meetings.models import MeetingDraft
from meetings.meetings.schemas import MeetingOut, MeetingSubmissionIn
from service_kit.errors import FieldError, Invalid, NotFound, PreconditionFailed
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork
from service_kit.web.deps import Caller, IdempotencyKey, IfMatch, Runtime
from service_kit.web.idempotency import Created, create_once
from service_kit.web.models import ApiModel
from service_kit.web.validation_messages import message

router = APIRouter(prefix="/v1/meeting-drafts", tags=["meetings"])


class DraftIn(ApiModel):
    branch_id: str = Field(min_length=1, max_length=64)
    body: dict[str, Any] = Field(
        default_factory=dict,
        max_length=50,
        description="the record so far, in the shape of a submission (without branch_id: a "
        "draft keeps the branch it was started for)",
    )

    @field_validator("body")
    @classmethod
    def _no_branch_inside(cls, body: dict[str, Any]) -> dict[str, Any]:
        if "branch_id" in body:
            raise PydanticCustomError(
                "branch-in-body",
                "Bản nháp giữ chi bộ đã chọn khi tạo; không đặt branch_id trong nội dung.",
            )
        return body


class DraftOut(BaseModel):
    id: str
    branch_id: str
    body: dict[str, Any]
    version: int
    created_at: datetime
    updated_at: datetime
    existing_meeting_id: str | None = Field(
        default=None,
        description="a record this draft would duplicate (the branch's regular meeting of the "
        "draft's month is already recorded): submitting it answers 409; amend that record "
        "instead (POST /v1/meetings/{id}/amendments)",
    )


async def _out(session: AsyncSession, draft: MeetingDraft) -> DraftOut:
    """The draft, with the record it would collide with when its day and type say so."""
    out = DraftOut.model_validate(draft, from_attributes=True)
    held_on, meeting_type = draft.body.get("held_on"), draft.body.get("meeting_type", "regular")
    try:
        day = date.fromisoformat(held_on) if isinstance(held_on, str) else None
    except ValueError:
        day = None
    if day is not None and isinstance(meeting_type, str):
        holder = await slots.existing_record(session, draft.branch_id, meeting_type, day)
        out.existing_meeting_id = holder.meeting_id if holder else None
    return out


def _etag(draft: MeetingDraft) -> str:
    return f'"{draft.version}"'


async def _load(uow: UnitOfWork, draft_id: str) -> MeetingDraft:
    draft = await uow.session.get(MeetingDraft, draft_id)
    if draft is None:
        raise NotFound("draft-not-found", f"Không có bản nháp {draft_id}.")
    return draft


@router.post("", status_code=201, response_model=DraftOut, summary="Start a draft record")
async def create_draft(
    body: DraftIn,
    response: Response,
    runtime: Runtime,
    access: Caller,
) -> DraftOut:
    await access.require(body.branch_id)
    async with runtime.uow() as uow:
        now = runtime.clock.now()
        draft = MeetingDraft(
            id=new_id(), branch_id=body.branch_id, body=body.body, created_at=now, updated_at=now
        )
        uow.session.add(draft)
        await uow.commit()
    response.headers["Location"] = f"/v1/meeting-drafts/{draft.id}"
    response.headers["ETag"] = _etag(draft)
    async with runtime.db.session() as session:
        return await _out(session, draft)


@router.get("/{draft_id}", response_model=DraftOut, summary="A draft as last saved")
async def get_draft(draft_id: str, response: Response, runtime: Runtime) -> DraftOut:
    async with runtime.db.session() as session:  # a read: no write lock, nothing expired
        draft = await session.get(MeetingDraft, draft_id)
        if draft is None:
            raise NotFound("draft-not-found", f"Không có bản nháp {draft_id}.")
        response.headers["ETag"] = _etag(draft)
        return await _out(session, draft)


@router.put(
    "/{draft_id}",
    response_model=DraftOut,
    summary="Save the draft again (If-Match with the ETag read, to not overwrite others)",
)
async def save_draft(
    draft_id: str,
    body: DraftIn,
    response: Response,
    runtime: Runtime,
    access: Caller,
    if_match: IfMatch = None,
) -> DraftOut:
    await access.require(body.branch_id)
    async with runtime.uow() as uow:
        draft = await _load(uow, draft_id)
        if if_match is not None and if_match.strip() != _etag(draft):
            raise PreconditionFailed(
                "draft-changed",
                "Bản nháp đã được lưu từ nơi khác; hãy tải lại.",
                current_version=draft.version,
            )
        if body.branch_id != draft.branch_id:  # like an amendment: a record keeps its branch
            raise Invalid(
                "draft-invalid",
                "Bản nháp thuộc chi bộ khác; hãy tạo bản nháp mới cho chi bộ này.",
                errors=[FieldError("/branch_id", "Chi bộ phải giữ nguyên.", "branch-changed")],
            )
        draft.body = body.body
        draft.version += 1
        draft.updated_at = runtime.clock.now()
        uow.session.add(draft)
        await uow.commit()
    response.headers["ETag"] = _etag(draft)
    async with runtime.db.session() as session:
        return await _out(session, draft)


@router.post(
    "/{draft_id}/submission",
    status_code=201,
    response_model=MeetingOut,
    summary="Submit a complete draft as the meeting record (Idempotency-Key)",
)
async def submit_draft(
    draft_id: str,
    request: Request,
    runtime: Runtime,
    access: Caller,
    ctx: Ctx,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def create(uow: UnitOfWork) -> Created:
        draft = await _load(uow, draft_id)
        try:
            sub = MeetingSubmissionIn.model_validate({**draft.body, "branch_id": draft.branch_id})
        except ValidationError as exc:
            errors = [
                FieldError("/body/" + "/".join(str(p) for p in e["loc"]), message(e), e["type"])
                for e in exc.errors()
            ]
            raise Invalid(
                "draft-incomplete",
                "Bản nháp chưa đủ để gửi; xem các trường trong `errors`.",
                errors=errors,
            ) from None
        out = await service.submit_meeting(
            uow,
            sub,
            ctx.now(),
            ctx.request_rules,
            ctx.meeting_rules,
            actor=access.principal.actor,
        )
        await uow.session.delete(draft)
        return Created(201, out.model_dump(mode="json"), location=f"/v1/meetings/{out.id}")

    return await create_once(request, runtime, idempotency_key, {}, create)
