"""The demo key projects: every signed demo target has its project, every schedule status shows,
reports follow the rules the API enforces; all of it flagged demo and removed by a reload."""

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from app.core.settings import using
from app.loaders.demo_projects import load_demo_projects


@pytest.fixture(scope="module")
def demo_projects(engine, settings) -> Iterator[None]:
    with using(settings):  # a module's fixture runs before the suite's settings are put in effect per test
        load_demo_projects(projects=150, seed=3)
    yield
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM projects WHERE is_demo"))
        conn.execute(text("DELETE FROM load_runs WHERE name = 'demo_projects'"))


def test_the_demo_projects(client, admin, engine, demo_projects) -> None:
    items = client.get("/api/v1/projects", params={"is_demo": "true", "limit": 1000}, headers=admin).json()["items"]
    assert len(items) == 150
    assert {"green", "amber", "red"} <= set(Counter(p["status"] for p in items))
    assert {"signed", "started", "producing"} <= {p["stage"] for p in items}
    with engine.connect() as conn:
        signed = set(conn.execute(text("SELECT id FROM targets WHERE is_demo AND stage = 'signed'")).scalars())
        reports = conn.execute(
            text(
                "SELECT count(*), count(DISTINCT project_id), max(n) FROM (SELECT project_id, "
                "count(*) OVER (PARTITION BY project_id) n, investment_total_wan, "
                "lag(investment_total_wan) OVER (PARTITION BY project_id ORDER BY month) prev FROM project_reports "
                "JOIN projects p ON p.id = project_id WHERE p.is_demo) r WHERE prev IS NULL OR investment_total_wan >= prev"
            )
        ).one()
        total = conn.execute(
            text("SELECT count(*) FROM project_reports JOIN projects p ON p.id = project_id WHERE p.is_demo")
        ).scalar_one()
    assert signed and signed <= {p["target_id"] for p in items}
    assert reports[0] == total > 500 and reports[2] <= 12  # the cumulative never falls; 12 months at most
    # Loaded again with the same seed: nothing to do; the enterprises' reload takes the projects along.
    load_demo_projects(projects=150, seed=3)
    assert len(client.get("/api/v1/projects", params={"is_demo": "true", "limit": 1000}, headers=admin).json()["items"]) == 150
