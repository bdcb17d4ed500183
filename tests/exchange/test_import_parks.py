"""Imports of parks: a list of park records (XLSX, Chinese headers) created and updated by name
within their county, and a park's boundary from a Shapefile in Gauss-Krüger without .prj, its
features joined into one MultiPolygon; each problem names its row, field and coordinate."""

import io
import json

import openpyxl
import pytest
import shapely
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.parks.models import Park
from tests.support.gisfiles import Place, frame, max_distance_m, park_place, squares, zipped_shapefile

URL = "/api/v1/imports/parks"
HEADERS = ["园区名称", "级别", "类型", "所在县（市、区）", "规划面积（公顷）", "经度", "纬度", "主导产业", "数据来源", "数据时点"]
SOURCE = "江西省开发区名录（导入测试）"


@pytest.fixture(scope="module")
def nanchang(engine) -> Place:
    with Session(engine) as db:
        return park_place(db, "r.parent_adcode = '360100'")


@pytest.fixture(scope="module")
def ganzhou(engine) -> Place:
    with Session(engine) as db:
        return park_place(db, "r.parent_adcode = '360700'")


def sheet(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in [HEADERS, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(client, headers, data: bytes, name: str = "园区名录.xlsx", **params):
    return client.post(
        URL, params={"name": name, **params}, content=data, headers={**headers, "Content-Type": "application/octet-stream"}
    )


def problems(report: dict) -> dict[int, list[tuple[str, str | None]]]:
    return {r["row"]: [(p["field"], p.get("column")) for p in r["problems"]] for r in report["rows"] if r["problems"]}


def test_park_records_are_checked_then_upserted_by_name(client, admin, callers, db: Session, nanchang, ganzhou) -> None:
    here = [nanchang.adcode, 350, nanchang.lon, nanchang.lat, "汽车、电子信息", SOURCE, "2025-06-30"]
    upload = sheet(
        [
            ["导入测试园区甲", "省级", "工业园区", *here],
            ["导入测试园区乙", "县级", "工业园区", *here],
            ["导入测试园区丙", "省级", "工业园区", nanchang.adcode, None, ganzhou.lon, ganzhou.lat, None, None, None],
            [None, "省级", "工业园区", *here],
            ["导入测试园区丁", "省级", "工业园区", "不存在县", None, nanchang.lon, nanchang.lat, None, None, None],
        ]
    )
    r = post(client, admin, upload)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["mapping"]["region"] == "所在县（市、区）" and report["mapping"]["area_planned"] == "规划面积（公顷）"
    assert report["counts"] == {"rows": 5, "create": 1, "update": 0, "unchanged": 0, "error": 4}
    assert problems(report) == {
        3: [("level", "级别")],
        4: [("location", None)],
        5: [("name", None)],
        6: [("region_adcode", "所在县（市、区）")],
    }
    outside = report["rows"][2]["problems"][0]
    assert outside["location"] == pytest.approx([ganzhou.lon, ganzhou.lat]) and nanchang.adcode in outside["problem"]
    assert db.scalar(select(func.count()).select_from(Park).where(Park.name.like("导入测试园区%"))) == 0

    # An officer of Nanchang may not create a park in Ganzhou.
    there = ["导入测试园区戊", "省级", "工业园区", ganzhou.adcode, None, ganzhou.lon, ganzhou.lat, None, None, None]
    scoped = post(client, callers["officer_in"], sheet([there]), commit="true")
    assert scoped.status_code == 422 and problems(scoped.json()["report"]) == {2: [("region_adcode", None)]}

    done = post(client, admin, sheet([["导入测试园区甲", "省级", "工业园区", *here]]), commit="true")
    assert done.status_code == 200 and done.json()["counts"]["create"] == 1, done.text
    db.expire_all()
    park = db.scalars(select(Park).where(Park.name == "导入测试园区甲")).one()
    assert (park.level, park.type, park.region_adcode, float(park.area_ha), park.area_kind) == (
        "provincial", "industrial", nanchang.adcode, 350.0, "planned"
    )  # fmt: skip
    assert (park.leading_industries, park.source, str(park.as_of), park.is_demo, park.published) == (
        ["汽车", "电子信息"], SOURCE, "2025-06-30", False, False
    )  # fmt: skip

    # Matched by name: a row may say only what changes; the county it names must be the park's.
    update = ["导入测试园区甲", None, None, nanchang.adcode, "3.6平方公里", None, None, None, SOURCE, "2025-06-30"]
    elsewhere = ["导入测试园区甲", None, None, ganzhou.adcode, None, None, None, None, None, None]
    refused = post(client, admin, sheet([update, elsewhere, update]), commit="true")
    assert refused.status_code == 422
    assert problems(refused.json()["report"]) == {3: [("region_adcode", "所在县（市、区）")], 4: [("id", None)]}
    assert "also on row 2" in refused.json()["report"]["rows"][2]["problems"][0]["problem"]
    assert post(client, admin, sheet([update]), commit="true").json()["counts"]["update"] == 1
    db.expire_all()
    assert (float(db.get(Park, park.id).area_ha), db.get(Park, park.id).level) == (360.0, "provincial")
    assert post(client, admin, sheet([update]), commit="true").json()["counts"]["unchanged"] == 1
    audit = db.execute(text("SELECT changes FROM audit_log WHERE action = 'import' AND table_name = 'parks' ORDER BY id"))
    assert [c["counts"]["create"] + c["counts"]["update"] for c in audit.scalars()] == [1, 1, 0]


def test_a_boundary_in_gauss_kruger_without_prj_joins_its_features(client, admin, db: Session, nanchang, tmp_path) -> None:
    row = ["导入测试边界园区", "市级", "工业园区", nanchang.adcode, None, nanchang.lon, nanchang.lat, None, SOURCE, None]
    created = post(client, admin, sheet([row]), commit="true")
    assert created.status_code == 200, created.text
    park_id = created.json()["rows"][0]["id"]
    truth = squares(nanchang, 2, side_m=400.0)
    upload = zipped_shapefile(tmp_path, frame(truth, "gk39", 备注=["一区", "二区"]), "utf-8", prj=False)
    r = post(client, admin, upload.read_bytes(), "边界.zip", park=park_id, commit="true", mapping=json.dumps({"备注": ""}))
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["crs"]["code"] == "gk39" and report["crs"]["how"] == "proposed"
    assert [(row["row"], row["action"], row["id"]) for row in report["rows"]] == [(1, "update", park_id), (2, "update", park_id)]
    db.expire_all()
    stored = shapely.from_wkb(db.scalar(select(func.ST_AsBinary(Park.boundary)).where(Park.id == park_id)))
    assert stored.geom_type == "MultiPolygon" and len(stored.geoms) == 2
    assert max_distance_m(stored, shapely.MultiPolygon(truth)) < 0.5

    same = post(client, admin, upload.read_bytes(), "边界.zip", park=park_id, commit="true", mapping=json.dumps({"备注": ""}))
    assert same.json()["counts"] == {"rows": 2, "create": 0, "update": 0, "unchanged": 2, "error": 0}

    from typer.testing import CliRunner

    from app.cli import app

    # The command line's import would change the boundary's source (the file and who imported it) only.
    cli = CliRunner().invoke(app, ["import", "parks", str(upload), "--park", str(park_id), "--map", "备注="])
    assert cli.exit_code == 0, cli.output
    assert "2 rows: 0 new, 2 changed, 0 unchanged, 0 with problems; nothing written" in cli.output

    # A self-crossing part is refused on its own row, at the crossing.
    bow = {"type": "Polygon", "coordinates": [[[115.9, 28.6], [115.91, 28.61], [115.91, 28.6], [115.9, 28.61], [115.9, 28.6]]]}
    square = shapely.geometry.mapping(truth[0])
    features = [{"type": "Feature", "properties": {}, "geometry": g} for g in (square, bow)]
    body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    bad = post(client, admin, body, "边界.geojson", park=park_id).json()
    assert problems(bad) == {2: [("geometry", None)]}
    assert bad["rows"][1]["problems"][0]["location"] == pytest.approx([115.905, 28.605])
