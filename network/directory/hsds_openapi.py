"""This deployment's description of its HSDS API (/hsds/openapi.json), derived from the official HSDS 3.0 one.

The root's `openapi_url` points here. Starting from Open Referral's openapi.json (hsds_spec/, CC BY-SA 4.0, kept
unchanged), the derived document:
- names this server (`servers`) and this deployment (`info`, with the licence and attribution the original asks);
- bundles the HSDS schemas it refers to into `components/schemas` (the original refers to raw.githubusercontent.com
  addresses): the document stands alone, offline. Fully nested objects are described by the specification's
  modular schemas (service.json refers to phone.json, schedule.json…) rather than its compiled copies, which
  describe the same objects in megabytes;
- describes what we answer besides 200: 400 for a parameter that cannot be read, 404 for an unknown id, and the
  `application/x-ndjson` answer of `format=ndjson`;
- fixes what the original gets wrong: `/service_at_locations/{id}` answers a service_at_location (the original's
  schema is a service's, its prose a service_at_location's), the operation ids of `/taxonomy_terms` and
  `/taxonomy_terms/{id}` are swapped back, and `modified_after` is a `date-time` (the original's "datetime" is no
  format); `format`, `page` and `per_page` say what the server does with any value;
- leaves out `proximity`, which needs coordinates the directory does not keep.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).resolve().parent / "hsds_spec"
OFFICIAL_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
# The official document's references to compiled (fully inlined, megabytes) schemas → the modular schema of the
# same object: the specification's own files, which refer to one another. Same objects, a few kilobytes.
COMPILED_TO_MODULAR = {
    "compiled/service.json": "service.json",
    "compiled/organization.json": "organization.json",
    "compiled/service_at_location.json": "service_at_location.json",
}
SCHEMA_FILES = sorted(
    [path.name for path in SPEC_DIR.glob("*.json") if path.name != "openapi.json"]
    + [f"compiled/{path.name}" for path in (SPEC_DIR / "compiled").glob("*.json")]
)


def _component_name(file_name: str) -> str:
    """ "phone.json" → "Phone", "compiled/service_list.json" → "ServiceListItem"."""
    stem = file_name.removeprefix("compiled/").removesuffix(".json")
    name = "".join(part.capitalize() for part in stem.split("_"))
    return name.removesuffix("List") + "ListItem" if stem.endswith("_list") else name


LIST_PATHS = ("/services", "/organizations", "/taxonomies", "/taxonomy_terms", "/service_at_locations")
ERROR = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string", "description": "What went wrong, in the language of the request."}},
}


def _read(name: str) -> Any:
    return json.loads((SPEC_DIR / name).read_text(encoding="utf-8"))


def _component(file_name: str) -> dict[str, str]:
    file_name = COMPILED_TO_MODULAR.get(file_name, file_name)
    return {"$ref": f"#/components/schemas/{_component_name(file_name)}"}


def _rewrite_refs(value: Any) -> Any:
    """Every reference to a specification file (absolute, or relative to another file) → its bundled component."""
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            value = {**value, "$ref": _component(ref.removeprefix(OFFICIAL_BASE))["$ref"]}
        return {key: (item if key == "$ref" else _rewrite_refs(item)) for key, item in value.items()}
    if isinstance(value, list):
        return [_rewrite_refs(item) for item in value]
    return value


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


@functools.cache
def _derived() -> dict[str, Any]:
    official = _read("openapi.json")
    document = _rewrite_refs(official)
    document["info"] = {
        "title": "Passerelle: Open Referral HSDS 3.0 read API",
        "version": "3.0",
        "summary": "The public service directory of the Passerelle network, in Open Referral HSDS 3.0.",
        "description": (
            "Public services of active organisations only; a confidential address is never published. Texts are in "
            "the language the request asks for (Accept-Language: fr, en, es, ru, zh-hans, ar). Read-only: other "
            "methods answer 405. Derived from the Open Referral Human Services Data Specification 3.0 API "
            "description (https://docs.openreferral.org/en/3.0/), an Open Referral resource "
            "(https://openreferral.org/), licensed CC BY-SA 4.0; this description is shared under the same licence."
        ),
        "license": {"name": "CC BY-SA 4.0", "url": "https://creativecommons.org/licenses/by-sa/4.0/"},
    }
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for file_name in SCHEMA_FILES:
        schemas[_component_name(file_name)] = _rewrite_refs(_read(file_name))
    schemas["Error"] = ERROR
    parameters = components["parameters"]
    parameters["modified_after"]["schema"] = {"type": "string", "anyOf": [{"format": "date-time"}, {"format": "date"}]}
    parameters["modified_after"]["description"] += (
        " A date-time (UTC without an offset) or a date (from its midnight, UTC)."
    )
    # What the server does with any value the official document allows (it types these loosely, and a client
    # built on it may send them): described, not narrowed.
    parameters["format"]["schema"] = {"type": "string", "default": "json", "examples": ["json", "ndjson"]}
    parameters["format"]["description"] += " Any value but `ndjson` answers JSON."
    parameters["page"]["schema"] = {"type": "integer", "default": 1}
    parameters["page"]["description"] += " Below 1: the first page."
    parameters["per_page"]["schema"] = {"type": "integer", "default": 50}
    parameters["per_page"]["description"] += " Kept within 1 to 200 (1,000 with `minimal=true`)."
    del parameters["proximity"]
    paths = document["paths"]
    sal = paths["/service_at_locations"]["get"]
    sal["parameters"] = [p for p in sal["parameters"] if p.get("$ref") != "#/components/parameters/proximity"]
    detail = paths["/service_at_locations/{id}"]["get"]["responses"]["200"]
    detail["content"]["application/json"]["schema"] = _component("compiled/service_at_location.json")
    terms, term = paths["/taxonomy_terms"]["get"], paths["/taxonomy_terms/{id}"]["get"]
    terms["operationId"], term["operationId"] = "getPaginatedListOfTaxonomyTerms", "getTaxonomyTermById"
    for path, item in paths.items():
        operation = item["get"]
        if "{id}" in path:
            operation["responses"]["404"] = _error_response("No public object has this id.")
        operation["responses"]["400"] = _error_response(
            "A parameter could not be read, or is not one of this operation's."
        )
        if path in LIST_PATHS:
            listed = operation["responses"]["200"]["content"]["application/json"]["schema"]
            item_schema = listed["properties"]["contents"]["items"]
            # format=ndjson: every result, one JSON object a line (each one an item), without pages.
            operation["responses"]["200"]["content"]["application/x-ndjson"] = {"schema": item_schema}
    return document


def description(*, server_url: str) -> dict[str, Any]:
    """The document, with this server's address (the HSDS API's root, e.g. https://passerelle.example/hsds)."""
    document = copy.deepcopy(_derived())
    document["servers"] = [{"url": server_url, "description": "This deployment's HSDS API."}]
    return document
