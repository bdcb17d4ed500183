"""`investmap load ...`: reference data from geodata/ and generated demo data."""

from pathlib import Path
from typing import Annotated

import typer

from app.core.settings import PROJECT_ROOT

load = typer.Typer(help="load reference and demo data", no_args_is_help=True)


@load.command("reference")
def load_reference(
    geodata: Annotated[Path, typer.Option(help="folder with the reference files")] = PROJECT_ROOT / "geodata",
) -> None:
    """Load Jiangxi's regions, parks, clusters and cooperation parks (idempotent)."""
    from app.loaders.reference import load_all

    for line in load_all(geodata):
        typer.echo(line)


@load.command("infrastructure")
def load_infrastructure(
    geodata: Annotated[Path, typer.Option(help="folder with infrastructure.csv")] = PROJECT_ROOT / "geodata",
    osm: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="an OpenStreetMap extract (.osm or .osm.pbf) to add")
    ] = None,
    csv: Annotated[bool, typer.Option(help="load geodata/infrastructure.csv too")] = True,
) -> None:
    """Load airports, rail stations, ports, ... (idempotent); distances to parks and carriers follow."""
    from app.loaders.infrastructure import load_infrastructure as run

    for line in run(geodata if csv else None, osm):
        typer.echo(line)


@load.command("demo")
def load_demo(
    plots: Annotated[int, typer.Option(min=0, help="land plots to generate")] = 2000,
    factories: Annotated[int | None, typer.Option(min=0, help="factories (default plots/4)")] = None,
    enterprises: Annotated[
        int, typer.Option(min=0, help="local enterprises (plus a quarter as many external ones and targets for half of those)")
    ] = 600,
    projects: Annotated[int, typer.Option(min=0, help="key projects, with up to 12 months of reports each")] = 150,
    seed: Annotated[int, typer.Option(help="random seed: same seed, same data")] = 1,
) -> None:
    """Generate demo carriers, enterprises, target lists and key projects (flagged is_demo), in bulk."""
    from app.loaders.demo import load_demo_carriers
    from app.loaders.demo_enterprises import load_demo_enterprises
    from app.loaders.demo_projects import load_demo_projects

    load_demo_carriers(plots=plots, factories=plots // 4 if factories is None else factories, seed=seed)
    load_demo_enterprises(enterprises=enterprises, seed=seed)
    load_demo_projects(projects=projects, seed=seed)
