"""The paging of the world's Logs listings (GetQueryResults, DescribeQueries,
DescribeQueryDefinitions, DescribeLogGroups by pattern): `nextToken` is the index of the next
item as decimal text, the page size a request parameter with a largest value."""

from __future__ import annotations

from typing import Any

from moto.logs.exceptions import InvalidParameterException

__all__ = ["page_slice"]


def page_slice(
    response: Any, size_param: str, most: int, count: int, *, strict: bool = False
) -> tuple[int, int]:
    """The slice [first, last) a `nextToken` and a page size select among `count` items.

    A size outside 1..`most` is read as `most` (or, `strict`, refused as AWS refuses it)."""
    token = response._get_param("nextToken")
    first = 0
    if token:
        if not str(token).isdigit():
            raise InvalidParameterException("The specified nextToken is invalid.")
        first = int(token)
    size = response._get_param(size_param)
    if strict:
        if size is not None and (not isinstance(size, int) or not 1 <= size <= most):
            raise InvalidParameterException(f"{size_param} must be between 1 and {most}")
        size = size or most
    else:
        size = most if not isinstance(size, int) or size <= 0 else min(size, most)
    return first, min(count, first + size)
