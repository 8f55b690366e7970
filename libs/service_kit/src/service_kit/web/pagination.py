"""Cursor (keyset) pagination: stable order on (sort key, id), opaque cursors, `Link: rel=next`."""

from __future__ import annotations

import base64
import json
from typing import Any, Generic, TypeVar

from fastapi import Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from service_kit.web.problems import Problem

T = TypeVar("T")
DEFAULT_LIMIT, MAX_LIMIT = 50, 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class PageParams(BaseModel):
    limit: int
    after: tuple[Any, ...] | None


def encode_cursor(*values: Any) -> str:
    raw = json.dumps([str(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, ...]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(values, list):
            raise ValueError
        return tuple(str(v) for v in values)
    except ValueError:
        raise Problem(400, "invalid-cursor", "Con trỏ phân trang không hợp lệ.") from None


def page_params(
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="items per page"),
    cursor: str | None = Query(None, description="next_cursor of the previous page"),
) -> PageParams:
    return PageParams(limit=limit, after=decode_cursor(cursor) if cursor else None)


def link_next(request: Request, response: Response, next_cursor: str | None) -> None:
    if next_cursor:
        url = request.url.include_query_params(cursor=next_cursor)
        response.headers["Link"] = f'<{url}>; rel="next"'


async def keyset_page(
    session: AsyncSession, stmt: Select[Any], key: Any, page: PageParams
) -> tuple[list[Any], str | None]:
    """One page of `stmt` ordered by the unique `key` column, and the cursor of the next one."""
    stmt = stmt.order_by(key).limit(page.limit + 1)
    if page.after:
        stmt = stmt.where(key > page.after[0])
    rows = list((await session.execute(stmt)).scalars())
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return rows, (encode_cursor(getattr(rows[-1], key.key)) if more and rows else None)
