"""Imports of carriers from real files (written here with GDAL) into a park: each format and
coordinate system lands within 0.5 m of the truth, re-imports change nothing, and bad files and
rows are refused with the row, field and place."""

import io
import json
import re
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.carriers.models import Carrier
from tests.support.gisfiles import Place, frame, max_distance_m, park_place, squares, zip_of, zipped_shapefile

URL = "/api/v1/imports/carriers"
NANCHANG = "r.parent_adcode = '360100'"  # zone 39 (CM 117°E), in officer_nc's scope
WEST = "ST_X(ST_PointOnSurface(r.geom)) < 114.6"  # zone 38 (CM 114°E)


def post(client, headers, data: bytes, name: str, park: int, **params):
    return client.post(
        URL,
        params={"park": park, "name": name, **params},
        content=data,
        headers={**headers, "Content-Type": "application/octet-stream"},
    )


@pytest.fixture(scope="module")
def nanchang(engine) -> Place:
    with Session(engine) as db:
        return park_place(db, NANCHANG)


@pytest.fixture(scope="module")
def west(engine) -> Place:
    with Session(engine) as db:
        return park_place(db, WEST)


def stored(db: Session, park_id: int, prefix: str) -> dict[str, Carrier]:
    db.expire_all()
    rows = db.scalars(select(Carrier).where(Carrier.park_id == park_id, Carrier.code.startswith(prefix))).all()
    return {c.code: c for c in rows}


def geometry_of(db: Session, carrier: Carrier) -> shapely.Geometry:
    return shapely.from_wkb(db.scalar(select(func.ST_AsBinary(Carrier.geom)).where(Carrier.id == carrier.id)))


def assert_same_plots(db: Session, park_id: int, prefix: str, truth: list[shapely.Geometry]) -> None:
    found = stored(db, park_id, prefix)
    assert sorted(found) == [f"{prefix}{i}" for i in range(1, len(truth) + 1)]
    for i, plot in enumerate(truth, start=1):
        assert max_distance_m(geometry_of(db, found[f"{prefix}{i}"]), plot) < 0.5


def test_gbk_shapefile_in_gauss_kruger_zone_39_without_cpg(client, admin, db, nanchang, tmp_path: Path) -> None:
    truth = squares(nanchang, 3)
    gdf = frame(truth, "gk39", 宗地编号=["SHP-1", "SHP-2", "SHP-3"], 地块名称=["一号地块", "二号地块", "三号地块"],
                用地性质=["二类工业用地", "M1", "仓储用地"], 容积率=["≥1.2", "1.0-2.5", "2.0以下"])  # fmt: skip
    upload = zipped_shapefile(tmp_path, gdf, "GBK", cpg=False).read_bytes()

    preview = post(client, admin, upload, "地块.zip", nanchang.park_id)
    assert preview.status_code == 200, preview.text
    report = preview.json()
    assert (report["format"], report["encoding"]) == ("ESRI Shapefile", "GB18030")
    assert (report["crs"]["code"], report["crs"]["how"]) == ("gk39", "declared")
    assert report["mapping"] == {"code": "宗地编号", "name": "地块名称", "land_use": "用地性质", "plot_ratio": "容积率"}
    assert report["counts"] == {"rows": 3, "create": 3, "update": 0, "unchanged": 0, "error": 0}, [
        r["problems"] for r in report["rows"]
    ]
    assert [r["name"] for r in report["rows"]] == ["一号地块", "二号地块", "三号地块"]
    assert report["committed"] is False and stored(db, nanchang.park_id, "SHP-") == {}

    done = post(client, admin, upload, "地块.zip", nanchang.park_id, commit="true")
    assert done.status_code == 200, done.text
    assert done.json()["committed"] is True
    assert_same_plots(db, nanchang.park_id, "SHP-", truth)
    plots = stored(db, nanchang.park_id, "SHP-")
    one, two, three = plots["SHP-1"], plots["SHP-2"], plots["SHP-3"]
    assert (one.name, one.land_use, float(one.plot_ratio_min), one.plot_ratio_max) == ("一号地块", "industrial_2", 1.2, None)
    assert (two.land_use, float(two.plot_ratio_min), float(two.plot_ratio_max)) == ("industrial_1", 1.0, 2.5)
    assert (three.land_use, three.plot_ratio_min, float(three.plot_ratio_max)) == ("warehouse", None, 2.0)
    assert one.source == "地块.zip（user:admin 导入）" and not one.is_demo and not one.published
    audit = db.execute(text("SELECT changes FROM audit_log WHERE action = 'import' ORDER BY id DESC LIMIT 1")).scalar_one()
    assert audit["file"] == "地块.zip" and audit["counts"]["create"] == 3
    # The distance triggers stood down row by row; the import measured its rows once, before committing.
    kinds = db.execute(text("SELECT count(DISTINCT kind) FROM facilities WHERE published")).scalar_one()
    measured = db.execute(
        text("SELECT count(*) FROM facility_distances WHERE subject = 'carrier' AND subject_id = ANY(:ids)"),
        {"ids": [c.id for c in plots.values()]},
    ).scalar_one()
    assert kinds >= 3 and measured == 3 * kinds

    # The same file again: nothing changes, not even the row versions.
    versions = {c.code: c.row_version for c in plots.values()}
    again = post(client, admin, upload, "地块.zip", nanchang.park_id, commit="true")
    assert again.json()["counts"] == {"rows": 3, "create": 0, "update": 0, "unchanged": 3, "error": 0}
    assert {c.code: c.row_version for c in stored(db, nanchang.park_id, "SHP-").values()} == versions

    # An updated file changes only the row that changed.
    gdf.loc[1, "容积率"] = "≤3.0"
    changed = zipped_shapefile(tmp_path / "v2" if (tmp_path / "v2").mkdir() is None else tmp_path, gdf, "GBK", cpg=False)
    counts = post(client, admin, changed.read_bytes(), "地块.zip", nanchang.park_id, commit="true").json()["counts"]
    assert counts == {"rows": 3, "create": 0, "update": 1, "unchanged": 2, "error": 0}
    assert float(stored(db, nanchang.park_id, "SHP-")["SHP-2"].plot_ratio_max) == 3.0


def test_zone_38_without_prj_is_found_by_the_proposal(client, admin, db, west, tmp_path: Path) -> None:
    truth = squares(west, 2)
    gdf = frame(truth, "gk38", code=["W38-1", "W38-2"])
    upload = zipped_shapefile(tmp_path, gdf, "UTF-8", prj=False).read_bytes()
    r = post(client, admin, upload, "zone38.zip", west.park_id, commit="true")
    assert r.status_code == 200, r.text
    crs = r.json()["crs"]
    assert (crs["code"], crs["how"]) == ("gk38", "proposed")
    shares = {c["crs"]: c["inside_share"] for c in crs["candidates"]}
    assert shares["gk38"] == 1.0 and shares["gk39"] == shares["gk114"] == shares["wgs84"] == 0.0
    assert_same_plots(db, west.park_id, "W38-", truth)


@pytest.mark.parametrize("crs", ["gcj02", "bd09", "gk117", "webmercator"])
def test_geojson_in_web_map_and_projected_systems(client, admin, db, nanchang, crs: str) -> None:
    truth = squares(nanchang, 2, side_m=40)
    prefix = f"GJ-{crs}-"
    gdf = frame(truth, crs, code=[f"{prefix}1", f"{prefix}2"]).set_crs(None, allow_override=True)
    upload = gdf.to_json().encode()
    # GCJ-02 and BD-09 cannot be told from WGS-84 by their numbers: the user says which it is.
    params = {"crs": crs} if crs in ("gcj02", "bd09") else {}
    r = post(client, admin, upload, "amap.geojson", nanchang.park_id, commit="true", **params)
    assert r.status_code == 200, r.text
    assert r.json()["crs"]["code"] == crs
    assert_same_plots(db, nanchang.park_id, prefix, truth)


def _sheet(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_chinese_headers_and_indicator_strings(client, admin, db, nanchang) -> None:
    lon, lat = nanchang.lon, nanchang.lat
    square = squares(nanchang, 1)[0].wkt
    upload = _sheet(
        [
            [
                "宗地编号",
                "名称",
                "类型",
                "面积（亩）",
                "状态",
                "建筑密度",
                "绿地率",
                "限高",
                "出让年限",
                "起始价（万元/亩）",
                "经度",
                "纬度",
                "WKT",
                "备注",
            ],  # fmt: skip
            [
                "XL-1",
                "标准厂房A",
                "标准厂房",
                "3.5",
                "已预留",
                "≥40%",
                "≤20%",
                "24米以下",
                "50年",
                18.5,
                lon,
                lat,
                None,
                "+1 见附件",
            ],
            ["XL-2", "园区地块", None, "12亩", "可供", "30%-50%", "1.5～2.0", None, None, None, None, None, square, None],
        ]
    )
    r = post(client, admin, upload, "招商地块.xlsx", nanchang.park_id, commit="true")
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["create"] == 2
    plots = stored(db, nanchang.park_id, "XL-")
    factory, plot = plots["XL-1"], plots["XL-2"]
    assert (factory.kind, factory.status, float(factory.area_m2)) == ("factory", "reserved", round(3.5 * 10_000 / 15, 2))
    assert (float(factory.building_density_pct_min), factory.building_density_pct_max) == (40.0, None)
    assert (factory.green_ratio_pct_min, float(factory.green_ratio_pct_max)) == (None, 20.0)
    assert (factory.lease_term_years, float(factory.price_wan_per_mu), factory.description) == (50, 18.5, "+1 见附件")
    assert (plot.kind, plot.status, float(plot.area_m2)) == ("land", "available", 8000.0)
    assert (float(plot.building_density_pct_min), float(plot.building_density_pct_max)) == (30.0, 50.0)
    assert (float(plot.green_ratio_pct_min), float(plot.green_ratio_pct_max)) == (1.5, 2.0)
    assert r.json()["rows"][0]["row"] == 2  # a sheet's first data row is its row 2


def test_gbk_csv_kml_and_dxf(client, admin, db, nanchang, tmp_path: Path) -> None:
    lon, lat = nanchang.lon, nanchang.lat
    csv = f"宗地编号,名称,建筑面积,经度,纬度\nCSV-1,孵化楼,5000平方米,{lon},{lat}\n".encode("gbk")
    r = post(client, admin, csv, "楼宇.csv", nanchang.park_id, commit="true")
    assert r.status_code == 200, r.text
    assert r.json()["encoding"] == "GB18030"
    assert stored(db, nanchang.park_id, "CSV-")["CSV-1"].name == "孵化楼"

    truth = squares(nanchang, 2)
    kml = tmp_path / "plots.kml"
    frame(truth, "wgs84", Name=["KML-1", "KML-2"], code=["KML-1", "KML-2"]).to_file(kml, driver="KML", engine="pyogrio")
    r = post(client, admin, kml.read_bytes(), "plots.kml", nanchang.park_id, commit="true")
    assert r.status_code == 200, r.text
    assert_same_plots(db, nanchang.park_id, "KML-", truth)

    # DXF from CAD: closed polylines in Gauss-Krüger metres, no attributes but the layer.
    dxf = tmp_path / "cad.dxf"
    outlines = frame(truth, "gk39").boundary
    gpd.GeoDataFrame(geometry=outlines.values).to_file(dxf, driver="DXF", engine="pyogrio")
    r = post(client, admin, dxf.read_bytes(), "cad.dxf", nanchang.park_id, crs="gk39")
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["create"] == 2
    assert [f["geometry"]["type"] for f in r.json()["features"]["features"]] == ["Polygon", "Polygon"]


def test_a_file_in_the_wrong_place_says_where_it_landed(client, admin, nanchang) -> None:
    far = Place(nanchang.park_id, nanchang.adcode, 121.47, 31.23)  # Shanghai, in GK zone 41 numbers
    gdf = frame(squares(far, 1), "wgs84").to_crs(4549)  # CGCS2000 CM 120°E, no zone number
    r = post(client, admin, gdf.set_crs(None, allow_override=True).to_json().encode(), "x.geojson", nanchang.park_id)
    assert r.status_code == 422, r.text
    details = r.json()["error"]["details"]
    assert [d["field"] for d in details] == ["crs"] * 9
    by_system = {re.search(r"Under (.+?) (?:they land|the coordinates)", d["problem"]).group(1): d for d in details}
    assert len(by_system) == 9
    assert by_system["WGS-84"]["problem"].endswith("Under WGS-84 the coordinates do not convert")
    lands = by_system["CGCS2000 3° Gauss-Krüger CM 117°E"]
    assert lands["problem"].endswith("(no county of Jiangxi)") and 117 < lands["location"][0] < 118.5
    assert "要素位于" in lands["problem_zh"] and "不在江西省任何县内" in lands["problem_zh"]


def test_bad_rows_are_listed_and_a_commit_writes_nothing(client, admin, db, nanchang) -> None:
    lon, lat = nanchang.lon, nanchang.lat
    upload = _sheet(
        [
            ["宗地编号", "名称", "容积率", "面积", "经度", "纬度"],
            ["BAD-1", "好地块", "1.0", "100㎡", lon, lat],
            ["BAD-2", "坏容积率", "abc", "100㎡", lon, lat],
            ["BAD-1", "重复编号", "1.0", "100㎡", lon, lat],
            ["BAD-3", "远处", "1.0", "100㎡", 117.9, 28.3],
            ["BAD-4", "无面积", None, None, lon, lat],
        ]
    )
    r = post(client, admin, upload, "bad.xlsx", nanchang.park_id)
    assert r.status_code == 200, r.text
    rows = {row["row"]: row for row in r.json()["rows"]}
    assert rows[2]["action"] == "create"
    assert rows[3]["problems"] == [
        {
            "row": 3,
            "field": "plot_ratio",
            "column": "容积率",
            "problem": "'abc' is not a value or bounds such as 2.0, ≤2.0, ≥1.2, 1.0-2.5, 2.0以下",
            "problem_zh": "'abc' 不是有效的数值或范围（如 2.0、≤2.0、≥1.2、1.0-2.5、2.0以下）",
        }  # fmt: skip
    ]
    assert rows[4]["problems"][0]["field"] == "code" and "row 2" in rows[4]["problems"][0]["problem"]
    outside = rows[5]["problems"][0]
    assert outside["field"] == "geometry" and outside["location"] == [117.9, 28.3] and "km outside" in outside["problem"]
    assert rows[6]["problems"][0]["field"] == "area_m2"
    assert r.json()["counts"] == {"rows": 5, "create": 1, "update": 0, "unchanged": 0, "error": 4}

    refused = post(client, admin, upload, "bad.xlsx", nanchang.park_id, commit="true")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "import_refused" and refused.json()["report"]["counts"]["error"] == 4
    assert stored(db, nanchang.park_id, "BAD-") == {}


def test_hostile_and_broken_uploads(client, admin, nanchang) -> None:
    escaping = zip_of({"../../evil.geojson": b"{}"})
    r = post(client, admin, escaping, "evil.zip", nanchang.park_id)
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["problem"] == (
        "the archive member '../../evil.geojson' points outside the archive's folder; nothing was imported"
    )
    r = post(client, admin, b"PK\x03\x04 not really a zip", "broken.zip", nanchang.park_id)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["problem"].startswith("the archive cannot be read")
    r = post(client, admin, zip_of({"plots.shp": b"x", "plots.shx": b"x"}), "nodbf.zip", nanchang.park_id)
    assert r.json()["error"]["details"][0]["problem"] == (
        "the Shapefile 'plots.shp' comes without its .dbf: zip all its files together"
    )
    r = post(client, admin, b"hello", "notes.txt", nanchang.park_id)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "name"
    empty = json.dumps({"type": "FeatureCollection", "features": []}).encode()
    r = post(client, admin, empty, "empty.geojson", nanchang.park_id)
    assert r.json()["error"]["details"][0]["problem"] == "the file holds no features or rows"


def test_an_upload_over_the_limit_is_refused_while_it_streams(client, admin, nanchang) -> None:
    def body():
        for _ in range(51):
            yield b"\0" * (1024 * 1024)

    r = client.post(URL, params={"park": nanchang.park_id, "name": "big.gpkg"}, content=body(), headers=admin)
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


def test_zip_bombs_stop_at_the_unpacked_limit(tmp_path: Path) -> None:
    from app.core.errors import InvalidInput
    from app.core.settings import ImportSettings, using
    from app.exchange.archive import unpack
    from tests.support.database import suite_settings

    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(zip_of({"a.geojson": b"\0" * (3 * 1024 * 1024)}))
    assert bomb.stat().st_size < 20_000
    with using(suite_settings().model_copy(update={"imports": ImportSettings(max_unpacked_mb=2)})):
        with pytest.raises(InvalidInput) as refused:
            unpack(bomb, tmp_path / "out")
    assert refused.value.details[0].problem.startswith("the archive unpacks to more than 2 MB")
    assert sum(f.stat().st_size for f in (tmp_path / "out").rglob("*") if f.is_file()) <= 2 * 1024 * 1024


def test_only_writers_of_the_park_may_import(client, callers, nanchang) -> None:
    upload = frame(squares(nanchang, 1), "wgs84", code=["SCOPE-1"]).to_json().encode()
    assert post(client, callers["officer_out"], upload, "x.geojson", nanchang.park_id).status_code == 403
    assert post(client, callers["leader"], upload, "x.geojson", nanchang.park_id).status_code == 403
    assert post(client, callers["anonymous"], upload, "x.geojson", nanchang.park_id).status_code == 401
    no_csrf = {k: v for k, v in callers["officer_in"].items() if k != "X-CSRF-Token"}
    assert post(client, no_csrf, upload, "x.geojson", nanchang.park_id).status_code == 403
    r = post(client, callers["officer_in"], upload, "x.geojson", nanchang.park_id)
    assert r.status_code == 200, r.text


def test_the_cli_runs_the_same_pipeline(db, nanchang, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from app.cli import app

    truth = squares(nanchang, 2)
    gpkg = tmp_path / "地块.gpkg"
    frame(truth, "gk39", 地块号=["CLI-1", "CLI-2"], 面积=["3亩", "x"]).to_file(gpkg, engine="pyogrio")
    args = ["import", "carriers", str(gpkg), "--park", str(nanchang.park_id), "--map", "地块号=code"]
    dry = CliRunner().invoke(app, args)
    assert dry.exit_code == 0, dry.output
    assert "row 2 area: 'x' is not an area such as 12.5, 12.5亩, 3公顷, 8000㎡" in dry.output
    assert "2 rows: 1 new, 0 changed, 0 unchanged, 1 with problems; nothing written" in dry.output
    refused = CliRunner().invoke(app, [*args, "--commit"])
    assert refused.exit_code == 1 and stored(db, nanchang.park_id, "CLI-") == {}
    done = CliRunner().invoke(app, [*args, "--commit", "--map", "面积="])
    assert done.exit_code == 0, done.output
    assert "2 rows: 2 new, 0 changed, 0 unchanged, 0 with problems; imported" in done.output
    assert_same_plots(db, nanchang.park_id, "CLI-", truth)
