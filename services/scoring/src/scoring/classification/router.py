"""HTTP edge of annual classification: run proposals under the year's rule set, read them,
record the decision, publish the annual table of decided levels (JSON or XLSX).

Scope: a run targets the organisation or the branches its body names (the province when it names
neither); lists show rows of branches in the caller's subtree; one classification belongs to its
branch (a branch or organisation subject is its own), checked by `guard` through the
`subject_id` resolver; the table is of an organisation in the caller's subtree (the province's
when it names none: province accounts only)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.vocabulary import OrganisationKind
from scoring.classification import service
from scoring.classification.export import to_xlsx
from scoring.classification.models import Classification
from scoring.classification.rules import MemberInputs
from scoring.classification.schemas import (
    AnnualTableOut,
    ClassificationOut,
    DecisionIn,
    ProposalRunIn,
    ProposalRunOut,
)
from scoring.classification.table import annual_table, year_end
from scoring.context import Ctx
from scoring.policy import ClassificationRules, NoRules
from scoring.subtree import TreeOnDay, tree_on
from scoring.visible import visible_to
from service_kit.uow import UnitOfWork
from service_kit.web.access import Access, superior
from service_kit.web.deps import Caller, IdempotencyKey, Runtime
from service_kit.web.idempotency import Created, create_once
from service_kit.web.problems import FieldError, Problem

router = APIRouter(prefix="/v1/classifications", tags=["classification"])
SubjectType = Literal["branch", "organisation", "member"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def out(row: Classification) -> ClassificationOut:
    return ClassificationOut(**row.model_dump(), level=row.decided_level or row.proposed_level)


# A year of the annual classification: a path parameter checked like any other (422 naming it).
Year = Annotated[int, Path(ge=2000, le=2100, description="năm xếp loại, ví dụ 2026")]


def _rules(ctx: Ctx, year: int) -> ClassificationRules:
    """The rule set of the year reviewed; 422 naming the year when none covers it."""
    try:
        return ctx.classification.for_year(year)
    except NoRules as exc:
        detail = str(exc)
        raise Problem(
            422, "no-classification-rules", detail, errors=[FieldError("#path/year", detail)]
        ) from None


async def _require_run_targets(access: Access, body: ProposalRunIn) -> None:
    """A run names its organisation, or its branches; naming neither means the province."""
    if body.organisation_id is not None and body.branch_ids is not None:
        detail = "Chỉ chọn một phạm vi: organisation_id hoặc branch_ids, không cả hai."
        raise Problem(
            422,
            "validation-error",
            detail,
            errors=[FieldError("/organisation_id", detail, "scope_ambiguous")],
        )
    if body.organisation_id is not None:
        await access.require(body.organisation_id)
    elif body.branch_ids is not None:
        await access.require_all(body.branch_ids)
    else:
        access.require_province()


async def _run_branches(
    session: AsyncSession, body: ProposalRunIn, year: int
) -> frozenset[str] | None:
    if body.organisation_id is not None:
        return await service.subtree_branches(session, body.organisation_id, year)
    return frozenset(body.branch_ids) if body.branch_ids is not None else None


@router.post(
    "/{year}/proposals",
    status_code=201,
    response_model=ProposalRunOut,
    summary="Propose the year's classification of branches and members (Idempotency-Key)",
)
async def run_proposals(
    year: Year,
    body: ProposalRunIn,
    request: Request,
    runtime: Runtime,
    ctx: Ctx,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    await _require_run_targets(access, body)
    rule_set = _rules(ctx, year)

    async def create(uow: UnitOfWork) -> Created:
        scope = service.Scope(
            year,
            await _run_branches(uow.session, body, year),
            body.groups,
            {e.subject_id: e.reason for e in body.exclusions},
            {
                i.member_id: MemberInputs(i.self_assessment, i.residence_comment, i.disciplined)
                for i in body.member_inputs
            },
            await tree_on(uow.session, year_end(year)),
        )
        counts = await service.run_proposals(uow, rule_set, scope, runtime.clock.now())
        result = ProposalRunOut(
            year=year,
            policy=rule_set.label,
            rules=rule_set.name,
            branch=counts["branch"],
            organisation=counts["organisation"],
            member=counts["member"],
        )
        return Created(201, result.model_dump(mode="json"), location=f"/v1/classifications/{year}")

    return await create_once(request, runtime, idempotency_key, body, create)


@router.get("/{year}", response_model=list[ClassificationOut], summary="A year's classifications")
async def list_year(
    year: Year,
    runtime: Runtime,
    access: Caller,
    subject_type: SubjectType | None = None,
    level: str | None = Query(default=None, description="decided level, else proposed"),
    branch_id: list[str] | None = Query(default=None),
    limit: int = Query(default=500, ge=1, le=5000),
    offset: int = Query(default=0, ge=0, le=2**31 - 1),
) -> list[ClassificationOut]:
    await access.require_all(branch_id or ())
    async with runtime.db.session() as session:
        rows = await service.list_classifications(
            session,
            year,
            visible=visible_to(access, col(Classification.branch_id)),
            subject_type=subject_type,
            level=level,
            branch_ids=branch_id,
            limit=limit,
            offset=offset,
        )
    return [out(r) for r in rows]


def _table_root(tree: TreeOnDay, organisation_id: str | None, year: int) -> str:
    """The organisation asked for, or the one province of the tree at the year's end."""
    if organisation_id is None:
        roots = [n for n, k in tree.kind.items() if k == OrganisationKind.PROVINCE]
        if len(roots) != 1:
            detail = f"Cây tổ chức ngày 31/12/{year} không có đúng một tỉnh: cần organisation_id."
            raise Problem(404, "organisation-not-found", detail)
        return roots[0]
    if organisation_id not in tree.kind:
        raise Problem(
            404,
            "organisation-not-found",
            f"Tổ chức {organisation_id} không có trong cây tổ chức ngày 31/12/{year}.",
        )
    return organisation_id


@router.get(
    "/{year}/table",
    response_model=AnnualTableOut,
    summary="The year's table of decided levels: organisations and members by level, with "
    "counts and percentages, per organisation and in total (JSON or XLSX)",
    responses={200: {"content": {XLSX: {}}}},
)
async def get_table(
    year: Year,
    runtime: Runtime,
    ctx: Ctx,
    access: Caller,
    organisation_id: str | None = Query(
        default=None,
        description="the organisation whose table it is (one line per organisation directly "
        "under it); the province when omitted (province accounts only)",
    ),
    format: Literal["json", "xlsx"] = "json",
) -> AnnualTableOut | Response:
    if organisation_id is None:
        access.require_province()
    else:
        await access.require(organisation_id)
    rule_set = _rules(ctx, year)
    async with runtime.db.session() as session:
        tree = await tree_on(session, year_end(year))
        root = _table_root(tree, organisation_id, year)
        table = AnnualTableOut.model_validate(
            await annual_table(session, year, root, tree, rule_set)
        )
    if format == "json":
        return table
    return Response(
        to_xlsx(table),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="xep-loai-{year}.xlsx"'},
    )


@router.get(
    "/{year}/{subject_type}/{subject_id}",
    response_model=ClassificationOut,
    summary="One classification: the proposal, its basis, the decision",
)
async def get_one(
    year: Year,
    subject_type: SubjectType,
    subject_id: str,
    runtime: Runtime,
) -> ClassificationOut:
    cid = service.classification_id(year, subject_type, subject_id)
    async with runtime.db.session() as session:
        row = await session.get(Classification, cid)
    if row is None:
        raise Problem(404, "classification-not-found", f"Chưa có đề xuất xếp loại {cid}.")
    return out(row)


@router.post(
    "/{year}/{subject_type}/{subject_id}/decision",
    status_code=201,
    dependencies=[Depends(superior)],
    response_model=ClassificationOut,
    summary="The superior committee decides (Idempotency-Key required); once",
)
async def decide(
    year: Year,
    subject_type: SubjectType,
    subject_id: str,
    body: DecisionIn,
    request: Request,
    runtime: Runtime,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    cid = service.classification_id(year, subject_type, subject_id)

    async def create(uow: UnitOfWork) -> Created:
        row = await service.decide(uow, cid, body.level, body.reason, runtime.clock.now())
        return Created(
            201,
            out(row).model_dump(mode="json"),
            location=f"/v1/classifications/{year}/{subject_type}/{subject_id}",
        )

    return await create_once(request, runtime, idempotency_key, body, create)
