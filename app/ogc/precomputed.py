"""Carriers' public GeoJSON Features kept as text in PostgreSQL (table carrier_features).

Building a Feature (properties row to JSON, geometry to GeoJSON and back to json) was most of
the cost of a page of land plots; a page now joins the stored texts with string_agg instead.
The text is made by the same SQL as a dynamic page (`feature_rows` and `feature` of
app/ogc/items.py over the land layer), so there is one property list, and it is rewritten in
the transaction of every write that changes it: a carrier's save, its park's save (the park
name is a property) and the demo bulk load. Deleting a carrier deletes its text (ON DELETE CASCADE).

Only the default CRS and the public property set are stored: pages in another CRS, or for
staff (who may see more properties), are built dynamically as before.
"""

from sqlalchemy import ColumnElement, Text, cast, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.carriers.models import Carrier, CarrierFeature
from app.core.auth import ANONYMOUS
from app.ogc.crs import DEFAULT
from app.ogc.items import KEY, feature, feature_rows
from app.ogc.layers import LAYERS

# The land and factory layers share carriers.OUTPUT and add no properties of their own, so one
# text per carrier serves both (tests/test_ogc_precomputed.py checks both against the dynamic pages).
_SOURCE = LAYERS["land"]


def refresh_carrier_features(session: Session, which: ColumnElement[bool]) -> None:
    """Rewrite the stored Feature of every carrier matching `which` (after a flush of its changes)."""
    rows = feature_rows(_SOURCE, ANONYMOUS, select(Carrier).where(which), DEFAULT).subquery("rows")
    stmt = insert(CarrierFeature).from_select(["id", "feature"], select(rows.c[KEY], cast(feature(rows), Text)))
    session.execute(stmt.on_conflict_do_update(index_elements=[CarrierFeature.id],
                                               set_={"feature": stmt.excluded.feature}))
