"""`investmap load demo --enterprises N`: generated enterprises and target lists, flagged is_demo.

Local enterprises sit in parks, mostly in the parks of the clusters their chain serves, inside
the park's county; about a quarter of each chain's links get none, so the gap layer has 缺 and 弱
to show. External enterprises sit in Chinese cities known for those industries; some of them are
on target lists at every stage, with the stage history a real list would have. Seeded: the same
request gives the same rows; an identical request is skipped, another one replaces the previous
demo enterprises.

Demo records can never pass for real (issue 16): every name starts with 【演示 DEMO】; every USCC
is valid (GB 32100-2015) but uses the division 999999, which no registry issues (uscc.DEMO_DIVISION);
none is tagged 链主 or with an official honour (小巨人, 单项冠军); and the local revenue of a chain
adds up to at most a tenth of the smallest real revenue figure of its clusters (DEMO_REVENUE_SHARE),
or DEMO_CHAIN_REVENUE_YI where no cluster of the chain has one.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.chains.models import ChainCluster, ChainLink
from app.clusters.models import ClusterFigure, ClusterMetric, ClusterPark
from app.core.database import copy_frame, get_engine, relax_for_bulk_load
from app.enterprises.models import Enterprise, EnterpriseTag
from app.enterprises.uscc import ALPHABET, demo_code
from app.loaders.demo import DEMO_PREFIX, DEMO_SOURCE, _scatter, _sites, begin_load, end_load
from app.parks.models import Park
from app.projects.models import Project
from app.targets.models import Target, TargetStage, TargetStageChange
from app.targets.stages import FUNNEL

GENERATOR = "演示数据生成器"
# Bumped when the rules above change, so the next `load demo` replaces rows made under the old ones.
RULES = "rules=2"
DEMO_REVENUE_SHARE = 0.1
DEMO_CHAIN_REVENUE_YI = 20.0
# Cities outside Jiangxi where these industries are strong: (name, lon, lat).
CITIES = [
    ("深圳", 114.06, 22.54),
    ("上海", 121.54, 31.22),
    ("苏州", 120.58, 31.30),
    ("合肥", 117.23, 31.82),
    ("宁波", 121.55, 29.87),
    ("厦门", 118.09, 24.48),
    ("广州", 113.36, 23.12),
    ("北京", 116.30, 39.96),
    ("长沙", 112.94, 28.23),
    ("武汉", 114.31, 30.59),
    ("杭州", 120.16, 30.27),
    ("成都", 104.07, 30.57),
    ("西安", 108.94, 34.34),
    ("包头", 109.84, 40.66),
    ("宁德", 119.55, 26.67),
    ("铜陵", 117.81, 30.94),
]
REVENUE_METRICS = (ClusterMetric.REVENUE.value, ClusterMetric.MAIN_BUSINESS_REVENUE.value)
OWNERS = ["招商一科", "招商二科", "产业链专班", "驻外招商组"]
ACTIONS = ["电话回访", "寄送招商册", "邀请来赣考察", "拜访总部", "提交投资方案", "商谈用地条件"]
DROP_REASONS = ["企业投资计划推迟", "已选址其他地区", "用地条件不符"]


@dataclass
class Links:
    ids: np.ndarray
    chain: np.ndarray
    names: list[str]


def _uscc(rng: np.random.Generator, taken: set[str]) -> str:
    """A valid demo code with a random organisation code, unused so far."""
    while True:
        code = demo_code("".join(rng.choice(list(ALPHABET), 9)))
        if code not in taken:
            taken.add(code)
            return code


def _tags(rng: np.random.Generator) -> str:
    """Only the tags that say nothing about an official list: never 链主, 小巨人 or 单项冠军."""
    tags = [t for t, p in ((EnterpriseTag.HIGH_TECH, 0.35), (EnterpriseTag.SRDI_SME, 0.12)) if rng.random() < p]
    return "{" + ",".join(t.value for t in tags) + "}"


def _revenue_caps(session: Session) -> dict[int, float]:
    """Per chain, the most its local demo enterprises' revenue may add up to."""
    smallest = (
        select(ChainCluster.chain_id, func.min(ClusterFigure.value))
        .join(ClusterFigure, ClusterFigure.cluster_id == ChainCluster.cluster_id)
        .where(ClusterFigure.metric.in_(REVENUE_METRICS))
        .group_by(ChainCluster.chain_id)
    )
    caps = {chain: float(value) * DEMO_REVENUE_SHARE for chain, value in session.execute(smallest).tuples()}
    chains = session.execute(select(ChainLink.chain_id).distinct()).scalars()
    return {chain: caps.get(chain, DEMO_CHAIN_REVENUE_YI) for chain in chains}


def _capped(revenue: np.ndarray, chain: np.ndarray, caps: dict[int, float]) -> np.ndarray:
    """`revenue` scaled down chain by chain so that no chain's total exceeds its cap, in whole
    hundredths of 亿元 of at least 0.01 each (the budget keeps room for that floor)."""
    out = revenue.copy()
    for c in np.unique(chain):
        here = chain == c
        budget = caps[int(c)] - 0.01 * here.sum()
        if out[here].sum() > budget:
            out[here] *= max(budget, 0) / out[here].sum()
    capped: np.ndarray = np.maximum(np.floor(out * 100) / 100, 0.01)
    return capped


def _links(session: Session, rng: np.random.Generator) -> tuple[Links, set[int]]:
    """Every link, and the quarter of each chain's links no local enterprise will be on."""
    rows = session.execute(select(ChainLink.id, ChainLink.chain_id, ChainLink.name).order_by(ChainLink.id)).all()
    if not rows:
        raise RuntimeError("no chains loaded: run `investmap load reference` first")
    links = Links(np.array([r.id for r in rows]), np.array([r.chain_id for r in rows]), [r.name for r in rows])
    empty = {
        int(i)
        for c in np.unique(links.chain)
        for i in rng.permutation(links.ids[links.chain == c])[: (links.chain == c).sum() // 4]
    }
    return links, empty


def _ewkb(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    wkb = shapely.to_wkb(shapely.set_srid(shapely.points(lon, lat), 4326), hex=True, include_srid=True)
    assert isinstance(wkb, np.ndarray)  # one text per point of the arrays, not a single one
    return wkb


def _frame(
    names: list[str], codes: list[str], lon: np.ndarray, lat: np.ndarray, revenue: np.ndarray, tags: list[str], **columns: object
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": names,
            "uscc": codes,
            "location": _ewkb(lon, lat),
            "tags": tags,
            "revenue_yi": revenue.round(2),
            "employees": (revenue * 60 + 20).round().astype(int),
            "year": 2024,
            **columns,
        }
    )


def _local(
    session: Session, rng: np.random.Generator, n: int, links: Links, empty: set[int], taken: set[str]
) -> tuple[pd.DataFrame, list[list[int]]]:
    sites = _sites(session)
    site_of = {int(pid): i for i, pid in enumerate(sites.ids)}
    county = dict(session.execute(select(Park.id, Park.region_adcode)).tuples().all())
    cluster_sites: dict[int, list[int]] = {}
    in_clusters = select(ChainCluster.chain_id, ClusterPark.park_id).join(
        ClusterPark, ClusterPark.cluster_id == ChainCluster.cluster_id
    )
    for chain_id, park_id in session.execute(in_clusters):
        if park_id in site_of:
            cluster_sites.setdefault(chain_id, []).append(site_of[park_id])
    usable = np.array([i for i, link in enumerate(links.ids) if int(link) not in empty])
    first = rng.choice(usable, n)
    park = np.array(
        [
            rng.choice(cluster_sites[c]) if c in cluster_sites and rng.random() < 0.7 else rng.integers(len(sites.ids))
            for c in links.chain[first]
        ]
    )
    _, lon, lat = _scatter(rng, sites, n, park)
    revenue = _capped(np.clip(rng.lognormal(np.log(1.5), 1.1, n), 0.05, 200), links.chain[first], _revenue_caps(session))
    on: list[list[int]] = []
    for link in first:
        same_chain = usable[links.chain[usable] == links.chain[link]]
        second = rng.choice(same_chain)
        on.append(sorted({int(links.ids[link]), int(links.ids[second])} if rng.random() < 0.25 else {int(links.ids[link])}))
    park_ids = sites.ids[park]
    frame = _frame(
        [
            f"{DEMO_PREFIX}{sites.short[p]}{links.names[k]}{i + 1:04d}有限公司"
            for i, (p, k) in enumerate(zip(park, first, strict=True))
        ],
        [_uscc(rng, taken) for _ in park_ids],
        lon,
        lat,
        revenue,
        [_tags(rng) for _ in park_ids],
        region_adcode=[county[int(pid)] for pid in park_ids],
        park_id=park_ids,
        is_local=True,
        published=True,
    )
    return frame, on


def _external(
    rng: np.random.Generator, n: int, links: Links, empty: set[int], taken: set[str]
) -> tuple[pd.DataFrame, list[list[int]]]:
    """Candidates for the target lists, leaning to the links Jiangxi lacks."""
    gaps = np.array([i for i, link in enumerate(links.ids) if int(link) in empty])
    link = np.where(rng.random(n) < 0.6, rng.choice(gaps, n), rng.integers(len(links.ids), size=n))
    city = rng.integers(len(CITIES), size=n)
    lon = np.array([CITIES[c][1] for c in city]) + rng.normal(0, 0.05, n)
    lat = np.array([CITIES[c][2] for c in city]) + rng.normal(0, 0.05, n)
    revenue = np.clip(rng.lognormal(np.log(20), 1.2, n), 0.5, 500)
    frame = _frame(
        [
            f"{DEMO_PREFIX}{CITIES[c][0]}{links.names[k]}{i + 1:04d}有限公司"
            for i, (c, k) in enumerate(zip(city, link, strict=True))
        ],
        [_uscc(rng, taken) for _ in city],
        lon,
        lat,
        revenue,
        [_tags(rng) for _ in city],
        region_adcode=None,
        park_id=None,
        is_local=False,
        published=False,
    )
    return frame, [[int(links.ids[k])] for k in link]


def _targets(session: Session, rng: np.random.Generator, n: int, external: list[tuple[int, int]]) -> None:
    """Targets for n of the external enterprises (id, link id), each at a stage with its history."""
    chain_of = dict(session.execute(select(ChainLink.id, ChainLink.chain_id)).tuples().all())
    cluster_of: dict[int, int] = {}
    for chain_id, cluster_id in session.execute(
        select(ChainCluster.chain_id, ChainCluster.cluster_id).order_by(ChainCluster.cluster_id)
    ):
        cluster_of.setdefault(chain_id, cluster_id)
    parks_of: dict[int, list[int]] = {}
    for cluster_id, park_id in session.execute(select(ClusterPark.cluster_id, ClusterPark.park_id).order_by(ClusterPark.park_id)):
        parks_of.setdefault(cluster_id, []).append(park_id)
    stages = [*FUNNEL, TargetStage.DROPPED]
    today = date.today()
    rows, paths = [], []
    for k in rng.permutation(len(external))[:n]:
        enterprise_id, link_id = external[k]
        cluster = cluster_of.get(chain_of[link_id])
        stage = stages[rng.choice(len(stages), p=[0.30, 0.25, 0.15, 0.12, 0.08, 0.10])]
        reached = FUNNEL[: FUNNEL.index(stage) + 1] if stage != TargetStage.DROPPED else FUNNEL[: rng.integers(1, 4)]
        paths.append([*reached, stage] if stage == TargetStage.DROPPED else list(reached))
        is_open = stage in FUNNEL[:-1]
        rows.append(
            {
                "enterprise_id": enterprise_id,
                "link_id": link_id,
                "cluster_id": cluster,
                "region_adcode": None if cluster else "360000",
                "stage": stage.value,
                "priority": ["high", "medium", "low"][rng.choice(3, p=[0.3, 0.5, 0.2])],
                "owner": OWNERS[rng.integers(len(OWNERS))],
                "intended_park_id": int(rng.choice(parks_of[cluster])) if cluster in parks_of else None,
                "next_action": ACTIONS[rng.integers(len(ACTIONS))] if is_open else None,
                "next_action_date": today + timedelta(days=int(rng.integers(-20, 40))) if is_open else None,
                "drop_reason": DROP_REASONS[rng.integers(len(DROP_REASONS))] if stage == TargetStage.DROPPED else None,
                "signed_at": datetime.now(UTC) if stage == TargetStage.SIGNED else None,
                "source": DEMO_SOURCE,
                "is_demo": True,
            }
        )
    if not rows:
        return
    ids = session.execute(insert(Target).returning(Target.id, sort_by_parameter_order=True), rows).scalars().all()
    history = [
        {
            "target_id": target_id,
            "from_stage": frm.value if frm else None,
            "to_stage": to.value,
            "changed_by": GENERATOR,
            "reason": row["drop_reason"] if to == TargetStage.DROPPED else None,
        }
        for target_id, row, path in zip(ids, rows, paths, strict=True)
        for frm, to in zip([None, *path[:-1]], path, strict=True)
    ]
    session.execute(insert(TargetStageChange), history)


def load_demo_enterprises(enterprises: int, seed: int) -> None:
    """`enterprises` local ones, a quarter as many external ones, and targets for half of those."""
    external_n, targets_n = enterprises // 4, enterprises // 8
    signature = f"local={enterprises} external={external_n} targets={targets_n} seed={seed} {RULES}"
    with Session(get_engine()) as session, session.begin():
        relax_for_bulk_load(session)
        if not begin_load(session, "demo_enterprises", signature, "enterprises"):
            return
        rng = np.random.default_rng(seed)
        # Demo projects come from demo targets (loaders/demo_projects.py): they go first.
        session.execute(delete(Project).where(Project.is_demo))
        session.execute(delete(Target).where(Target.is_demo))
        session.execute(delete(Enterprise).where(Enterprise.is_demo))
        if enterprises:
            _generate(session, rng, enterprises, external_n, targets_n, seed)
        end_load(session, "demo_enterprises", signature)
        print(f"demo enterprises loaded: {enterprises} local, {external_n} external, {targets_n} targets (seed {seed})")


def _generate(session: Session, rng: np.random.Generator, enterprises: int, external_n: int, targets_n: int, seed: int) -> None:
    links, empty = _links(session, rng)
    taken: set[str] = set(session.execute(select(Enterprise.uscc)).scalars())
    local, local_links = _local(session, rng, enterprises, links, empty, taken)
    external, external_links = _external(rng, external_n, links, empty, taken)
    frame = pd.concat([local, external], ignore_index=True)
    frame["source"] = f"{DEMO_SOURCE} (seed {seed})"
    frame["is_demo"] = True
    if len(frame):
        copy_frame(session, frame, "enterprises")
    ids = dict(session.execute(select(Enterprise.uscc, Enterprise.id).where(Enterprise.is_demo)).tuples().all())
    on = [
        (ids[code], link) for code, links_of in zip(frame["uscc"], local_links + external_links, strict=True) for link in links_of
    ]
    if on:
        copy_frame(session, pd.DataFrame(on, columns=["enterprise_id", "link_id"]), "enterprise_links")
    _targets(session, rng, targets_n, [(ids[c], lk[0]) for c, lk in zip(external["uscc"], external_links, strict=True)])
