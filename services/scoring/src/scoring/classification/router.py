"""HTTP edge of annual classification: run proposals, read them, record the decision."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from scoring.classification import service
from scoring.classification.models import Classification
from scoring.classification.schemas import (
    ClassificationOut,
    DecisionIn,
    ProposalRunIn,
    ProposalRunOut,
)
from scoring.policy import active_policy
from service_kit.runtime import ServiceRuntime
from service_kit.uow import UnitOfWork
from service_kit.web.app import get_runtime
from service_kit.web.idempotency import Created, fingerprint, idempotent, require_key
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/classifications", tags=["classification"])
SubjectType = Literal["branch", "member"]


def out(row: Classification) -> ClassificationOut:
    return ClassificationOut(**row.model_dump(), level=row.decided_level or row.proposed_level)


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Problem(422, "validation-error", f"Năm {year} không hợp lệ.")
    return year


@router.post(
    "/{year}/proposals",
    status_code=201,
    response_model=ProposalRunOut,
    summary="Propose the year's classification of branches and members (Idempotency-Key)",
)
async def run_proposals(
    year: int,
    body: ProposalRunIn,
    request: Request,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    runtime: ServiceRuntime = Depends(get_runtime),
) -> Response:
    key, policy = require_key(idempotency_key), active_policy()
    scope = service.Scope(
        _year(year),
        frozenset(body.branch_ids) if body.branch_ids is not None else None,
        body.groups,
        {e.subject_id: e.reason for e in body.exclusions},
    )

    async def create(uow: UnitOfWork) -> Created:
        counts = await service.run_proposals(uow, policy, scope, runtime.clock.now())
        result = ProposalRunOut(
            year=year,
            policy=f"{policy.id} {policy.version}",
            branch=counts["branch"],
            member=counts["member"],
        )
        return Created(201, result.model_dump(mode="json"), location=f"/v1/classifications/{year}")

    return await idempotent(
        runtime.uow,
        client_id="anonymous",  # the committee's identity arrives with auth (issue 3)
        key=key,
        fp=fingerprint("POST", request.url.path, body.model_dump(mode="json")),
        ttl_seconds=runtime.settings.idempotency_ttl_seconds,
        create=create,
    )


@router.get("/{year}", response_model=list[ClassificationOut], summary="A year's classifications")
async def list_year(
    year: int,
    subject_type: SubjectType | None = None,
    level: str | None = Query(default=None, description="decided level, else proposed"),
    branch_id: list[str] | None = Query(default=None),
    limit: int = Query(default=500, ge=1, le=5000),
    offset: int = Query(default=0, ge=0),
    runtime: ServiceRuntime = Depends(get_runtime),
) -> list[ClassificationOut]:
    async with runtime.db.session() as session:
        rows = await service.list_classifications(
            session,
            _year(year),
            subject_type=subject_type,
            level=level,
            branch_ids=branch_id,
            limit=limit,
            offset=offset,
        )
    return [out(r) for r in rows]


@router.get(
    "/{year}/{subject_type}/{subject_id}",
    response_model=ClassificationOut,
    summary="One classification: the proposal, its basis, the decision",
)
async def get_one(
    year: int,
    subject_type: SubjectType,
    subject_id: str,
    runtime: ServiceRuntime = Depends(get_runtime),
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
    response_model=ClassificationOut,
    summary="The superior committee decides (Idempotency-Key required); once",
)
async def decide(
    year: int,
    subject_type: SubjectType,
    subject_id: str,
    body: DecisionIn,
    request: Request,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    runtime: ServiceRuntime = Depends(get_runtime),
) -> Response:
    key = require_key(idempotency_key)
    cid = service.classification_id(year, subject_type, subject_id)

    async def create(uow: UnitOfWork) -> Created:
        row = await service.decide(uow, cid, body.level, body.reason, runtime.clock.now())
        return Created(
            201,
            out(row).model_dump(mode="json"),
            location=f"/v1/classifications/{year}/{subject_type}/{subject_id}",
        )

    return await idempotent(
        runtime.uow,
        client_id="anonymous",
        key=key,
        fp=fingerprint("POST", request.url.path, body.model_dump(mode="json")),
        ttl_seconds=runtime.settings.idempotency_ttl_seconds,
        create=create,
    )
