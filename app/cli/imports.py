"""`investmap import ...`: the file imports of the page and the REST API, from the command line."""

import getpass
import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

imports = typer.Typer(help="import GIS files and spreadsheets (dry run unless --commit)", no_args_is_help=True)


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"{pair!r}: write column=field, e.g. 地块号=code (column= ignores it)")
        mapping[column] = field
    return mapping


def _print(report: dict[str, Any]) -> None:
    crs = report["crs"]
    typer.echo(f"{report['format']}, encoding {report['encoding'] or 'as the format says'}, {crs['name']} ({crs['how']})")
    typer.echo(f"columns: {json.dumps(report['mapping'], ensure_ascii=False)}")
    for note in report["notes"]:
        typer.echo(f"note: {note['problem']} / {note['problem_zh']}")
    for row in report["rows"]:
        for p in row["problems"]:
            where = f" at {p['location']}" if p.get("location") else ""
            typer.echo(f"row {p['row']} {p['field']}: {p['problem']}{where} / {p['problem_zh']}")
    counts = report["counts"]
    typer.echo(
        f"{counts['rows']} rows: {counts['create']} new, {counts['update']} changed, {counts['unchanged']} unchanged, "
        f"{counts['error']} with problems; {'imported' if report['committed'] else 'nothing written'}"
    )


_FILE = typer.Argument(exists=True, dir_okay=False, help="GeoJSON, GeoPackage, Shapefile (.shp or .zip), KML/KMZ, DXF, CSV, XLSX")
_CRS_HELP = "wgs84, cgcs2000, gk38, gk39, gk114, gk117, webmercator, gcj02, bd09"


@imports.command("carriers")
def import_carriers(
    file: Annotated[Path, _FILE],
    park: Annotated[int, typer.Option(help="the park the carriers belong to")],
    commit: Annotated[bool, typer.Option(help="write (default: a dry run that writes nothing)")] = False,
    crs: Annotated[str | None, typer.Option(help=_CRS_HELP)] = None,
    encoding: Annotated[str | None, typer.Option(help="UTF-8 or GBK (default: detected)")] = None,
    map_: Annotated[list[str] | None, typer.Option("--map", help="column=field, repeatable")] = None,
    as_of: Annotated[str | None, typer.Option(help="date the file describes, YYYY-MM-DD (default today)")] = None,
) -> None:
    """Import land plots, factories and offices into a park: the same checks and report as the page."""
    from app.exchange.carriers import run_import

    _run(run_import, file, park, commit, crs, encoding, map_, as_of)


@imports.command("enterprises")
def import_enterprises(
    file: Annotated[Path, _FILE],
    commit: Annotated[bool, typer.Option(help="write (default: a dry run that writes nothing)")] = False,
    crs: Annotated[str | None, typer.Option(help=f"{_CRS_HELP} (default: the file's, else wgs84)")] = None,
    encoding: Annotated[str | None, typer.Option(help="UTF-8 or GBK (default: detected)")] = None,
    map_: Annotated[list[str] | None, typer.Option("--map", help="column=field, repeatable")] = None,
    as_of: Annotated[str | None, typer.Option(help="date the file describes, YYYY-MM-DD (default today)")] = None,
) -> None:
    """Import enterprises (企业名录) keyed by their USCC: the same checks and report as the API."""
    from app.exchange.enterprises import run_enterprise_import

    _run(run_enterprise_import, file, 0, commit, crs, encoding, map_, as_of)


@imports.command("parks")
def import_parks(
    file: Annotated[Path, _FILE],
    park: Annotated[int, typer.Option(help="the park of rows naming none, e.g. a boundary file (0: none)")] = 0,
    commit: Annotated[bool, typer.Option(help="write (default: a dry run that writes nothing)")] = False,
    crs: Annotated[
        str | None, typer.Option(help=f"{_CRS_HELP} (default: the file's, else proposed for --park, else wgs84)")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="UTF-8 or GBK (default: detected)")] = None,
    map_: Annotated[list[str] | None, typer.Option("--map", help="column=field, repeatable")] = None,
    as_of: Annotated[str | None, typer.Option(help="date the file describes, YYYY-MM-DD (default today)")] = None,
) -> None:
    """Import park records (园区名录) and boundaries, matched by id or name: the same checks and report as the API."""
    from app.exchange.parks import run_park_import

    _run(run_park_import, file, park, commit, crs, encoding, map_, as_of)


def _progress() -> Any:
    """The run's steps on stderr as it goes: percentage and rows per second."""
    import time

    started = time.monotonic()

    def progress(step: str, share: float, rows: int) -> None:
        speed = share * rows / max(time.monotonic() - started, 1e-3)
        typer.echo(f"{step}: {share:.0%}, {speed:,.0f} rows/s", err=True)

    return progress


def _run(
    run: Any,
    file: Path,
    park: int,
    commit: bool,
    crs: str | None,
    encoding: str | None,
    map_: list[str] | None,
    as_of: str | None,
) -> None:
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.core.auth import Principal
    from app.core.database import get_engine
    from app.core.errors import AppError
    from app.exchange.carriers import ImportOptions
    from app.exchange.records import ImportRefused

    user = Principal(f"cli:{getpass.getuser()}", role="admin")
    options = ImportOptions(
        park_id=park,
        file_name=file.name,
        crs=crs,
        encoding=encoding,
        mapping=_mapping(map_ or []),
        as_of=date.fromisoformat(as_of) if as_of else None,
    )
    with Session(get_engine()) as session, tempfile.TemporaryDirectory(prefix="investmap-import-") as folder:
        session.execute(text("SELECT set_config('investmap.actor', :actor, true)"), {"actor": user.name})
        try:
            report = run(session, user, file.resolve(), Path(folder), options, commit, _progress())
        except ImportRefused as refused:
            _print(refused.report)
            raise typer.Exit(1) from None
        except AppError as err:
            typer.echo(f"{err.message} / {err.message_zh}", err=True)
            for p in err.details:
                typer.echo(f"{p.field}: {p.problem} / {p.problem_zh}", err=True)
            raise typer.Exit(2) from None
        session.commit()
    _print(report)
