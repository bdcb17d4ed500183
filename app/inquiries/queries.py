"""Reads of inquiries, each one statement building its JSON in PostgreSQL: the inbox (no contact
details), one inquiry with its contact details and history, the badge counts, and the visitor's
own status by the private token. Who sees what is `visible`."""

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, select, true
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session, aliased

from app.accounts.models import User
from app.carriers.models import Carrier
from app.core.auth import Principal
from app.core.listing import EMPTY_JSON_ARRAY, json_object
from app.core.settings import settings
from app.inquiries.models import Inquiry, InquiryEvent, InquiryRecipient, InquiryStatus
from app.inquiries.schemas import InboxQuery
from app.parks.models import Park
from app.regions.models import Region

Assignee = aliased(User)
WAITING = (InquiryStatus.NEW.value, InquiryStatus.ASSIGNED.value)


def visible(user: Principal) -> ColumnElement[bool]:
    """Leaders and admins see every inquiry; an officer those routed or assigned to them; nobody else any."""
    if user.role in ("leader", "admin"):
        return true()
    if user.role == "officer" and user.user_id is not None:
        return exists().where(InquiryRecipient.inquiry_id == Inquiry.id, InquiryRecipient.user_id == user.user_id)
    return false()


def due_at() -> ColumnElement[Any]:
    return Inquiry.created_at + timedelta(hours=settings().inquiries.first_response_hours)


def overdue() -> ColumnElement[bool]:
    """Not contacted within the first-response time (settings.inquiries.first_response_hours)."""
    return and_(Inquiry.status.in_(WAITING), due_at() < func.now())


def _unread(user: Principal) -> ColumnElement[bool]:
    """Routed to `user` and not opened by them yet."""
    return exists().where(
        InquiryRecipient.inquiry_id == Inquiry.id, InquiryRecipient.user_id == user.user_id, InquiryRecipient.seen_at.is_(None)
    )


def _summary(user: Principal) -> dict[str, Any]:
    return {
        "id": Inquiry.id,
        "reference": Inquiry.reference,
        "status": Inquiry.status,
        "created_at": Inquiry.created_at,
        "status_changed_at": Inquiry.status_changed_at,
        "due_at": due_at(),
        "overdue": overdue(),
        "unread": _unread(user),
        "company": Inquiry.company,
        "industry": Inquiry.industry,
        "investment_wan": Inquiry.investment_wan,
        "area_mu": Inquiry.area_mu,
        "timeline": Inquiry.timeline,
        "submissions": Inquiry.submissions,
        "park_id": Inquiry.park_id,
        "park_name": Park.name,
        "carrier_id": Inquiry.carrier_id,
        "carrier_name": Carrier.name,
        "region_adcode": Inquiry.region_adcode,
        "region_name": Region.name,
        "assignee_id": Inquiry.assignee_id,
        "assignee_name": Assignee.display_name,
        "target_id": Inquiry.target_id,
    }


def _joined(stmt: Select[Any]) -> Select[Any]:
    return (
        stmt.select_from(Inquiry)
        .outerjoin(Park, Park.id == Inquiry.park_id)
        .outerjoin(Carrier, Carrier.id == Inquiry.carrier_id)
        .join(Region, Region.adcode == Inquiry.region_adcode)
        .outerjoin(Assignee, Assignee.id == Inquiry.assignee_id)
    )


def inbox(session: Session, user: Principal, q: InboxQuery) -> dict[str, Any]:
    """The inbox page (newest first) and the number of matching inquiries."""
    conditions = [visible(user)]
    if q.status is not None:
        conditions.append(Inquiry.status == q.status.value)
    if q.overdue is not None:
        conditions.append(overdue() if q.overdue else ~overdue())
    rows = _joined(select(json_object(_summary(user)).label("item"), func.count().over().label("total"))).where(*conditions)
    page = rows.order_by(Inquiry.created_at.desc(), Inquiry.id.desc()).limit(q.limit).offset(q.offset).subquery()
    items = func.coalesce(func.json_agg(page.c.item), EMPTY_JSON_ARRAY)
    found = session.execute(select(items, func.max(page.c.total))).one()
    return {"items": found[0], "total": found[1] or 0, "limit": q.limit, "offset": q.offset}


def _history() -> ColumnElement[Any]:
    event = json_object(
        {
            "from_status": InquiryEvent.from_status,
            "to_status": InquiryEvent.to_status,
            "note": InquiryEvent.note,
            "changed_by": InquiryEvent.changed_by,
            "changed_at": InquiryEvent.changed_at,
        }
    )
    rows = select(func.json_agg(aggregate_order_by(event, InquiryEvent.id))).where(InquiryEvent.inquiry_id == Inquiry.id)
    return func.coalesce(rows.scalar_subquery(), EMPTY_JSON_ARRAY)


def _recipients() -> ColumnElement[Any]:
    person = json_object({"id": User.id, "username": User.username, "display_name": User.display_name})
    rows = (
        select(func.json_agg(aggregate_order_by(person, User.id)))
        .join(InquiryRecipient, InquiryRecipient.user_id == User.id)
        .where(InquiryRecipient.inquiry_id == Inquiry.id)
    )
    return func.coalesce(rows.scalar_subquery(), EMPTY_JSON_ARRAY)


def _chosen() -> ColumnElement[Any]:
    """The carriers chosen in the comparison or match results, in the order chosen."""
    chosen = func.unnest(Inquiry.chosen_carrier_ids).table_valued("id", with_ordinality="n").render_derived()
    owner = aliased(Park)
    item = json_object({"id": Carrier.id, "name": Carrier.name, "park_id": Carrier.park_id, "park_name": owner.name})
    rows = (
        select(func.json_agg(aggregate_order_by(item, chosen.c.n)))
        .select_from(chosen)
        .join(Carrier, Carrier.id == chosen.c.id)
        .join(owner, owner.id == Carrier.park_id)
    )
    return func.coalesce(rows.scalar_subquery(), EMPTY_JSON_ARRAY)


def detail(session: Session, user: Principal, inquiry_id: int) -> dict[str, Any] | None:
    """One inquiry with its contact details, recipients and history, if `user` may see it."""
    fields = {
        **_summary(user),
        "uscc": Inquiry.uscc,
        "contact_person": Inquiry.contact_person,
        "phone": Inquiry.phone,
        "email": Inquiry.email,
        "message": Inquiry.message,
        "language": Inquiry.language,
        "consent_version": Inquiry.consent_version,
        "first_response_at": Inquiry.first_response_at,
        "close_reason": Inquiry.close_reason,
        "enterprise_id": Inquiry.enterprise_id,
        "anonymised_at": Inquiry.anonymised_at,
        "origin": Inquiry.origin,
        "chosen": _chosen(),
        "recipients": _recipients(),
        "history": _history(),
    }
    stmt = _joined(select(json_object(fields))).where(Inquiry.id == inquiry_id, visible(user))
    found: dict[str, Any] | None = session.execute(stmt).scalar_one_or_none()
    return found


def badge(session: Session, user: Principal) -> dict[str, int]:
    """What the workbench badge counts: unread inquiries routed to `user`, and overdue ones they see."""
    counts = select(
        func.count().filter(_unread(user)).label("unread"),
        func.count().filter(Inquiry.status == InquiryStatus.NEW.value).label("new"),
        func.count().filter(overdue()).label("overdue"),
    ).where(visible(user))
    row = session.execute(counts).one()
    return {"unread": row.unread, "new": row.new, "overdue": row.overdue}


def public_status(session: Session, token_hash: str) -> dict[str, Any] | None:
    """The visitor's view of their inquiry: status and the item, no contact details or names of officers."""
    fields = {
        "reference": Inquiry.reference,
        "status": Inquiry.status,
        "created_at": Inquiry.created_at,
        "status_changed_at": Inquiry.status_changed_at,
        "park_id": Inquiry.park_id,
        "park_name": Park.name,
        "carrier_id": Inquiry.carrier_id,
        "carrier_name": Carrier.name,
    }
    stmt = (
        select(json_object(fields))
        .select_from(Inquiry)
        .outerjoin(Park, Park.id == Inquiry.park_id)
        .outerjoin(Carrier, Carrier.id == Inquiry.carrier_id)
        .where(Inquiry.token_hashes.contains([token_hash]))  # @>: the GIN index
    )
    found: dict[str, Any] | None = session.execute(stmt).scalar_one_or_none()
    return found
