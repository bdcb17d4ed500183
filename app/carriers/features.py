"""Carriers' public GeoJSON Features kept as text in PostgreSQL (table carrier_features).

Building a Feature (properties row to JSON, geometry to GeoJSON and back to json) was most of
the cost of a page of land plots; the OGC pages of the land and factory layers now join the
stored texts with string_agg instead. The text is made from the carriers' own output (OUTPUT,
flattened as every GIS output is) by the GeoJSON builders the pages use (app/core/geojson.py), so
there is one property list, and it is rewritten in the transaction of every write that changes
it: a carrier's save, its park's save (the park name is a property) and the demo bulk load.
Deleting a carrier deletes its text (ON DELETE CASCADE).

Only the default CRS (CRS84, 7 decimals) and the public property set are stored: pages in
another CRS, or for staff (who may see more properties), are built dynamically.
tests/carriers/test_features.py checks the stored texts against dynamic pages byte for byte.
"""

from sqlalchemy import Text, cast, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.carriers.models import Carrier, CarrierFeature
from app.carriers.queries import OUTPUT
from app.core.auth import ANONYMOUS
from app.core.columns import ColumnExpr
from app.core.geojson import KEY, feature, feature_rows

# The land and factory layers share OUTPUT and add no properties of their own: one text per
# carrier serves both.
_PUBLIC = OUTPUT.for_user(ANONYMOUS)


def refresh_carrier_features(session: Session, which: ColumnExpr[bool]) -> None:
    """Rewrite the stored Feature of every carrier matching `which` (after a flush of its changes)."""
    rows = feature_rows(select(Carrier).where(which), _PUBLIC.id, _PUBLIC.geometry, _PUBLIC.properties()).subquery("rows")
    stmt = insert(CarrierFeature).from_select(["id", "feature"], select(rows.c[KEY], cast(feature(rows), Text)))
    session.execute(stmt.on_conflict_do_update(index_elements=[CarrierFeature.id], set_={"feature": stmt.excluded.feature}))
