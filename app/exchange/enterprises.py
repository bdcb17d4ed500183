"""Importing enterprises (企业名录, with their 统一社会信用代码) from a file: the carriers' pipeline
(formats.py, columns.py, crs.py, the report of carriers.py) with the enterprises' own rules.

An enterprise list holds thousands of rows, not hundreds of thousands: each valid row is written
through the enterprises' own service (the county derived from the point, the park in the same
city, the USCC's check character) inside a savepoint, so the preview is exactly what the commit
would do and a row that would change nothing is left untouched. A row's USCC is its key: a
re-import updates the enterprise holding it, keeping what the file does not say (its chain links,
its tags unless a column gives them, whether it is published).
"""

import re
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.core.auth import Principal, require_scope
from app.core.errors import AppError, InvalidInput
from app.enterprises import service
from app.enterprises.models import Enterprise, EnterpriseLink, EnterpriseTag
from app.enterprises.schemas import EnterpriseIn
from app.exchange import values
from app.exchange.carriers import ImportOptions, choose_system, raw_geometries, report_of
from app.exchange.columns import ENTERPRISE_SYNONYMS, map_columns
from app.exchange.crs import to_wgs84
from app.exchange.formats import read
from app.exchange.records import PROGRESS_ROWS, Progress, duplicate, finish, no_progress, read_cells, row_problem, validated_row
from app.exchange.rows import Bodies
from app.exchange.values import CellProblem

_READERS = {
    "name": values.text,
    "uscc": values.text,
    "is_local": values.flag,
    "park_id": values.integer,
    "revenue_yi": values.number,
    "employees": values.integer,
    "year": values.integer,
}
_TAG_WORDS = {t.zh: t.value for t in EnterpriseTag} | {t.value: t.value for t in EnterpriseTag} | {
    "高新": "high_tech", "专精特新": "srdi_sme", "小巨人": "little_giant", "单项冠军": "single_champion",
}  # fmt: skip
_SNAPSHOT = text(
    "SELECT to_jsonb(e) - 'updated_at' - 'row_version' || jsonb_build_object('links', "
    "(SELECT coalesce(jsonb_agg(link_id ORDER BY link_id), '[]') FROM enterprise_links WHERE enterprise_id = e.id)) "
    "FROM enterprises e WHERE id = :id"
)


def tags(value: Any) -> list[str] | None:
    """`高新技术企业、专精特新中小企业`: the tags, by their Chinese or API names, separated by 、,;/ or spaces."""
    text_ = values.text(value)
    if text_ is None:
        return None
    found = []
    for word in (w for w in re.split(r"[、,，;；/\s]+", text_) if w):
        if word not in _TAG_WORDS:
            allowed = "、".join(t.zh for t in EnterpriseTag)
            raise CellProblem(f"{word!r} is not a known tag ({allowed})", f"{word!r} 不是已知的企业标签（{allowed}）")
        found.append(_TAG_WORDS[word])
    return found


def _write(
    session: Session, user: Principal, bodies: Bodies, i: int, data: EnterpriseIn, done: dict[int, tuple[int | None, str]]
) -> None:
    """One valid row in a savepoint: created, updated, or (when nothing would change) undone."""
    try:
        require_scope(
            user, *service.scope_of(session, {"location": data.location, "is_local": data.is_local, "park_id": data.park_id})
        )
    except AppError as exc:
        bodies.add(i, "location", None, exc.message, exc.message_zh, [data.location.x, data.location.y])
        return
    existing = session.execute(select(Enterprise).where(Enterprise.uscc == data.uscc)).scalar_one_or_none()
    if existing is not None:
        kept = session.execute(select(EnterpriseLink.link_id).where(EnterpriseLink.enterprise_id == existing.id)).scalars()
        update: dict[str, Any] = {"published": existing.published, "link_ids": list(kept)}
        if "tags" not in data.model_fields_set:
            update["tags"] = [EnterpriseTag.of(t) for t in existing.tags]
        data = data.model_copy(update=update)
    before = session.execute(_SNAPSHOT, {"id": existing.id}).scalar_one() if existing else None
    savepoint = session.begin_nested()
    try:
        written = service.save(session, data, existing)
    except AppError as exc:
        savepoint.rollback()
        row_problem(bodies, i, exc)
        return
    if existing is None:
        savepoint.commit()
        done[i] = (written, "create")
    elif session.execute(_SNAPSHOT, {"id": written}).scalar_one() == before:
        savepoint.rollback()  # no new version, no audit entry, no history row
        done[i] = (written, "unchanged")
    else:
        savepoint.commit()
        done[i] = (written, "update")


def run_enterprise_import(
    session: Session,
    user: Principal,
    upload: Path,
    workdir: Path,
    options: ImportOptions,
    commit: bool,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Preview (commit=False) or import the enterprises of `upload`; the report (as carriers.run_import's).
    Coordinates are WGS-84 unless the file declares or the caller names another system."""
    source = read(upload, workdir, options.encoding)
    if source.frame.empty:
        raise InvalidInput.one("file", "the file holds no features or rows", "文件中没有要素或数据行")
    columns = map_columns(source.headers, options.mapping, "enterprises")
    raw = raw_geometries(source, columns)
    chosen, how, _ = choose_system(session, source, raw, options)
    points = np.asarray(to_wgs84(raw, chosen).values, dtype=object)
    first_row = 2 if source.is_table else 1
    bodies = Bodies(first_row, len(source.frame))
    base = {"source": f"{options.file_name}（{user.name} 导入）", "as_of": (options.as_of or date.today()).isoformat()}
    seen: dict[str, int] = {}
    done: dict[int, tuple[int | None, str]] = {}
    names: dict[int, str] = {}
    codes = np.full(bodies.n, None, dtype=object)
    for i, cells in enumerate(source.frame.drop(columns="geometry", errors="ignore").to_dict("records")):
        if i % PROGRESS_ROWS == 0:
            progress("rows", 0.95 * i / bodies.n, bodies.n)
        body: dict[str, Any] = {**base, "is_demo": False, "published": False, "is_local": True}
        body |= read_cells(bodies, i, cells, columns, {**_READERS, "tags": tags})
        point = points[i]
        if point is None or point.is_empty or point.geom_type != "Point":
            bodies.add(i, "location", None, "the row has no point (经度/纬度 or a Point)", "该行没有位置（经度/纬度或点）")
        else:
            body["location"] = {"type": "Point", "coordinates": [point.x, point.y]}
        codes[i] = body.get("uscc")
        duplicate(bodies, seen, i, codes[i], "uscc", columns.get("uscc"), ("USCC", "统一社会信用代码"))
        if i in bodies.problems or (data := validated_row(bodies, i, EnterpriseIn, body)) is None:
            continue
        names[i] = data.name
        _write(session, user, bodies, i, data, done)
    bodies.fields["code"] = codes
    report = report_of(source, columns, chosen, how, [], bodies, points, done, False, names, tuple(ENTERPRISE_SYNONYMS))
    finish(session, user, report, commit, "enterprises", {"file": options.file_name, "crs": chosen.code})
    return report
