"""HTTP edge of webhook secrets: rotation with a grace period."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from fastapi import APIRouter
from pydantic import BaseModel, Field

from notifications.directory.models import ContactPoint
from notifications.settings import NotificationsSettings
from notifications.webhooks import service
from service_kit.web.deps import Runtime
from service_kit.web.models import ApiModel
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/contact-points", tags=["webhooks"])


class RotationIn(ApiModel):
    grace_seconds: int | None = Field(
        default=None, ge=0, le=30 * 24 * 3600, description="old secrets keep signing this long"
    )


class RotationOut(BaseModel):
    contact_point_id: str
    secret: str = Field(description="the new whsec_… secret: shown only now")
    previous_secrets_expire_at: datetime


@router.post(
    "/{contact_point_id}/secret-rotations",
    response_model=RotationOut,
    status_code=201,
    summary="Rotate a webhook's signing secret; old and new both sign during the grace",
)
async def rotate_secret(
    contact_point_id: str,
    runtime: Runtime,
    body: RotationIn | None = None,
) -> RotationOut:
    settings = cast(NotificationsSettings, runtime.settings)
    grace = settings.webhook_secret_grace_seconds
    if body is not None and body.grace_seconds is not None:
        grace = body.grace_seconds
    async with runtime.db.transaction() as session:
        contact = await session.get(ContactPoint, contact_point_id)
        if contact is None or contact.channel != "webhook":
            raise Problem(404, "webhook-not-found", "Không tìm thấy webhook này.")
        fresh = await service.rotate(session, contact.id, grace, runtime.clock.now())
    return RotationOut(
        contact_point_id=contact_point_id,
        secret=fresh.secret,
        previous_secrets_expire_at=fresh.created_at + timedelta(seconds=grace),
    )
