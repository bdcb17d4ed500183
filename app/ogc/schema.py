"""JSON Schemas of a layer's properties: queryables (Part 3) and the feature schema GDAL reads.

The types are the ones PostgreSQL reports for the layer's own SELECT (asked once per process
with LIMIT 0), so computed fields such as `area_mu` or a park's `region_name` are typed as
exactly as stored columns, without a second list of fields to keep in step.
"""

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from app.core.auth import ANONYMOUS, Principal
from app.core.database import get_engine
from app.core.errors import BadRequest, Problem
from app.ogc.layers import Layer

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
Schema = dict[str, Any]


def _integer(bits: int) -> Schema:
    """An integer column's JSON Schema with its range: a filter outside it is refused before SQL runs."""
    return {"type": "integer", "minimum": -(1 << (bits - 1)), "maximum": (1 << (bits - 1)) - 1}


# PostgreSQL type OIDs (pg_type) to JSON Schema.
_BY_OID: dict[int, Schema] = {
    16: {"type": "boolean"},
    20: _integer(64), 21: _integer(16), 23: _integer(32),
    700: {"type": "number"}, 701: {"type": "number"}, 1700: {"type": "number"},
    18: {"type": "string"}, 19: {"type": "string"}, 25: {"type": "string"}, 1043: {"type": "string"},
    1082: {"type": "string", "format": "date"},
    1114: {"type": "string", "format": "date-time"}, 1184: {"type": "string", "format": "date-time"},
    1009: {"type": "array", "items": {"type": "string"}}, 1015: {"type": "array", "items": {"type": "string"}},
    1007: {"type": "array", "items": {"type": "integer"}}, 1016: {"type": "array", "items": {"type": "integer"}},
}
_FILTERABLE = {"boolean", "integer", "number", "string"}
_STAFF = Principal("schema", role="admin")  # sees every property: the types are asked once for all


@lru_cache
def _all_property_schemas(layer: Layer) -> dict[str, Schema]:
    columns = [expr.label(name) for name, expr in layer.properties(_STAFF).items()]
    with get_engine().connect() as conn:
        result = conn.execute(layer.rows(ANONYMOUS).with_only_columns(*columns).limit(0))
        description = result.cursor.description
    return {col.name: dict(_BY_OID.get(col.type_code, {})) for col in description}


def property_schemas(layer: Layer, user: Principal) -> dict[str, Schema]:
    """name -> JSON Schema of every property `user` may see; JSON-valued ones ({}) hold anything."""
    every = _all_property_schemas(layer)
    return {name: every[name] for name in layer.properties(user)}


def queryables(layer: Layer, user: Principal) -> dict[str, Schema]:
    """The properties a client may filter on with `?name=value`: the scalar ones."""
    return {n: s for n, s in property_schemas(layer, user).items() if s.get("type") in _FILTERABLE}


def schema_document(layer: Layer, url: str, names: dict[str, Schema]) -> Schema:
    return {"$schema": JSON_SCHEMA, "$id": url, "type": "object", "title": layer.title,
            "description": layer.description, "properties": names}


def feature_schema(layer: Layer, user: Principal, url: str) -> Schema:
    """A GeoJSON Feature of this layer: the `describedby` document GDAL types its fields from."""
    doc = schema_document(layer, url, {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": "integer" if layer.key_type is int else "string"},
        "geometry": {"type": "object", "description": f"GeoJSON {layer.geometry_type}"},
        "properties": {"type": "object", "properties": property_schemas(layer, user)},
    })
    doc["required"] = ["type", "geometry", "properties"]
    return doc


def parse_value(name: str, raw: str, schema: Schema) -> Any:
    """A filter value typed as its property, or a 400 naming the parameter."""
    kind, fmt = schema.get("type"), schema.get("format")
    if "\x00" in raw:  # PostgreSQL text cannot hold NUL
        raise BadRequest(f"{name} contains a NUL character", f"{name} 包含 NUL 字符",
                         [Problem(name, "contains a NUL character", "包含 NUL 字符", raw)])
    expected = f"integer from {schema['minimum']} to {schema['maximum']}" if kind == "integer" else fmt or kind
    try:
        if kind == "integer":
            value = int(raw)
            if not schema["minimum"] <= value <= schema["maximum"]:
                raise ValueError(raw)
            return value
        if kind == "number":
            return float(raw)
        if kind == "boolean":
            return {"true": True, "false": False}[raw.lower()]
        if fmt == "date":
            return date.fromisoformat(raw)
        if fmt == "date-time":
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, KeyError):
        raise BadRequest(f"{name}={raw!r} is not a valid {expected}", f"{name}={raw!r} 不是有效的{expected}",
                         [Problem(name, f"expected a {expected}", f"应为 {expected}", raw)]) from None
    return raw
