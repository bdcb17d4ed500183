"""`investmap`: the command line the Makefile drives. Nothing is done by hand."""

import os
import tempfile
from typing import Annotated

import typer

from app.cli.accounts import keys, users
from app.cli.brochure import brochure
from app.cli.db import db
from app.cli.imports import imports
from app.cli.inquiries import inquiries
from app.cli.load import load
from app.cli.tiles import tiles
from app.core.settings import settings

app = typer.Typer(help="InvestMap 招商一张图", no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(db, name="db")
app.add_typer(load, name="load")
app.add_typer(users, name="users")
app.add_typer(keys, name="keys")
app.command("brochure")(brochure)
app.add_typer(inquiries, name="inquiries")
app.add_typer(tiles, name="tiles")
app.add_typer(imports, name="import")


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="bind address (HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (PORT)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="worker processes (default: the CPU count)")] = None,
) -> None:
    """Serve the API and the map."""
    import uvicorn

    workers = workers or os.cpu_count() or 1
    if workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # The workers' metrics in files one scrape of any worker sums (app/core/metrics.py): a
        # fresh folder per start, as counters of a previous run must not carry over.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="investmap-metrics-")
    server = settings().server
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or server.host,
        port=port or server.port,
        workers=workers,
        proxy_headers=True,
    )
