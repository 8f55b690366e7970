"""The meetings service as the portal uses it: records, drafts, requests, observer reports."""

from __future__ import annotations

from typing import Any

from portal.clients.base import ServiceClient


class MeetingsApi(ServiceClient):
    service = "meetings"

    async def submit(self, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            "/v1/meetings", body, headers={"Idempotency-Key": idempotency_key}
        )
        return result

    async def meeting(self, meeting_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/v1/meetings/{meeting_id}")
        return result

    async def revisions(self, meeting_id: str) -> list[dict[str, Any]]:
        return list(await self.get(f"/v1/meetings/{meeting_id}/revisions"))

    async def meetings(
        self,
        *,
        branch_id: str | None = None,
        organisation_id: str | None = None,
        month: str | None = None,
        max_pages: int = 20,
    ) -> list[dict[str, Any]]:
        return await self.pages(
            "/v1/meetings",
            branch_id=branch_id,
            organisation_id=organisation_id,
            month=month,
            max_pages=max_pages,
        )

    async def next_meeting(self, branch_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/v1/branches/{branch_id}/next-meeting")
        return result

    async def draft(self, draft_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/v1/meeting-drafts/{draft_id}")
        return result

    async def create_draft(self, branch_id: str, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            "/v1/meeting-drafts", {"branch_id": branch_id, "body": body}
        )
        return result

    async def save_draft(
        self, draft_id: str, branch_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        response = await self.request(
            "PUT", f"/v1/meeting-drafts/{draft_id}", json={"branch_id": branch_id, "body": body}
        )
        saved: dict[str, Any] = response.json()
        return saved

    async def requests(self, **filters: Any) -> list[dict[str, Any]]:
        return await self.pages("/v1/requests", **filters)

    async def request_detail(self, request_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/v1/requests/{request_id}")
        return result

    async def act(self, request_id: str, body: dict[str, Any], version: int) -> dict[str, Any]:
        response = await self.request(
            "POST",
            f"/v1/requests/{request_id}/actions",
            json=body,
            headers={"If-Match": f'"{version}"'},
        )
        return dict(response.json())

    async def request_summary(self, organisation_id: str) -> list[dict[str, Any]]:
        return list(await self.get("/v1/requests/summary", organisation_id=organisation_id))

    async def observer_reports(self, **filters: Any) -> list[dict[str, Any]]:
        return list(await self.get("/v1/observer-reports", **filters))

    async def file_report(
        self, meeting_id: str, body: dict[str, Any], idempotency_key: str
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            f"/v1/meetings/{meeting_id}/observer-reports",
            body,
            headers={"Idempotency-Key": idempotency_key},
        )
        return result
