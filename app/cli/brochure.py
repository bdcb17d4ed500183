"""`investmap brochure park 12 --lang en --out file.pdf`: a 招商册 printed from the command line."""

from pathlib import Path
from typing import Annotated

import typer

from app.brochures.model import Edition, LandSort, Lang, Scope


def brochure(
    scope: Annotated[Scope, typer.Argument(help="park, county, city, cluster or chain")],
    key: Annotated[str, typer.Argument(help="a park's, cluster's or chain's id, or a region's adcode")],
    out: Annotated[Path, typer.Option(help="the PDF to write")],
    lang: Annotated[Lang, typer.Option(help="zh or en")] = Lang.ZH,
    edition: Annotated[Edition, typer.Option(help="public, or internal (contacts, gap analysis, targets)")] = Edition.PUBLIC,
    sort: Annotated[LandSort, typer.Option(help="land and factories: area or price")] = LandSort.AREA,
    base_url: Annotated[str, typer.Option(help="the service's address in the QR code (default INVESTMAP_PUBLIC_URL)")] = "",
) -> None:
    """Print the brochure of a scope as PDF. Whoever runs this reaches the database, so may print
    the internal edition."""
    from sqlalchemy.orm import Session

    from app.brochures.service import TABLES, Ask, build_pdf, printer
    from app.core.auth import Principal
    from app.core.database import get_engine
    from app.core.settings import settings
    from app.core.versions import DataVersions

    engine = get_engine()
    base = (base_url or settings().server.public_url or f"http://{settings().server.host}:{settings().server.port}").rstrip("/")
    operator = Principal("cli", role="admin")
    chromium = printer()
    try:
        with Session(engine) as session:
            pdf = build_pdf(
                chromium, session, Ask(scope, key, edition, lang, sort), operator, base, DataVersions(engine).version(TABLES)
            )
    finally:
        chromium.close()
    out.write_bytes(pdf)
    typer.echo(f"{out}: {len(pdf)} bytes")
