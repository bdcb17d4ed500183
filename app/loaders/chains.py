"""Reference chains from geodata/chains.json: each chain with its link tree, clusters and sources.

Validated by the API's models and written by the chains service; chains are matched by name and
links by (chain, name), so a second load changes nothing. A link dropped from the file is deleted
unless enterprises, gaps or targets still use it, which stops the load with the link's name.
"""

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.chains import service
from app.chains.models import Chain, ChainLink
from app.chains.schemas import ChainIn, LinkIn
from app.clusters.models import Cluster
from app.core.errors import AppError
from app.loaders.validation import LoadError, validated

COMPILED_BY = "InvestMap 据公开资料整理，见 geodata/CHAINS.md"


def _cite(sources: dict[str, dict[str, str]], refs: list[str], where: str) -> str:
    if unknown := [r for r in refs if r not in sources]:
        raise LoadError(f"{where}: refs: unknown sources {unknown}")
    return "; ".join(f"[{r}] {sources[r]['title']} {sources[r]['url']}" for r in refs)


def _save_links(
    session: Session,
    chain_id: int,
    links: list[dict[str, Any]],
    parent_id: int | None,
    sources: dict[str, dict[str, str]],
    where: str,
    kept: set[int],
) -> None:
    for order, raw in enumerate(links):
        here = f"{where} > {raw.get('name')}"
        data = validated(
            LinkIn,
            {
                "name": raw.get("name"),
                "parent_id": parent_id,
                "position": raw.get("position"),
                "order": order,
                "industry_codes": raw.get("industry_codes", []),
                "industry_classes": raw.get("industry_classes", {}),
                "keywords": raw.get("keywords", []),
                "description": raw.get("description"),
                "source": _cite(sources, raw.get("refs", []), here),
            },
            here,
        )
        existing = session.execute(
            select(ChainLink).where(ChainLink.chain_id == chain_id, ChainLink.name == data.name)
        ).scalar_one_or_none()
        try:
            link_id = service.save_link(session, chain_id, data, existing)
        except AppError as exc:
            raise LoadError(f"{here}: {exc.message}") from None
        kept.add(link_id)
        _save_links(session, chain_id, raw.get("children", []), link_id, sources, here, kept)


def _drop_missing(session: Session, chain_id: int, kept: set[int], where: str) -> None:
    stale = (
        session.execute(
            select(ChainLink).where(ChainLink.chain_id == chain_id, ChainLink.id.not_in(kept)).order_by(ChainLink.depth.desc())
        )
        .scalars()
        .all()
    )
    for link in stale:
        try:
            service.remove_link(session, link)
        except AppError as exc:
            raise LoadError(f"{where}: link {link.name!r} is no longer in the file but {exc.message}") from None


def load_chains(session: Session, path: Path) -> tuple[int, int]:
    """(chains, links) loaded."""
    document = json.loads(path.read_text(encoding="utf-8"))
    cluster_ids = dict(session.execute(select(Cluster.name, Cluster.id)).tuples().all())
    links = 0
    for n, raw in enumerate(document["chains"], start=1):
        where = f"{path.name} chain {n} ({raw.get('name')})"
        sources = {s["id"]: s for s in raw.get("sources", [])}
        # `list_clusters` names clusters as the official lists do (cluster_lists.csv).
        listed = raw.get("list_clusters", [])
        if unknown := [c for c in listed if c not in cluster_ids]:
            raise LoadError(f"{where}: list_clusters: unknown cluster {unknown}")
        cited = "; ".join(f"[{k}] {s['title']} {s['url']}" for k, s in sources.items())
        data = validated(
            ChainIn,
            {
                "name": raw.get("name"),
                "description": raw.get("description"),
                "cluster_ids": [cluster_ids[c] for c in listed],
                "source": f"{COMPILED_BY}: {cited}",
                "as_of": raw.get("as_of"),
                "published": True,
            },
            where,
        )
        existing = session.execute(select(Chain).where(Chain.name == data.name)).scalar_one_or_none()
        chain_id = service.save(session, data, existing)
        kept: set[int] = set()
        _save_links(session, chain_id, raw.get("links", []), None, sources, where, kept)
        _drop_missing(session, chain_id, kept, where)
        links += len(kept)
    return len(document["chains"]), links
