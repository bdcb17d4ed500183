"""Writes of chains and their links, each in the request's one transaction."""

from typing import Any

from fastapi import Request
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from app.chains.areas import province_scope
from app.chains.models import Chain, ChainCluster, ChainGap, ChainLink
from app.chains.queries import LINK_OUTPUT
from app.chains.schemas import ChainIn, LinkIn
from app.clusters.models import Cluster
from app.clusters.queries import linked_clusters
from app.core.crud import assign, get_or_404
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.links import Linked, Stored, changed
from app.core.listing import record_json
from app.enterprises.models import EnterpriseLink
from app.targets.models import Target

_SCALARS = ("name", "description", "source", "as_of", "is_demo", "published")


def save(session: Session, data: ChainIn, chain: Chain | None = None) -> int:
    known = set(session.execute(select(Cluster.id).where(Cluster.id.in_(data.cluster_ids))).scalars())
    if missing := sorted(set(data.cluster_ids) - known):
        raise InvalidInput.one("cluster_ids", f"unknown cluster ids {missing}", f"未知的产业集群 id {missing}")
    chain = assign(session, chain or Chain(), data, _SCALARS)
    session.flush()
    session.execute(delete(ChainCluster).where(ChainCluster.chain_id == chain.id))
    if data.cluster_ids:
        session.execute(insert(ChainCluster), [{"chain_id": chain.id, "cluster_id": c} for c in set(data.cluster_ids)])
    session.flush()
    return chain.id


WHAT = ("chain", "产业链")


def links(session: Session, before: Stored | None, after: Stored) -> list[Linked]:
    """A chain given to or taken from a cluster changes the cluster's chains."""
    return linked_clusters(session, changed(before, after, "cluster_ids"), "cluster_ids")


def scope_of(session: Session, fields: dict[str, Any]) -> tuple[set[str], int | None]:
    """A chain is the province's: writing it, or its links, needs the whole province in scope."""
    return province_scope(session)


def _uses(session: Session, link_ids: Any) -> dict[str, int]:
    """How many enterprises, recorded gaps and targets refer to these links."""
    counts = {
        "enterprises": select(func.count()).where(EnterpriseLink.link_id.in_(link_ids)),
        "gaps": select(func.count()).where(ChainGap.link_id.in_(link_ids)),
        "targets": select(func.count()).where(Target.link_id.in_(link_ids)),
    }
    return {k: n for k, q in counts.items() if (n := session.execute(q).scalar_one())}


def _refuse_if_used(session: Session, link_ids: Any, what: str, what_zh: str) -> None:
    if uses := _uses(session, link_ids):
        listed = ", ".join(f"{n} {k}" for k, n in uses.items())
        zh = {"enterprises": "家企业", "gaps": "条短板记录", "targets": "个招商目标"}
        listed_zh = "、".join(f"{n} {zh[k]}" for k, n in uses.items())
        raise Conflict(
            f"{what} is still referred to by {listed}: reassign or delete them first",
            f"{what_zh}仍被 {listed_zh} 引用：请先调整或删除",
        )


def before_delete(session: Session, chain: Chain, request: Request) -> None:
    _refuse_if_used(
        session, select(ChainLink.id).where(ChainLink.chain_id == chain.id), f"chain {chain.id}", f"产业链 {chain.id} 的环节"
    )


# Recomputes the derived tree columns of one chain from the parent pointers (see ChainLink).
_REINDEX = text("""
WITH RECURSIVE tree AS (
    SELECT id, 0 AS depth, position,
           ARRAY[array_position(ARRAY['upstream', 'midstream', 'downstream'], position), ord, id] AS sort_key,
           ARRAY[id] AS lineage
    FROM chain_links WHERE chain_id = :chain_id AND parent_id IS NULL
  UNION ALL
    SELECT l.id, t.depth + 1, t.position, t.sort_key || ARRAY[l.ord, l.id], t.lineage || l.id
    FROM chain_links l JOIN tree t ON l.parent_id = t.id
)
UPDATE chain_links l
SET depth = t.depth, position = t.position, sort_key = t.sort_key, lineage = t.lineage
FROM tree t
-- Only rows that change: an untouched link keeps its row_version, so its ETag stays valid.
WHERE l.id = t.id AND (l.depth, l.position, l.sort_key, l.lineage) IS DISTINCT FROM (t.depth, t.position, t.sort_key, t.lineage)
""")


def reindex(session: Session, chain_id: int) -> None:
    session.flush()
    session.execute(_REINDEX, {"chain_id": chain_id})


def _link_of(session: Session, chain_id: int, link_id: int, lock: bool = False) -> ChainLink:
    link = session.get(ChainLink, link_id, with_for_update=lock)
    if link is None or link.chain_id != chain_id:
        raise NotFound("link", "环节", f"{link_id} of chain {chain_id}")
    return link


def _position(session: Session, chain_id: int, data: LinkIn, link: ChainLink | None) -> str:
    """The position the link takes: its own at the top, its parent's below; refuses bad parents."""
    if data.parent_id is None:
        if data.position is None:
            raise InvalidInput.one(
                "position",
                "a top-level link needs its position (upstream, midstream or downstream)",
                "顶层环节必须填写所处位置（上游、中游或下游）",
            )
        return data.position
    parent = session.get(ChainLink, data.parent_id)
    if parent is None or parent.chain_id != chain_id:
        raise InvalidInput.one(
            "parent_id",
            f"link {data.parent_id} is not a link of chain {chain_id}",
            f"环节 {data.parent_id} 不属于产业链 {chain_id}",
        )
    if link is not None and link.id in parent.lineage:
        raise InvalidInput.one(
            "parent_id",
            f"link {data.parent_id} lies below link {link.id}: that would make a loop",
            f"环节 {data.parent_id} 是环节 {link.id} 的下级，不能作为其上级（会形成循环）",
        )
    if data.position is not None and data.position != parent.position:
        raise InvalidInput.one(
            "position",
            f"a child link sits in its parent's position ({parent.position}): send that or leave position out",
            f"下级环节与上级环节位置相同（{parent.position}）：请填写该位置或不填",
        )
    return parent.position


def save_link(session: Session, chain_id: int, data: LinkIn, link: ChainLink | None = None) -> int:
    get_or_404(session, Chain, chain_id, WHAT)
    position = _position(session, chain_id, data, link)
    if link is None:
        link = ChainLink(chain_id=chain_id)
        session.add(link)
    link.name, link.parent_id, link.ord, link.position = data.name, data.parent_id, data.order, position
    link.industry_codes, link.keywords = data.industry_codes, data.keywords
    link.industry_classes = data.industry_classes
    link.description, link.source = data.description, data.source
    reindex(session, chain_id)
    return link.id


def current_link(session: Session, chain_id: int, link_id: int) -> tuple[ChainLink, dict[str, Any]]:
    """The link locked for update, and its fields as the API writes them."""
    link = _link_of(session, chain_id, link_id, lock=True)
    fields = record_json(session, LINK_OUTPUT, select(ChainLink).where(ChainLink.id == link_id))
    assert fields is not None  # locked above
    if link.parent_id is not None:
        # Derived from the parent: a patch that moves the link must not carry the old position along.
        fields.pop("position")
    return link, fields


def remove_link(session: Session, link: ChainLink) -> None:
    link_id = link.id
    children = session.execute(select(func.count()).where(ChainLink.parent_id == link_id)).scalar_one()
    if children:
        raise Conflict(
            f"link {link_id} has {children} child links: delete or move them first",
            f"环节 {link_id} 还有 {children} 个下级环节：请先删除或移动",
        )
    _refuse_if_used(session, [link_id], f"link {link_id}", f"环节 {link_id}")
    session.delete(link)
    session.flush()
