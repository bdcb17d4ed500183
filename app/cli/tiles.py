"""`investmap tiles ...`: the overview tiles' precomputed grid counts (migration 0015)."""

import typer

tiles = typer.Typer(help="vector tiles: the overview grid counts", no_args_is_help=True)


@tiles.command("rebuild")
def rebuild() -> None:
    """Recount carrier_cells from the carriers (the triggers keep it current, and bulk loads
    recount it; this recomputes it whole, e.g. after carriers were loaded by hand in bulk mode)."""
    from sqlalchemy.orm import Session

    from app.carriers.cells import rebuild_cells
    from app.core.database import get_engine, relax_for_bulk_load

    with Session(get_engine()) as session, session.begin():
        relax_for_bulk_load(session)
        rows = rebuild_cells(session)
    typer.echo(f"carrier_cells rebuilt: {rows:,} rows")
