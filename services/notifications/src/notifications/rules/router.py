"""HTTP edge of the rules: read the set in effect and its history, publish a new version."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path

from notifications.context import Ctx
from notifications.rules import service
from notifications.rules.schemas import RuleSetIn, RuleSetOut, RuleSetVersionOut
from notifications.scope import province_only
from service_kit.web.deps import Runtime
from service_kit.web.problems import Problem

# Rule sets are province-level: read and written with a province token only.
router = APIRouter(prefix="/v1/rules", tags=["rules"], dependencies=[Depends(province_only)])


def _out(active: service.ActiveRuleSet) -> RuleSetOut:
    return RuleSetOut(
        version=active.version,
        effective_at=active.effective_at,
        created_at=active.created_at,
        note=active.note,
        document=active.document,
    )


@router.get("", response_model=RuleSetOut, summary="The rule set in effect now")
async def current_rules(runtime: Runtime) -> RuleSetOut:
    async with runtime.db.session() as session:
        return _out(await service.in_effect(session, runtime.clock.now()))


@router.get(
    "/versions", response_model=list[RuleSetVersionOut], summary="Every version, newest first"
)
async def list_versions(runtime: Runtime) -> list[RuleSetVersionOut]:
    async with runtime.db.session() as session:
        found = await service.versions(session)
    return [
        RuleSetVersionOut(
            version=a.version, effective_at=a.effective_at, created_at=a.created_at, note=a.note
        )
        for a in found
    ]


@router.get("/versions/{version}", response_model=RuleSetOut, summary="One version")
async def get_version(
    runtime: Runtime,
    version: int = Path(ge=0, le=2**31 - 1, description="số phiên bản (0: mặc định)"),
) -> RuleSetOut:
    async with runtime.db.session() as session:
        found = await service.version(session, version)
    if found is None:
        raise Problem(404, "rule-set-not-found", f"Không có phiên bản quy tắc {version}.")
    return _out(found)


@router.post(
    "/versions",
    response_model=RuleSetOut,
    status_code=201,
    summary="Publish a new version (validated as a whole; 409 when not based on the latest)",
)
async def publish_version(edit: RuleSetIn, runtime: Runtime, ctx: Ctx) -> RuleSetOut:
    await service.check_templates(ctx.renderer, edit)  # before the transaction: it may take time
    async with runtime.db.transaction() as session:
        published = await service.publish(session, edit, runtime.clock.now())
    return _out(published)
