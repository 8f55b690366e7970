"""HTTP edge of rankings: publish one for a subtree and period, read a published one."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from scoring.rankings import service
from scoring.rankings.models import Ranking
from scoring.rankings.schemas import RankingIn, RankingOut
from scoring.rollups.router import period_or_problem
from service_kit.uow import UnitOfWork
from service_kit.web.deps import IdempotencyKey, Runtime
from service_kit.web.idempotency import Created, create_once

router = APIRouter(tags=["rankings"])


def out(ranking: Ranking) -> RankingOut:
    return RankingOut.model_validate(ranking.model_dump())


@router.post(
    "/v1/organisations/{organisation_id}/rankings",
    status_code=201,
    response_model=RankingOut,
    summary="Publish the ranking of the branches under an organisation (Idempotency-Key)",
)
async def publish_ranking(
    organisation_id: str,
    body: RankingIn,
    request: Request,
    runtime: Runtime,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    period = period_or_problem(body.period, "/period")

    async def create(uow: UnitOfWork) -> Created:
        ranking = await service.publish(uow, organisation_id, period, runtime.clock.now())
        return Created(
            201, out(ranking).model_dump(mode="json"), location=f"/v1/rankings/{ranking.id}"
        )

    return await create_once(request, runtime, idempotency_key, body, create)


@router.get(
    "/v1/rankings/{ranking_id}",
    response_model=RankingOut,
    summary="A published ranking, exactly as it was published",
)
async def get_ranking(ranking_id: str, runtime: Runtime) -> RankingOut:
    async with runtime.db.session() as session:
        return out(await service.get(session, ranking_id))
