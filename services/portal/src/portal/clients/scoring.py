"""The scoring service as the portal uses it: score sheets, reports, flags, rankings,
classification."""

from __future__ import annotations

from typing import Any

from portal.clients.base import ServiceClient


class ScoringApi(ServiceClient):
    service = "scoring"

    async def score(self, meeting_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/v1/meeting-scores/{meeting_id}")
        return result

    async def branch_report(self, organisation_id: str, period: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(
            "/v1/reports/branches", organisation_id=organisation_id, period=period, weakest=10
        )
        return result

    async def branch_rollup(self, branch_id: str, period: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/v1/branches/{branch_id}/rollups", period=period)
        return result

    async def flags(self, period: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        return list(await self.get("/v1/compliance-flags", period=period, limit=limit))

    async def publish_ranking(
        self, organisation_id: str, period: str, idempotency_key: str
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            f"/v1/organisations/{organisation_id}/rankings",
            {"period": period},
            headers={"Idempotency-Key": idempotency_key},
        )
        return result

    async def ranking(self, ranking_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/v1/rankings/{ranking_id}")
        return result

    async def classifications(
        self, year: int, subject_type: str = "branch", limit: int = 5000
    ) -> list[dict[str, Any]]:
        return list(
            await self.get(f"/v1/classifications/{year}", subject_type=subject_type, limit=limit)
        )

    async def propose(
        self, year: int, organisation_id: str, idempotency_key: str
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            f"/v1/classifications/{year}/proposals",
            {"organisation_id": organisation_id},
            headers={"Idempotency-Key": idempotency_key},
        )
        return result

    async def decide(
        self,
        year: int,
        subject_type: str,
        subject_id: str,
        level: str,
        reason: str,
        idempotency_key: str,
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            f"/v1/classifications/{year}/{subject_type}/{subject_id}/decision",
            {"level": level, "reason": reason},
            headers={"Idempotency-Key": idempotency_key},
        )
        return result
