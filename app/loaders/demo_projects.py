"""Demo key projects (flagged is_demo): every signed demo target becomes one, the rest are entered
by hand, spread over the clusters' parks, with planned and actual milestones (some late, some
suspended or terminated) and up to 12 months of schedule reports (some months missing, some
investment behind plan), so that every status of app/projects/status.py shows out of the box."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
from geoalchemy2 import WKTElement
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.chains.models import ChainCluster, ChainLink
from app.clusters.models import ClusterPark
from app.core.database import get_engine, relax_for_bulk_load
from app.enterprises.models import Enterprise
from app.loaders.demo import DEMO_SOURCE, begin_load, end_load
from app.loaders.demo_enterprises import GENERATOR, OWNERS
from app.parks.models import Park
from app.projects.models import Project, ProjectLevel, ProjectReport, ProjectStage, ProjectStageChange, ProjectType
from app.targets.models import Target, TargetStage

S = ProjectStage
MILESTONES = (("planned_start_on", "started_on", S.STARTED), ("planned_production_on", "producing_on", S.PRODUCING))
NAMES = ("年产{n}万件{what}项目", "{what}生产基地项目", "{what}扩能技改项目", "{what}研发及产业化项目")
WHATS = ("稀土永磁电机", "锂电池正极材料", "铜箔", "光伏组件", "航空零部件", "电子元器件", "智能家具", "硬质合金刀具")
LEADERS = ("分管副市长", "分管副县长", "开发区主任")


def _month_starts(first: date, last: date) -> list[date]:
    months, m = [], first.replace(day=1)
    while m <= last:
        months.append(m)
        m = (m.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def _project(
    rng: np.random.Generator, today: date, sites: Sequence[Any], investors: list[int], links: dict[int, list[int]]
) -> dict[str, Any]:
    cluster_id, park_id, county, wkt = sites[int(rng.integers(len(sites)))]
    signed = today - timedelta(days=int(rng.integers(20, 720)))
    start = signed + timedelta(days=int(rng.integers(45, 150)))
    production = start + timedelta(days=int(rng.integers(180, 540)))
    what = WHATS[rng.integers(len(WHATS))]
    return {
        "name": NAMES[rng.integers(len(NAMES))].format(n=int(rng.integers(5, 500)), what=what),
        "enterprise_id": investors[rng.integers(len(investors))],
        "cluster_id": cluster_id,
        "link_id": int(rng.choice(links[cluster_id])) if links.get(cluster_id) else None,
        "park_id": park_id,
        "region_adcode": county,
        "location": WKTElement(wkt, srid=4326),
        "project_type": [t.value for t in ProjectType][rng.choice(3, p=[0.6, 0.25, 0.15])],
        "level": [lv.value for lv in ProjectLevel][rng.choice(3, p=[0.2, 0.35, 0.45])],
        "investment_wan": round(float(np.exp(rng.normal(10.3, 0.8))), 2),  # ~30,000 万元, from a few thousand to 20 亿
        "signed_on": signed,
        "planned_start_on": start,
        "planned_production_on": production,
        "planned_full_on": production + timedelta(days=int(rng.integers(180, 365))),
        "officer": OWNERS[rng.integers(len(OWNERS))],
        "leader": LEADERS[rng.integers(len(LEADERS))],
        "stage": S.SIGNED.value,
        "source": DEMO_SOURCE,
        "is_demo": True,
    }


def _progress(rng: np.random.Generator, row: dict[str, Any], today: date) -> list[tuple[S, date]]:
    """Reach each milestone some days after (or before) its plan, while that day is past; a few
    projects stop (停缓建) or end (终止). Returns the moves after signing."""
    moves: list[tuple[S, date]] = []
    for planned, actual, stage in MILESTONES:
        when = row[planned] + timedelta(days=int(rng.normal(20, 45)))
        when = max(when, row["signed_on"])
        if when > today:
            break
        row[actual], row["stage"] = when, stage.value
        moves.append((stage, when))
    draw = rng.random()
    stop = row["signed_on"] + timedelta(days=int(rng.integers(30, 200)))
    if draw < 0.05 and stop < today:
        stage = S.SUSPENDED if draw < 0.035 else S.TERMINATED
        moves = [m for m in moves if m[1] < stop]
        for _, actual, st in MILESTONES:
            if all(st != m[0] for m in moves):
                row[actual] = None
        row["stage"] = stage.value
        moves.append((stage, stop))
    return moves


def _reports(rng: np.random.Generator, project_id: int, row: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """Monthly reports from the signing month to last month (12 at most), cumulative investment on
    a path the project keeps up with more or less; a tenth of the projects skip last month."""
    last = today.replace(day=1) - timedelta(days=1)
    months = _month_starts(row["signed_on"], last)[-12:]
    if rng.random() < 0.1:
        months = months[:-1]
    pace = float(rng.uniform(0.5, 1.2))
    span = max((row["planned_production_on"] - row["signed_on"]).days, 1)
    reports, total = [], 0.0
    for month in months:
        share = min(1.0, max(0.0, ((month + timedelta(days=31)).replace(day=1) - row["signed_on"]).days / span))
        target = round(min(row["investment_wan"], row["investment_wan"] * share * pace), 2)
        this_month = round(max(0.0, target - total), 2)
        total = round(total + this_month, 2)
        reports.append(
            {
                "project_id": project_id,
                "month": month,
                "investment_month_wan": this_month,
                "investment_total_wan": total,
                "funds_arrived_wan": round(total * float(rng.uniform(0.8, 1.1)), 2),
                "progress_pct": int(100 * min(1.0, share * pace)),
                "progress": "主体施工中" if share < 1 else "设备安装调试",
                "problems": "用地指标待协调" if rng.random() < 0.15 else None,
                "filed_by": GENERATOR,
            }
        )
    return reports


def load_demo_projects(projects: int, seed: int) -> None:
    """`projects` demo key projects, the signed demo targets' among them, each with its reports."""
    signature = f"projects={projects} seed={seed}"
    with Session(get_engine()) as session, session.begin():
        relax_for_bulk_load(session)
        if not begin_load(session, "demo_projects", signature, "projects"):
            return
        rng = np.random.default_rng(seed)
        today = date.today()
        session.execute(delete(Project).where(Project.is_demo))
        sites = session.execute(
            select(ClusterPark.cluster_id, Park.id, Park.region_adcode, func.ST_AsText(Park.location))
            .join(Park, Park.id == ClusterPark.park_id)
            .order_by(ClusterPark.cluster_id, Park.id)
        ).all()
        links: dict[int, list[int]] = {}
        for cluster_id, link_id in session.execute(
            select(ChainCluster.cluster_id, ChainLink.id).join(ChainLink, ChainLink.chain_id == ChainCluster.chain_id)
        ):
            links.setdefault(cluster_id, []).append(link_id)
        investors = list(session.execute(select(Enterprise.id).where(Enterprise.is_demo, ~Enterprise.is_local)).scalars())
        signed = session.execute(
            select(Target.id, Target.enterprise_id, Target.link_id, func.date(Target.signed_at)).where(
                Target.is_demo, Target.stage == TargetStage.SIGNED.value
            )
        ).all()
        if not sites or not investors:
            print("demo projects: no cluster parks or demo enterprises to build them on")
            return
        rows = [_project(rng, today, sites, investors, links) for _ in range(projects)]
        for row, (target_id, enterprise_id, link_id, signed_on) in zip(rows, signed, strict=False):
            row.update(target_id=target_id, enterprise_id=enterprise_id, link_id=link_id, signed_on=signed_on)
            row["planned_start_on"] = max(row["planned_start_on"], signed_on)
            row["planned_production_on"] = max(row["planned_production_on"], row["planned_start_on"])
            row["planned_full_on"] = max(row["planned_full_on"], row["planned_production_on"])
        moves = [_progress(rng, row, today) for row in rows]
        ids = session.execute(insert(Project).returning(Project.id, sort_by_parameter_order=True), rows).scalars().all()
        history = []
        for project_id, row, steps in zip(ids, rows, moves, strict=True):
            frm = None
            for stage, when in [(S.SIGNED, row["signed_on"]), *steps]:
                history.append(
                    {
                        "project_id": project_id,
                        "from_stage": frm,
                        "to_stage": stage.value,
                        "happened_on": when,
                        "changed_by": GENERATOR,
                    }
                )
                frm = stage.value
        session.execute(insert(ProjectStageChange), history)
        reports = [r for project_id, row in zip(ids, rows, strict=True) for r in _reports(rng, project_id, row, today)]
        if reports:
            session.execute(insert(ProjectReport), reports)
        end_load(session, "demo_projects", signature)
        print(f"demo projects loaded: {projects} ({min(len(signed), projects)} signed from targets), {len(reports)} reports")
