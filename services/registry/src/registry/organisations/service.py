"""Registering organisations: checks, storage, the event."""

from __future__ import annotations

import sqlalchemy as sa

from event_contracts.events.registry import OrganisationRegistered
from registry.organisations.models import Organisation
from registry.organisations.schemas import OrganisationIn, OrganisationOut
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork
from service_kit.web.problems import FieldError, Problem


async def register(uow: UnitOfWork, body: OrganisationIn) -> OrganisationOut:
    session = uow.session
    taken = await session.scalar(sa.select(Organisation.id).where(Organisation.code == body.code))
    if taken:
        raise Problem(
            409,
            "organisation-code-taken",
            f"Mã {body.code} đã được dùng.",
            errors=[FieldError("/code", "Mã tổ chức đã tồn tại.", "duplicate")],
        )
    if body.kind == "province" and body.parent_id:
        raise Problem(
            422,
            "organisation-invalid",
            "Tỉnh ủy không có tổ chức cấp trên.",
            errors=[FieldError("/parent_id", "Phải để trống với cấp tỉnh.", "not-allowed")],
        )
    if body.kind != "province":
        parent = await session.get(Organisation, body.parent_id) if body.parent_id else None
        if parent is None:
            raise Problem(
                422,
                "organisation-invalid",
                "Không tìm thấy tổ chức cấp trên.",
                errors=[
                    FieldError("/parent_id", "Tổ chức cấp trên không tồn tại.", "unknown-parent")
                ],
            )
    org = Organisation(
        id=new_id(),
        code=body.code,
        name=body.name,
        kind=body.kind,
        parent_id=body.parent_id,
        valid_from=body.valid_from,
    )
    session.add(org)
    await session.flush()
    uow.emit(
        OrganisationRegistered.produce(
            aggregate_version=org.version,
            organisation_id=org.id,
            code=org.code,
            name=org.name,
            kind=org.kind,
            parent_id=org.parent_id,
            valid_from=org.valid_from,
        ),
        subject=f"organisations/{org.id}",
    )
    return OrganisationOut.model_validate(org, from_attributes=True)
