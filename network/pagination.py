"""The API's pagination: DRF's limit/offset, with bounds so that no query parameter reaches SQL unchecked."""

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

MAX_OFFSET = 1_000_000_000


class NetworkPagination(LimitOffsetPagination):
    """`?limit=` is capped at 200 (DRF caps it once `max_limit` is set); `?offset=` at a billion: past 2**63
    either would be a database error (500), not a page."""

    max_limit = 200

    def get_offset(self, request: Request) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
