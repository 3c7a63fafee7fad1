"""The shape every List action shares: the filters a request gives, one page of a view, and
the answer (the page's items, NextToken, MaxResults and, for most, TotalCount)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from privatelink.api.actions.context import Ctx, decode_token, encode_token, paged
from privatelink.api.wire.errors import InvalidParameter

Rows = list[tuple[str, dict[str, Any]]]
T = TypeVar("T")


def given(*filters: tuple[str, Any]) -> dict[str, Any]:
    """The filters a request gives (a field left out, None, filters nothing)."""
    return {name: value for name, value in filters if value is not None}


@dataclass(frozen=True)
class Page:
    """One page of a view, as a List request asked for it."""

    rows: Rows
    total: int
    limit: int

    def answer(
        self, items: dict[str, list[Any]], total: Callable[[int], Any] | None = int
    ) -> dict[str, Any]:
        """The List answer: ``items``, where the next page starts, the page size and (unless
        ``total`` is None) the count of every match, in the type the SDK model declares."""
        counted = {"TotalCount": total(self.total)} if total is not None else {}
        return {
            **items,
            "NextToken": paged(self.rows, self.limit),
            "MaxResults": self.limit,
            **counted,
        }


def page_of(ctx: Ctx, request: Any, kind: str, **scope: Any) -> Page:
    """The page of the ``kind`` view the request's NextToken and MaxResults name, within
    ``scope`` (owner, region, parent, contains, keys... as the view store takes them)."""
    limit = request.max_results or 50
    rows, total = ctx.views.page(kind, **scope, after=decode_token(request.next_token), limit=limit)
    return Page(rows, total, limit)


def offset_page(items: list[T], next_token: str | None, size: int) -> tuple[list[T], str]:
    """A page of a list answered whole (tags, history): its items from the offset the
    NextToken names, and the NextToken of the page after it (empty after the last)."""
    token = decode_token(next_token)
    if token is not None and not token.isdigit():
        raise InvalidParameter("NextToken", "is not a token this API returned")
    start = int(token or 0)
    more = start + size < len(items)
    return items[start : start + size], encode_token(str(start + size)) if more else ""
