"""Exports of filtered lists as XLSX or CSV, for officers who carry lists into Excel or WPS.

A domain hands over a SELECT whose columns are labelled with their Chinese headers and whose
values already read as a person expects (labels rather than codes, local times, 是/否). CSV is
written by PostgreSQL itself (COPY ... TO STDOUT) behind a UTF-8 byte order mark, without which
Excel and WPS read the Chinese as GBK; XLSX streams the rows into a write-only openpyxl workbook.

Text that a spreadsheet would read as a formula (starting with = + - @, tab or CR: "formula
injection", e.g. `=HYPERLINK(...)` in an enterprise name) never becomes one. In XLSX it is a text
cell marked quotePrefix, the file's own "this is text" flag, so the value stays exactly as stored
and stays text when someone edits the cell. CSV has no types: such a value gets a leading `'`,
which Excel and WPS read as "text follows" and hide. Numbers stay numbers: columns typed as
numbers (and dates, times) are written as they are, so -3.5 is the number -3.5, and a text value
that is a plain negative number ("-3.5") is left as it is, since it cannot run anything.
"""

import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Literal
from urllib.parse import quote

from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, Field
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Numeric,
    Select,
    String,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from sqlalchemy.types import Float, Integer, TypeEngine

from app.core.codes import LabelledEnum
from app.core.columns import ColumnExpr
from app.core.listing import OutputSpec, ordering


class ExportParams(BaseModel):
    """Added to a list's query model: the export takes the list's filters and sort, and every
    matching row whatever the page."""

    format: Literal["xlsx", "csv"] = Field(default="xlsx", description="xlsx (default) or csv (UTF-8 with BOM) / 导出格式")


BOM = "\ufeff".encode()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# OpenAPI `responses` of an export route: a file, as XLSX or CSV by the `format` parameter.
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the file / 文件",
        "content": {
            XLSX: {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string", "description": "UTF-8 with BOM"}},
        },
    }
}
LOCAL_TIME_ZONE = "Asia/Shanghai"


def zh_label(code: ColumnExpr[Any], enum: type[LabelledEnum]) -> ColumnElement[Any]:
    """The Chinese label of a coded value, looked up in SQL."""
    # A text literal cast in SQL: COPY binds parameters client-side, without SQLAlchemy's JSON processing.
    labels = json.dumps({m.value: m.zh for m in enum}, ensure_ascii=False)
    return cast(literal(labels, String), JSONB).op("->>")(code)


def zh_labels(codes: ColumnExpr[Any], enum: type[LabelledEnum]) -> ColumnElement[Any]:
    """The Chinese labels of an array of codes, joined with 、 in their order."""
    code = func.unnest(codes).column_valued("code")
    return select(func.string_agg(zh_label(code, enum), literal("、", String))).scalar_subquery()


def yes_no(flag: ColumnExpr[bool]) -> ColumnElement[str]:
    return case((flag, "是"), else_="否")


def local_time(ts: ColumnExpr[Any]) -> ColumnElement[Any]:
    """A timestamp as the wall-clock time in China: spreadsheets have no time zones."""
    return func.timezone(LOCAL_TIME_ZONE, ts)


# What starts a formula in Excel, WPS and LibreOffice; a minus only when no plain number follows.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START_SQL = "^[=+@\t\r]"
_NEGATIVE_NUMBER_SQL = r"^-[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
_NOT_TEXT = (Boolean, Integer, Numeric, Float, Date, DateTime)


def _csv_safe(value: ColumnElement[Any], type_: TypeEngine[Any]) -> ColumnElement[Any]:
    """A column as CSV may carry it: numbers and dates as they are, text that starts a formula after a `'`."""
    if isinstance(type_, _NOT_TEXT):
        return value
    text = cast(value, Text)
    risky = or_(text.regexp_match(_FORMULA_START_SQL), and_(text.startswith("-"), ~text.regexp_match(_NEGATIVE_NUMBER_SQL)))
    return case((risky, literal("'", Text) + text), else_=text)


def _xlsx_cell(ws: Any, value: Any) -> Any:
    """A value for a write-only row: text that starts a formula as a text cell marked quotePrefix."""
    if not (isinstance(value, str) and value.startswith(FORMULA_START)):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # openpyxl would store "=..." as a formula
    cell.quotePrefix = True
    return cell


def _csv(session: Session, stmt: Select[Any]) -> bytes:
    stmt = stmt.with_only_columns(*[_csv_safe(c, c.type).label(c.name) for c in stmt.selected_columns])
    # COPY takes no server-side parameters: psycopg binds them client-side; IN lists are expanded first.
    compiled = stmt.compile(dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    buffer = io.BytesIO()
    buffer.write(BOM)
    cursor = session.connection().connection.cursor()
    with cursor.copy(f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv, HEADER true)", compiled.params) as copy:
        for block in copy:
            buffer.write(block)
    return buffer.getvalue()


def _xlsx(session: Session, stmt: Select[Any], sheet: str) -> bytes:
    result = session.execute(stmt)
    return xlsx_workbook([(sheet, list(result.keys()), result.yield_per(1000))])


Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def xlsx_workbook(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX file of (title, headers, rows) sheets: bold frozen headers, text that starts a formula kept as text."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        ws = workbook.create_sheet(title=title[:31])
        for i, header in enumerate(headers, start=1):
            # Wide enough for the header; Chinese characters take two columns' width.
            ws.column_dimensions[get_column_letter(i)].width = max(10, 2 * len(header) + 2)
        ws.freeze_panes = "A2"
        cells = []
        for header in headers:
            cell = WriteOnlyCell(ws, value=header)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        for row in rows:
            ws.append([_xlsx_cell(ws, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_list(
    session: Session, filtered: Select[Any], columns: dict[str, Any], spec: OutputSpec, sort: str | None, fmt: str, stem: str
) -> Response:
    """The rows of a filtered list, with `columns` (header: expression), sorted as the list is."""
    stmt = filtered.with_only_columns(*[v.label(k) for k, v in columns.items()]).order_by(*ordering(spec, sort))
    return export_response(session, stmt, fmt, stem)


def export_response(session: Session, stmt: Select[Any], fmt: str, stem: str) -> Response:
    """The rows of `stmt` as a download named `<stem>-<today>.<fmt>` (the stem may be Chinese)."""
    if fmt == "csv":
        content, media = _csv(session, stmt), "text/csv; charset=utf-8"
    else:
        content, media = _xlsx(session, stmt, stem), XLSX
    name = f"{stem}-{date.today().isoformat()}.{fmt}"
    return Response(content=content, media_type=media, headers={"Content-Disposition": attachment(name, fmt)})


def attachment(name: str, suffix: str) -> str:
    """Content-Disposition of a download named `name` (may be Chinese), of type `suffix`."""
    # RFC 6266/5987: an ASCII fallback for old clients, the UTF-8 name for the rest.
    return f"attachment; filename=\"export.{suffix}\"; filename*=UTF-8''{quote(name)}"
