"""JSON Schema types of a layer's properties: what OGC queryables, feature schemas and TileJSON
fields are typed with.

The types are the ones PostgreSQL reports for the layer's own SELECT (asked once per layer
with LIMIT 0), so computed fields such as `area_mu` or a park's `region_name` are typed as
exactly as stored columns, without a second list of fields to keep in step.
"""

from functools import lru_cache
from typing import Any

from app.core.auth import ANONYMOUS, Principal
from app.core.database import get_engine
from app.layers.catalogue import Layer

Schema = dict[str, Any]


def _integer(bits: int) -> Schema:
    """An integer column's JSON Schema with its range: a filter outside it is refused before SQL runs."""
    return {"type": "integer", "minimum": -(1 << (bits - 1)), "maximum": (1 << (bits - 1)) - 1}


# PostgreSQL type OIDs (pg_type) to JSON Schema.
_BY_OID: dict[int, Schema] = {
    16: {"type": "boolean"},
    20: _integer(64),
    21: _integer(16),
    23: _integer(32),
    700: {"type": "number"},
    701: {"type": "number"},
    1700: {"type": "number"},
    18: {"type": "string"},
    19: {"type": "string"},
    25: {"type": "string"},
    1043: {"type": "string"},
    1082: {"type": "string", "format": "date"},
    1114: {"type": "string", "format": "date-time"},
    1184: {"type": "string", "format": "date-time"},
    1009: {"type": "array", "items": {"type": "string"}},
    1015: {"type": "array", "items": {"type": "string"}},
    1007: {"type": "array", "items": {"type": "integer"}},
    1016: {"type": "array", "items": {"type": "integer"}},
}
_STAFF = Principal("schema", role="admin")  # sees every property: the types are asked once for all


@lru_cache(maxsize=64)
def _all_property_schemas(layer: Layer) -> dict[str, Schema]:
    columns = [expr.label(name) for name, expr in layer.properties(_STAFF).items()]
    with get_engine().connect() as conn:
        result = conn.execute(layer.rows(ANONYMOUS).with_only_columns(*columns).limit(0))
        description = result.cursor.description
    # DB-API describes each column as (name, type_code, ...); psycopg's type_code is the type's OID.
    return {name: dict(_BY_OID.get(oid, {})) if isinstance(oid, int) else {} for name, oid, *_ in description}


def property_schemas(layer: Layer, user: Principal) -> dict[str, Schema]:
    """name -> JSON Schema of every property `user` may see; JSON-valued ones ({}) hold anything."""
    every = _all_property_schemas(layer)
    return {name: every[name] for name in layer.properties(user)}
