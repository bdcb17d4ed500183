"""JSON Schemas of a layer's properties: queryables (Part 3) and the feature schema GDAL reads,
from the property types of app/layers/properties.py."""

from datetime import date, datetime
from typing import Any

from app.core.auth import Principal
from app.core.errors import BadRequest, Problem
from app.layers.catalogue import Layer
from app.layers.properties import Schema, property_schemas

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
_FILTERABLE = {"boolean", "integer", "number", "string"}


def queryables(layer: Layer, user: Principal) -> dict[str, Schema]:
    """The properties a client may filter on with `?name=value`: the scalar ones."""
    return {n: s for n, s in property_schemas(layer, user).items() if s.get("type") in _FILTERABLE}


def schema_document(layer: Layer, url: str, names: dict[str, Schema]) -> Schema:
    return {
        "$schema": JSON_SCHEMA,
        "$id": url,
        "type": "object",
        "title": layer.title,
        "description": layer.description,
        "properties": names,
    }


def feature_schema(layer: Layer, user: Principal, url: str) -> Schema:
    """A GeoJSON Feature of this layer: the `describedby` document GDAL types its fields from."""
    doc = schema_document(
        layer,
        url,
        {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer" if layer.key_type is int else "string"},
            "geometry": {"type": "object", "description": f"GeoJSON {layer.geometry_type}"},
            "properties": {"type": "object", "properties": property_schemas(layer, user)},
        },
    )
    doc["required"] = ["type", "geometry", "properties"]
    return doc


def parse_value(name: str, raw: str, schema: Schema) -> Any:
    """A filter value typed as its property, or a 400 naming the parameter."""
    kind, fmt = schema.get("type"), schema.get("format")
    if "\x00" in raw:  # PostgreSQL text cannot hold NUL
        raise BadRequest(
            f"{name} contains a NUL character",
            f"{name} 包含 NUL 字符",
            [Problem(name, "contains a NUL character", "包含 NUL 字符", raw)],
        )
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
        raise BadRequest(
            f"{name}={raw!r} is not a valid {expected}",
            f"{name}={raw!r} 不是有效的{expected}",
            [Problem(name, f"expected a {expected}", f"应为 {expected}", raw)],
        ) from None
    return raw
