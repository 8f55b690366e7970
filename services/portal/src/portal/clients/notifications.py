"""The notifications service as the portal uses it: the in-app inbox."""

from __future__ import annotations

from typing import Any

from portal.clients.base import ServiceClient


class NotificationsApi(ServiceClient):
    service = "notifications"

    async def inbox(self, recipient: str, max_pages: int = 5) -> list[dict[str, Any]]:
        """The newest first. The API lists oldest first, so a long inbox is read up to
        `max_pages` pages (bounded) and turned round."""
        items = await self.pages(
            "/v1/notifications", recipient=recipient, limit=100, max_pages=max_pages
        )
        return list(reversed(items))

    async def unread(self, recipient: str) -> int:
        body = await self.get("/v1/notifications/unread-count", recipient=recipient)
        return int(body["unread"])

    async def mark_read(self, notification_id: str) -> None:
        await self.post(f"/v1/notifications/{notification_id}/read")

    async def mark_all_read(self, recipient: str) -> None:
        await self.request("POST", "/v1/notifications/read", params={"recipient": recipient})
