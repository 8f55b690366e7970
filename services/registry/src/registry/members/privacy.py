"""Members' personal data by need (Decree 13/2023/NĐ-CP): citizen id, date of birth, phone and
e-mail are shown to the member themself and to those responsible for them (`member.personal`:
the branch's secretary and deputies, the committees and offices above, administrators, the
services that send their mail); everyone else reads them masked. Each unmasked read is written
to the audit log with who and which route."""

from __future__ import annotations

from fastapi import Request

from registry.audit import record as audit
from registry.members.schemas import MemberOut
from service_kit.runtime import ServiceRuntime
from service_kit.web.access import Access

PERSONAL_FIELDS = ("citizen_id", "date_of_birth", "phone", "email")


def _mask(value: str | None, keep: int) -> str | None:
    if not value:
        return value
    return "•" * max(len(value) - keep, 3) + value[-keep:] if keep else "•" * 6


def _mask_email(value: str | None) -> str | None:
    if not value or "@" not in value:
        return _mask(value, 0)
    name, _, domain = value.partition("@")
    return f"{name[:1]}•••@{domain}"


def masked(out: MemberOut) -> MemberOut:
    return out.model_copy(
        update={
            "citizen_id": _mask(out.citizen_id, 3),
            "phone": _mask(out.phone, 2),
            "email": _mask_email(out.email),
            "date_of_birth": None,
            "personal_data": "masked",
        }
    )


async def may_see(access: Access, member_id: str, branch_id: str | None) -> bool:
    if access.principal.member_id == member_id:
        return True
    if branch_id is None:
        return access.everywhere_for("member.personal")
    return await access.within(branch_id, "member.personal")


async def shown(
    request: Request, runtime: ServiceRuntime, access: Access, out: MemberOut, branch_id: str | None
) -> MemberOut:
    """`out` as this caller may see it; an unmasked read leaves its trace in the audit log."""
    if not await may_see(access, out.id, branch_id):
        return masked(out)
    route = request.scope.get("route")
    async with runtime.uow() as uow:
        await audit.record(
            uow.session,
            actor=access.principal.actor,
            action=f"read {request.method} {getattr(route, 'path', request.url.path)}",
            entity="member",
            entity_id=out.id,
            at=uow.now(),
            after={"personal_fields": list(PERSONAL_FIELDS)},
        )
        await uow.commit()
    return out
