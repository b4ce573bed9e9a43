"""Lists in pages: ``?limit=&offset=`` on every list endpoint, the total in ``X-Total-Count``.

The body stays a plain JSON list (the clients' shape); a client that wants everything follows
``offset`` until it has ``X-Total-Count`` items (the ``Link: rel="next"`` header says where).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from syndata_site.errors import ApiError

DEFAULT_LIMIT = 200
MAX_LIMIT = 1000

PARAMETERS = [
    OpenApiParameter(
        "limit", int, description=f"Items per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})."
    ),
    OpenApiParameter("offset", int, description="Items to skip (default 0), newest first."),
    OpenApiParameter(
        "X-Total-Count",
        int,
        OpenApiParameter.HEADER,
        response=True,
        description="How many items there are in all.",
    ),
    OpenApiParameter(
        "Link",
        str,
        OpenApiParameter.HEADER,
        response=True,
        description='The next page, as <url>; rel="next", while there is one.',
    ),
]


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    given = request.query_params.getlist(name)
    if not given:
        return default
    if len(given) > 1:
        raise ApiError(f"{name}: give it once, not {len(given)} times")
    raw = given[0]
    # ASCII digits only: int() would also take "", " 7", "1_0" and other scripts' digits
    if not re.fullmatch(r"-?[0-9]{1,12}", raw):
        raise ApiError(f"{name}: must be a whole number, not {raw[:40]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise ApiError(f"{name}: must be between {low} and {high}, not {value}")
    return value


def paged(request: Request, queryset: QuerySet[Any], serializer: Any) -> Response:
    """One page of ``queryset`` serialized, with ``X-Total-Count`` (and ``Link`` to the next)."""
    limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int_param(request, "offset", 0, 0, 10**9)
    # A total order (ties of created_at broken by id), so that pages neither skip nor repeat.
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    queryset = queryset.order_by(*ordering, "-pk")
    total = queryset.count()
    page = queryset[offset : offset + limit]
    response = Response(serializer(page, many=True).data)
    response["X-Total-Count"] = str(total)
    if offset + limit < total:
        query = {**request.query_params.dict(), "limit": limit, "offset": offset + limit}
        url = request.build_absolute_uri(request.path) + "?" + urlencode(query)
        response["Link"] = f'<{url}>; rel="next"'
    return response
