"""Imports of enterprise lists (企业名录): an XLSX with Chinese headers, rows checked by the USCC's
check character and the officer's regions, upserted by USCC, through the API and the CLI."""

import io

import openpyxl
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.enterprises.models import Enterprise
from app.enterprises.uscc import check_character

URL = "/api/v1/imports/enterprises"
HEADERS = ["企业名称", "统一社会信用代码", "经度", "纬度", "企业标签", "营业收入（亿元）", "从业人数", "年份"]
NANCHANG = (115.89, 28.68)  # 南昌市 (officer_nc's scope)
GANZHOU = (114.93, 25.83)  # 赣州市


def code(organisation: str, division: str = "360100") -> str:
    body = "91" + division + organisation
    return body + check_character(body)


def sheet(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in [HEADERS, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(client, headers, data: bytes, **params):
    return client.post(
        URL,
        params={"name": "企业名录.xlsx", **params},
        content=data,
        headers={**headers, "Content-Type": "application/octet-stream"},
    )


def test_an_enterprise_list_is_checked_then_upserted_by_uscc(client, admin, callers, db: Session) -> None:
    good, other = code("MA3KP0001"), code("MA3KP0002")
    broken = good[:-1] + ("0" if good[-1] != "0" else "1")
    upload = sheet(
        [
            ["导入测试甲公司", good, *NANCHANG, "高新技术企业、专精特新中小企业", "12.5亿元", 320, 2025],
            ["导入测试乙公司", broken, *NANCHANG, None, None, None, None],
            ["导入测试丙公司", good, *NANCHANG, None, None, None, None],
            ["导入测试丁公司", other, *GANZHOU, "独角兽", None, None, None],
        ]
    )
    r = post(client, admin, upload)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["mapping"]["uscc"] == "统一社会信用代码" and report["crs"]["how"] == "default"
    rows = {row["row"]: row for row in report["rows"]}
    assert rows[2]["action"] == "create" and rows[2]["code"] == good, rows[2]["problems"]
    assert [p["field"] for p in rows[3]["problems"]] == ["uscc"]
    assert "check character" in rows[3]["problems"][0]["problem"]
    assert "also on row 2" in rows[4]["problems"][0]["problem"]
    assert rows[5]["problems"][0]["field"] == "tags" and rows[5]["problems"][0]["column"] == "企业标签"
    assert report["counts"] == {"rows": 4, "create": 1, "update": 0, "unchanged": 0, "error": 3}
    assert db.scalar(select(Enterprise.id).where(Enterprise.uscc == good)) is None

    clean = sheet([["导入测试甲公司", good, *NANCHANG, "高新技术企业、专精特新中小企业", "12.5亿元", 320, 2025],
                   ["导入测试丁公司", other, *GANZHOU, None, None, None, None]])  # fmt: skip
    # An officer of Nanchang may not write Ganzhou's enterprise: that row says so, nothing is written.
    scoped = post(client, callers["officer_in"], clean, commit="true")
    assert scoped.status_code == 422 and scoped.json()["report"]["rows"][1]["problems"][0]["field"] == "location"
    done = post(client, admin, clean, commit="true")
    assert done.status_code == 200, done.text
    assert done.json()["counts"]["create"] == 2
    db.expire_all()
    stored = db.scalars(select(Enterprise).where(Enterprise.uscc == good)).one()
    assert (stored.name, stored.tags, float(stored.revenue_yi), stored.employees, stored.region_adcode[:4]) == (
        "导入测试甲公司", ["high_tech", "srdi_sme"], 12.5, 320, "3601"
    )  # fmt: skip
    assert stored.source == "企业名录.xlsx（user:admin 导入）" and not stored.is_demo and not stored.published
    audit = db.execute(
        text("SELECT changes FROM audit_log WHERE action = 'import' AND table_name = 'enterprises' ORDER BY id DESC LIMIT 1")
    )
    assert audit.scalar_one()["counts"]["create"] == 2
    again = post(client, admin, clean, commit="true").json()["counts"]
    assert again == {"rows": 2, "create": 0, "update": 0, "unchanged": 2, "error": 0}


def test_the_cli_imports_enterprises(db: Session, tmp_path) -> None:
    from typer.testing import CliRunner

    from app.cli import app

    upload = tmp_path / "企业.xlsx"
    upload.write_bytes(sheet([["命令行导入公司", code("MA3KP0003").lower(), *NANCHANG, None, "3", None, None]]))
    done = CliRunner().invoke(app, ["import", "enterprises", str(upload), "--commit"])
    assert done.exit_code == 0, done.output
    assert "1 rows: 1 new, 0 changed, 0 unchanged, 0 with problems; imported" in done.output
    db.expire_all()
    assert db.scalar(select(Enterprise.revenue_yi).where(Enterprise.uscc == code("MA3KP0003"))) == 3
