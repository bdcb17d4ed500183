"""签约: a target signs and its project is born, in one transaction; an admin may undo a signing
for INVESTMAP_PROJECT_UNDO_SIGNING_HOURS (the audit trail keeps both the signing and its undoing)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.chains.models import ChainCluster, ChainLink
from app.clusters.models import ClusterPark
from app.core.errors import Conflict
from app.core.settings import settings
from app.projects import service
from app.projects.models import Project, ProjectReport
from app.projects.schemas import ProjectIn, SigningIn
from app.targets import service as targets
from app.targets.models import Target, TargetStage


def _cluster(session: Session, target: Target, park_id: int | None) -> int | None:
    """The target's cluster; else the cluster that holds the park and serves the link's chain."""
    if target.cluster_id is not None or park_id is None:
        return target.cluster_id
    return session.execute(
        select(ClusterPark.cluster_id)
        .join(ChainCluster, ChainCluster.cluster_id == ClusterPark.cluster_id)
        .join(ChainLink, ChainLink.chain_id == ChainCluster.chain_id)
        .where(ClusterPark.park_id == park_id, ChainLink.id == target.link_id)
        .order_by(ClusterPark.cluster_id)
        .limit(1)
    ).scalar_one_or_none()


def sign(session: Session, target: Target, data: SigningIn) -> int:
    """Sign the target (locked by the caller) and create its project; returns the project's id."""
    targets.sign(session, target, data.confirm_skip, data.reason)
    park_id = data.park_id if data.park_id is not None else target.intended_park_id
    fields = data.model_dump(exclude={"confirm_skip", "reason"})
    fields.update(
        location=data.location,  # validated already: kept as the geometry, not its dump
        park_id=park_id,
        cluster_id=data.cluster_id if data.cluster_id is not None else _cluster(session, target, park_id),
        enterprise_id=target.enterprise_id,
        link_id=target.link_id,
        region_adcode=None if park_id is not None else service.county_of(session, target.region_adcode or ""),
        officer=data.officer or target.owner,
        source=f"签约自招商目标 {target.id} / signed from target {target.id}",
        as_of=data.signed_on,
        is_demo=target.is_demo,
        published=False,
    )
    # Fields validated by SigningIn or read from stored records: nothing left to parse.
    return service.save(session, ProjectIn.model_construct(**fields), target_id=target.id)


def undo(session: Session, target: Target, reason: str, now: datetime) -> None:
    """Take the signing back: the project goes, the target returns to the stage it was signed from."""
    if target.stage != TargetStage.SIGNED.value or target.signed_at is None:
        raise Conflict(f"target {target.id} is not signed", f"目标 {target.id} 尚未签约")
    hours = settings().projects.undo_signing_hours
    if now - target.signed_at > timedelta(hours=hours):
        at = f"{target.signed_at.astimezone(UTC):%Y-%m-%d %H:%M}"
        raise Conflict(
            f"target {target.id} was signed at {at} UTC: a signing can be undone within {hours:g} hours",
            f"目标 {target.id} 于 {at}（UTC）签约，签约只能在 {hours:g} 小时内撤销",
        )
    project = session.execute(select(Project).where(Project.target_id == target.id).with_for_update()).scalar_one_or_none()
    if project is not None:
        if session.execute(select(ProjectReport.id).where(ProjectReport.project_id == project.id).limit(1)).first():
            raise Conflict(
                f"project {project.id} already has monthly reports: the signing stands",
                f"项目 {project.id} 已有月度调度报告，不能撤销签约",
            )
        session.delete(project)
        session.flush()
    targets.unsign(session, target, f"撤销签约 / signing undone: {reason}")


def utc_now() -> datetime:
    return datetime.now(UTC)
