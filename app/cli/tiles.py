"""`investmap tiles ...`: the overview tiles' precomputed grid counts (migration 0017)."""

import typer

tiles = typer.Typer(help="vector tiles: the overview grid counts", no_args_is_help=True)


@tiles.command("rebuild")
def rebuild() -> None:
    """Recount carrier_cells from the carriers (the triggers keep it current; this recomputes it
    whole, e.g. after loading carriers with the triggers disabled)."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.core.database import get_engine, relax_for_bulk_load

    with Session(get_engine()) as session, session.begin():
        relax_for_bulk_load(session)
        rows = session.execute(text("SELECT carrier_cells_rebuild()")).scalar_one()
    typer.echo(f"carrier_cells rebuilt: {rows:,} rows")
