"""GDAL (Debian's gdal-bin) reads /ogc as a GIS desktop would: OAPIF driver, paging included."""

import datetime as dt
import json
import re
import subprocess
from decimal import Decimal

import pyogrio
import pytest
import shapely
from sqlalchemy import MetaData, Table, select

from app.core.auth import ANONYMOUS
from tests.support.apps import public_layers

LAYERS = public_layers()  # what the anonymous callers of these tests see

GEOMETRY_NAMES = {"Point": "Point", "Polygon": "Polygon", "MultiPolygon": "Multi Polygon"}
# Page sizes smaller than each collection, so that every copy follows several next links.
PAGE_SIZE = {"facilities": 5, "parks": 16, "cooperation_parks": 2, "land": 37, "factories": 9, "clusters": 5, "regions": 25}


def gdal(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_ogrinfo_lists_every_collection_with_its_geometry_type(live_server):
    out = gdal("ogrinfo", "-ro", "-q", f"OAPIF:{live_server}/ogc")
    listed = dict(re.findall(r"^\d+: (\w+) \(title: .*\) \(([\w ]+)\)$", out, re.MULTILINE))
    assert listed == {layer.id: GEOMETRY_NAMES[layer.geometry_type] for layer in LAYERS.values()}


def _table_rows(db, layer) -> dict[object, dict[str, object]]:
    """The stored rows the collection shows, straight from the table (not through our SQL)."""
    key = layer.key
    table = Table(key.table.name, MetaData(), autoload_with=db.get_bind())
    visible = layer.rows(ANONYMOUS).with_only_columns(key)
    rows = db.execute(select(table).where(table.c[key.name].in_(visible))).mappings()
    return {row[key.name]: dict(row) for row in rows}


def _same(stored: object, copied: object) -> bool:
    if stored is None:
        return copied is None or copied != copied  # GDAL writes missing numbers as NaN in a frame
    if isinstance(stored, bool):
        return bool(copied) == stored
    if isinstance(stored, (Decimal, float, int)):
        return float(copied) == pytest.approx(float(stored), rel=1e-12)
    if isinstance(stored, dt.datetime):
        return abs(dt.datetime.fromisoformat(str(copied)).timestamp() - stored.timestamp()) < 1e-3
    if isinstance(stored, dt.date):
        return str(copied)[:10] == stored.isoformat()
    if isinstance(stored, list) and not isinstance(copied, str):
        return stored == [] and copied != copied  # an empty list arrives as NULL
    if isinstance(stored, list) and (listed := re.fullmatch(r"\((\d+):(.*)\)", copied)):
        # GDAL writes a StringList/IntegerList to GeoPackage as "(count:a,b,c)".
        items = listed.group(2).split(",") if int(listed.group(1)) else []
        return items == [str(v) for v in stored]
    if isinstance(stored, (list, dict)):  # JSON values: GeoPackage keeps them as JSON text
        return json.loads(copied) == stored
    if isinstance(stored, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", stored):
        # GDAL's GeoJSON reader types a date-shaped string as a date and writes it back as
        # YYYY/MM/DD into a text field; the value is the same day.
        return str(copied).replace("/", "-") == stored
    return copied == stored


@pytest.mark.parametrize("layer_id", list(LAYERS))
def test_ogr2ogr_copies_each_collection_whole(live_server, db, tmp_path, layer_id):
    layer = LAYERS[layer_id]
    target = tmp_path / f"{layer_id}.gpkg"
    gdal(
        "ogr2ogr",
        "-f",
        "GPKG",
        "-preserve_fid",
        str(target),
        f"OAPIF:{live_server}/ogc",
        layer_id,
        "-oo",
        f"PAGE_SIZE={PAGE_SIZE[layer_id]}",
    )
    copied = pyogrio.read_dataframe(target, fid_as_index=True)
    stored = _table_rows(db, layer)
    assert len(stored) > PAGE_SIZE[layer_id]
    assert len(copied) == len(stored)
    # Integer ids become GDAL's FID; string ids (region adcodes) stay an "id" attribute.
    keys = list(copied.index) if layer.key_type is int else list(copied["id"])
    assert sorted(keys) == sorted(stored)
    compared = [c for c in copied.columns if c in next(iter(stored.values())) and c != "geometry"]
    assert len(compared) >= 5, compared
    for key, (_, row) in zip(keys, copied.iterrows(), strict=True):
        for column in compared:
            assert _same(stored[key][column], row[column]), (layer_id, key, column, stored[key][column], row[column])
    assert set(copied.geometry.geom_type) == {layer.geometry_type}
    if layer.key_type is int and "geom" in stored[keys[0]]:  # carriers: the parcel/point itself, to ~1 cm
        from geoalchemy2.shape import to_shape

        for key, geom in zip(keys, copied.geometry, strict=True):
            assert shapely.equals_exact(to_shape(stored[key]["geom"]), geom, tolerance=1e-7)
