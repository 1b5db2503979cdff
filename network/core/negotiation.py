"""Which request bodies DRF reads: JSON only under the project's API, DRF's defaults for the views it hosts.

The API's services take nested objects (a referral's person and consent), which form and multipart encodings cannot
carry, so `/api/` reads JSON only (another type gets 415) and its schema offers only JSON (`PARSER_WHITELIST`).
wagtail-localize's translation editor is also built on DRF (`@api_view` under `/admin/`) and saves each string as
multipart form data: a global JSON-only parser setting silently broke it ("published with missing translations").
"""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation

API_PREFIX = "/api/"
JSON = "application/json"


class JsonOnlyUnderApiNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with the parsers narrowed to JSON for requests to the project's own API."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        if request.path.startswith(API_PREFIX):
            parsers = [parser for parser in parsers if parser.media_type == JSON]
        return super().select_parser(request, parsers)
