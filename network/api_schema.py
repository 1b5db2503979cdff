"""How drf-spectacular describes our API, so that the schema at /api/schema/ is what the server does.

Clients are generated from this schema (openapi-python-client; see docs/api.md): every answer a route can give must
be in it, in the shape the server sends. What each view's `extend_schema` cannot know is added here, for all routes:

- 401 wherever a token is read (a revoked or unknown token is refused on every route, public ones included);
- 404 on every route with an id or key in its path (a missing, invisible or malformed id: JSON, like the rest);
- 415 on every route that takes a body (JSON only: the parsers accept nothing else);
- 429 on every throttled route, with its `Retry-After`;
- times of day as the server writes them (`09:30:00`: no offset, which OpenAPI's `format: time` would require).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

# The body of every refusal: `{"detail": "..."}` (DRF's exceptions and the JSON 404 of network.core.errors).
ErrorSerializer = inline_serializer(name="Error", fields={"detail": serializers.CharField()})

# What each added status means for the client (the views' own descriptions win where they give one).
ADDED_RESPONSES: dict[str, str] = {
    "401": "Not signed in with a valid token: the token is unknown, revoked, or its account disabled.",
    "404": "No such object, or one you may not see (a malformed id too).",
    "415": "The body is not JSON: this API accepts `application/json` bodies only.",
    "429": "Too many requests: wait the number of seconds in `Retry-After`, then try again.",
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before the next request.",
    }
}
# DRF writes `datetime.time.isoformat()`: hours, minutes, seconds, and microseconds only when there are some.
TIME_OF_DAY_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?$"


def keep_only_our_api(endpoints: list[tuple], **kwargs: Any) -> list[tuple]:
    """drf-spectacular preprocessing hook: document our API only, not Wagtail's or wagtail-localize's."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


def name_query_enums(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: a filter's choices point to the named enum with the same values.

    Filters carry their choices inline, titled with the model field's verbose name in the schema's language
    ("Statut"): generators would name the type after that title, differently in each language. A filter whose
    values are a named enum's becomes a reference to it (`status: ReferralStatusEnum`); any other loses its title
    (its type is then named after the operation and the parameter, in every language).
    """
    components = result.get("components", {}).get("schemas", {})
    named = {
        frozenset(map(str, schema["enum"])): name
        for name, schema in components.items()
        if "enum" in schema and name not in ("BlankEnum", "NullEnum")
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if "enum" not in schema:
                    continue
                schema.pop("title", None)
                name = named.get(frozenset(map(str, schema["enum"])))
                if name and set(schema) <= {"type", "enum"}:
                    parameter["schema"] = {"$ref": f"#/components/schemas/{name}"}
    return result


class NetworkAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the answers every route of this API can give (see the module's doc)."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        if self.view.authentication_classes:
            self._add(responses, "401")
        if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
            self._add(responses, "404")
        if "requestBody" in operation:
            self._add(responses, "415")
        if self.view.throttle_classes:
            self._add(responses, "429")
            responses["429"].setdefault("headers", RETRY_AFTER)
        return operation

    def _add(self, responses: dict[str, Any], status: str) -> None:
        if status in responses:
            return
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        responses[status] = {
            "content": {"application/json": {"schema": error}},
            "description": ADDED_RESPONSES[status],
        }


class TimeOfDayFieldExtension(OpenApiSerializerFieldExtension):
    """A time of day as DRF writes it (`09:30:00`): a pattern, not `format: time` (RFC 3339 wants an offset)."""

    target_class = "rest_framework.fields.TimeField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: AutoSchema, direction: str) -> dict[str, Any]:
        return {"type": "string", "pattern": TIME_OF_DAY_PATTERN, "example": "09:30:00"}
