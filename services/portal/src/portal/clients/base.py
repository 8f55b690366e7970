"""How the portal calls an API: the person's own token, problem+json turned into exceptions
the pages know how to show, bounded paging. One shared connection pool per service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx


class ApiProblem(Exception):
    """A 4xx answer: `problem` is the problem+json body (RFC 9457), `errors` its field list."""

    def __init__(self, service: str, status: int, problem: dict[str, Any], location: str = ""):
        super().__init__(f"{service}: {status} {problem.get('detail') or problem.get('title')}")
        self.service, self.status, self.problem, self.location = service, status, problem, location

    @property
    def detail(self) -> str:
        return str(self.problem.get("detail") or self.problem.get("title") or "Lỗi không rõ.")

    @property
    def code(self) -> str:
        return str(self.problem.get("code") or "")

    @property
    def errors(self) -> list[dict[str, Any]]:
        errors = self.problem.get("errors")
        return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


class SessionEnded(Exception):
    """The API refused the token (expired or revoked): the person must sign in again."""


class ServiceDown(Exception):
    """The API did not answer or answered 5xx: not the person's fault, the page says so."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"title": response.reason_phrase, "status": response.status_code}
    return body if isinstance(body, dict) else {"detail": str(body)}


class ServiceClient:
    """One service, as the signed-in person. Subclasses name the calls; nothing else in the
    portal builds a URL of an API."""

    service = "service"

    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http, self.token = http, token

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        sent = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = await self.http.request(
                method, path, params=clean, json=json, content=content, headers=sent
            )
        except httpx.HTTPError as exc:
            raise ServiceDown(self.service, type(exc).__name__) from exc
        if response.status_code == 401:
            raise SessionEnded()
        if response.status_code >= 500:
            raise ServiceDown(self.service, f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ApiProblem(
                self.service,
                response.status_code,
                _problem(response),
                response.headers.get("location", ""),
            )
        return response

    async def get(self, path: str, **params: Any) -> Any:
        return (await self.request("GET", path, params=params)).json()

    async def post(
        self, path: str, body: Any = None, *, headers: Mapping[str, str] | None = None
    ) -> Any:
        return (await self.request("POST", path, json=body, headers=headers)).json()

    async def pages(
        self, path: str, *, limit: int = 200, max_pages: int = 10, **params: Any
    ) -> list[dict[str, Any]]:
        """Every item of a paged list, bounded: at most `limit × max_pages` items."""
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(max_pages):
            body = await self.get(path, limit=limit, cursor=cursor, **params)
            items += body["items"]
            cursor = body.get("next_cursor")
            if not cursor:
                break
        return items
