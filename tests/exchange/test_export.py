"""Exports of carriers and parks as GIS files and spreadsheets, read back by GDAL's own `ogrinfo`,
and the round trip export → import landing within 0.5 m of the truth."""

import csv
import io
import re
import subprocess
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import pytest
from sqlalchemy.orm import Session

from app.geo.coords import wgs84_to_gcj02
from tests.exchange.test_import_carriers import assert_same_plots, post, stored
from tests.support.gisfiles import Place, frame, park_place, squares
from tests.support.records import if_match

EXPORT = "/api/v1/exports/carriers"
NAME = "往返地块"


@pytest.fixture(scope="module")
def place(engine) -> Place:
    with Session(engine) as db:
        return park_place(db, "r.parent_adcode = '360100'")


@pytest.fixture(scope="module")
def truth(client, admin, place) -> list:
    plots = squares(place, 3, side_m=50)
    gdf = frame(plots, "wgs84", code=["RT-1", "RT-2", "RT-3"], name=[f"{NAME}{i}" for i in (1, 2, 3)],
                容积率=["≥1.2", "1.0-2.5", None], 备注=["=HYPERLINK(\"http://x\")", "-3.5", "普通"])  # fmt: skip
    r = post(client, admin, gdf.to_json().encode(), "rt.geojson", place.park_id, commit="true")
    assert r.json()["counts"]["create"] == 3, r.text
    return plots


def download(client, headers, tmp_path: Path, **params) -> Path:
    r = client.get(EXPORT, params={"q": NAME, **params}, headers=headers)
    assert r.status_code == 200, r.text
    suffix = re.search(r"filename=\"export(\.\w+)\"", r.headers["content-disposition"]).group(1)
    path = tmp_path / f"out{suffix}"
    path.write_bytes(r.content)
    return path


def ogrinfo(path: str) -> str:
    return subprocess.run(["ogrinfo", "-ro", "-al", "-so", path], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "kml", "xlsx"])
def test_each_format_reads_back_in_gdal(client, admin, truth, tmp_path: Path, fmt: str) -> None:
    path = download(client, admin, tmp_path, format=fmt)
    assert "Feature Count: 3" in ogrinfo(str(path))
    frame_back = pyogrio.read_dataframe(path, read_geometry=fmt != "xlsx")
    assert sorted(frame_back["name" if fmt != "kml" else "Name"]) == [f"{NAME}{i}" for i in (1, 2, 3)]


def test_zipped_shapefile_in_zone_39_round_trips_within_half_a_metre(client, admin, db, place, truth, tmp_path) -> None:
    path = download(client, admin, tmp_path, format="shp", crs="gk39")
    members = zipfile.ZipFile(path).namelist()
    assert sorted(members) == [f"export_polygon.{s}" for s in ("cpg", "dbf", "prj", "shp", "shx")]
    info = ogrinfo(f"/vsizip/{path}/export_polygon.shp")
    assert "Feature Count: 3" in info and "CGCS2000 / 3-degree Gauss-Kruger zone 39" in info
    back = post(client, admin, path.read_bytes(), "export.zip", place.park_id, commit="true")
    assert back.status_code == 200, back.text
    counts = back.json()["counts"]
    assert counts["create"] == 0 and counts["update"] + counts["unchanged"] == 3 and counts["error"] == 0
    assert_same_plots(db, place.park_id, "RT-", truth)
    assert float(stored(db, place.park_id, "RT-")["RT-2"].plot_ratio_max) == 2.5  # bounds came back from _min/_max


def test_gcj02_export_is_offset_and_imports_back(client, admin, db, place, truth, tmp_path) -> None:
    path = download(client, admin, tmp_path, format="geojson", crs="gcj02", names="zh")
    gdf = gpd.read_file(path).sort_values("宗地编号")
    first = np.array(gdf.geometry.iloc[0].exterior.coords[0])
    expected = np.array(wgs84_to_gcj02(*truth[0].exterior.coords[0]))
    assert np.abs(first - expected).max() < 1e-7
    back = post(client, admin, path.read_bytes(), "gcj.geojson", place.park_id, commit="true", crs="gcj02")
    assert back.json()["counts"]["error"] == 0, back.text
    assert_same_plots(db, place.park_id, "RT-", truth)


def test_csv_and_xlsx_never_carry_a_formula(client, admin, truth, tmp_path) -> None:
    path = download(client, admin, tmp_path, format="csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(path.read_text("utf-8-sig")))}
    assert rows["RT-1"]["description"] == '\'=HYPERLINK("http://x")'
    assert rows["RT-2"]["description"] == "-3.5" and rows["RT-1"]["WKT"].startswith("POLYGON ((")
    book = openpyxl.load_workbook(download(client, admin, tmp_path, format="xlsx"))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("description")] for row in sheet.iter_rows(min_row=2)]
    assert {c.value for c in cells} == {'=HYPERLINK("http://x")', "-3.5", "普通"}
    assert all(c.data_type == "s" for c in cells)


def test_the_public_gets_published_records_only(client, admin, db, place, truth, tmp_path) -> None:
    assert "Feature Count: 0" in ogrinfo(str(download(client, {}, tmp_path, format="gpkg")))
    path = f"/api/v1/carriers/{stored(db, place.park_id, 'RT-')['RT-1'].id}"

    def publish(flag: bool) -> None:
        r = client.patch(path, json={"published": flag}, headers=if_match(client, path, admin))
        assert r.status_code == 200, r.text

    publish(True)
    try:
        assert "Feature Count: 1" in ogrinfo(str(download(client, {}, tmp_path, format="gpkg")))
    finally:
        publish(False)


def test_parks_export_as_the_public_lists_them(client, tmp_path) -> None:
    listed = client.get("/api/v1/parks", params={"limit": 10_000}).json()
    r = client.get("/api/v1/exports/parks", params={"format": "gpkg", "crs": "cgcs2000"})
    assert r.status_code == 200, r.text
    (tmp_path / "parks.gpkg").write_bytes(r.content)
    info = ogrinfo(str(tmp_path / "parks.gpkg"))
    assert f"Feature Count: {len(listed['items'])}" in info and "China Geodetic Coordinate System 2000" in info


def test_shapefile_with_chinese_field_names_reads_back(client, admin, db, place, truth, tmp_path) -> None:
    path = download(client, admin, tmp_path, format="shp", names="zh")
    with zipfile.ZipFile(path) as zf:
        assert zf.read("export_polygon.cpg").decode().strip() == "UTF-8"
    back = pyogrio.read_dataframe(f"/vsizip/{path}/export_polygon.shp")
    assert {"宗地号", "名称", "状态", "面积亩", "起始价", "备注", "far_min"} <= set(back.columns)
    assert sorted(back["名称"]) == [f"{NAME}{i}" for i in (1, 2, 3)]
    r = post(client, admin, path.read_bytes(), "zh.zip", place.park_id, commit="true")
    assert r.status_code == 200, r.text
    assert r.json()["mapping"]["code"] == "宗地号" and r.json()["counts"]["error"] == 0
    assert_same_plots(db, place.park_id, "RT-", truth)


def test_enterprises_and_targets_as_gis_files(client, admin, callers, tmp_path) -> None:
    listed = client.get("/api/v1/enterprises", params={"is_local": "true", "limit": 1, "count": "true"}, headers=admin).json()
    r = client.get("/api/v1/exports/enterprises", params={"is_local": "true", "format": "gpkg"}, headers=admin)
    assert r.status_code == 200, r.text
    (tmp_path / "e.gpkg").write_bytes(r.content)
    assert f"Feature Count: {listed['count']}" in ogrinfo(str(tmp_path / "e.gpkg"))
    public = client.get("/api/v1/exports/enterprises", params={"format": "csv"}, headers=callers["anonymous"])
    rows = list(csv.DictReader(io.StringIO(public.content.decode("utf-8-sig"))))
    seen = client.get("/api/v1/enterprises", params={"limit": 1, "count": "true"}, headers=callers["anonymous"]).json()
    assert len(rows) == seen["count"]  # what the public list holds, no more
    assert client.get("/api/v1/exports/targets", params={"format": "csv"}, headers=callers["anonymous"]).status_code == 401
    targets = client.get("/api/v1/targets", params={"limit": 1, "count": "true"}, headers=admin).json()["count"]
    r = client.get("/api/v1/exports/targets", params={"format": "shp", "names": "zh"}, headers=admin)
    assert r.status_code == 200, r.text
    (tmp_path / "t.zip").write_bytes(r.content)
    assert f"Feature Count: {targets}" in ogrinfo(f"/vsizip/{tmp_path / 't.zip'}/export_point.shp")
