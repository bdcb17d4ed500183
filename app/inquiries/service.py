"""Writes of inquiries: a visitor's submission (routed, folded with an identical one, its
notifications queued), staff's status moves and the conversion into a target, anonymisation."""

import hashlib
import json
import secrets
from datetime import timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.carriers.models import Carrier
from app.core.auth import Principal, require_scope
from app.core.codes import member
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.settings import settings
from app.enterprises import service as enterprises
from app.enterprises.models import Enterprise
from app.enterprises.schemas import EnterpriseIn
from app.inquiries import routing
from app.inquiries.models import Inquiry, InquiryEvent, InquiryRecipient, InquiryStatus, Notification, NotifyAddress
from app.inquiries.schemas import ConversionIn, InquiryIn, MoveIn
from app.parks.models import Park
from app.targets import service as targets
from app.targets.models import Target
from app.targets.schemas import TargetIn

WHAT = ("inquiry", "投资意向")
OPEN = (InquiryStatus.NEW.value, InquiryStatus.ASSIGNED.value, InquiryStatus.CONTACTED.value)
# Bumped when the consent wording (router.CONSENT) changes: each inquiry keeps the version it agreed to.
CONSENT_VERSION = "2026-12-1"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _chosen(session: Session, ids: list[int]) -> None:
    """422 unless every chosen carrier is published, in a published park."""
    found = set(
        session.execute(
            select(Carrier.id)
            .join(Park, Park.id == Carrier.park_id)
            .where(Carrier.id.in_(ids), Carrier.published, Park.published)
        ).scalars()
    )
    if missing := [i for i in ids if i not in found]:
        raise InvalidInput.one("carrier_ids", f"unknown carriers {missing}", f"未知的载体 {missing}")


def _item(session: Session, data: InquiryIn) -> tuple[int, int | None, str]:
    """(park id, carrier id, county) of the published item the inquiry is about, or 422. Of
    several chosen carriers the first is the item: its county routes the inquiry."""
    if data.carrier_ids is not None:
        _chosen(session, data.carrier_ids)
        data = data.model_copy(update={"carrier_id": data.carrier_ids[0]})
    if data.carrier_id is not None:
        row = session.execute(
            select(Carrier.park_id, Park.region_adcode)
            .join(Park, Park.id == Carrier.park_id)
            .where(Carrier.id == data.carrier_id, Carrier.published, Park.published)
        ).one_or_none()
        if row is None:
            raise InvalidInput.one("carrier_id", f"unknown carrier {data.carrier_id}", f"未知的载体 {data.carrier_id}")
        return row.park_id, data.carrier_id, row.region_adcode
    county = session.execute(select(Park.region_adcode).where(Park.id == data.park_id, Park.published)).scalar_one_or_none()
    if county is None:
        raise InvalidInput.one("park_id", f"unknown park {data.park_id}", f"未知的园区 {data.park_id}")
    assert data.park_id is not None
    return data.park_id, None, county


def _fingerprint(data: InquiryIn) -> str:
    same = [
        data.park_id,
        data.carrier_id,
        data.carrier_ids,
        data.company.casefold(),
        data.phone,
        (data.email or "").casefold(),
        data.message,
    ]
    return hashlib.sha256(json.dumps(same, ensure_ascii=False).encode()).hexdigest()


def _queue_notifications(session: Session, inquiry_id: int, officers: list[int]) -> None:
    config = settings().inquiries
    if config.smtp_host:
        addresses = session.execute(select(NotifyAddress.email).where(NotifyAddress.user_id.in_(officers))).scalars()
        session.add_all(Notification(inquiry_id=inquiry_id, channel="email", recipient=a) for a in addresses)
    if config.webhook_url:
        session.add(Notification(inquiry_id=inquiry_id, channel="webhook", recipient=config.webhook_url))


def decoy() -> tuple[str, str]:
    """A reference and token shaped like real ones, for a bot that filled in the honeypot."""
    return f"TZ{secrets.randbelow(10**8):08d}-{secrets.randbelow(10**5):05d}", secrets.token_urlsafe(24)


def submit(session: Session, data: InquiryIn) -> tuple[str, str, bool]:
    """Store the inquiry (or fold it into an identical open one): (reference, status token, new)."""
    park_id, carrier_id, county = _item(session, data)
    token = secrets.token_urlsafe(24)
    fingerprint = _fingerprint(data)
    # Two identical submissions at once must not both become inquiries: serialise on the fingerprint.
    session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:f, 13))"), {"f": fingerprint})
    window = timedelta(hours=settings().inquiries.duplicate_hours)
    same = session.execute(
        select(Inquiry)
        .where(Inquiry.fingerprint == fingerprint, Inquiry.status.in_(OPEN), Inquiry.created_at > func.now() - window)
        .with_for_update()
    ).scalar_one_or_none()
    if same is not None:
        same.submissions += 1
        same.token_hashes = [*same.token_hashes, token_hash(token)]
        return same.reference, token, False
    inquiry_id = session.execute(select(func.nextval("inquiries_id_seq"))).scalar_one()
    reference = f"TZ{session.execute(select(func.to_char(func.now(), 'YYYYMMDD'))).scalar_one()}-{inquiry_id:05d}"
    fields = data.model_dump(exclude={"park_id", "carrier_id", "carrier_ids", "consent", "website", "timeline"})
    session.add(
        Inquiry(
            id=inquiry_id,
            reference=reference,
            token_hashes=[token_hash(token)],
            park_id=park_id,
            carrier_id=carrier_id,
            chosen_carrier_ids=data.carrier_ids or [],
            region_adcode=county,
            timeline=data.timeline.value if data.timeline else None,
            consent_version=CONSENT_VERSION,
            fingerprint=fingerprint,
            **fields,
        )
    )
    session.add(InquiryEvent(inquiry_id=inquiry_id, from_status=None, to_status=InquiryStatus.NEW.value, changed_by="public"))
    officers = routing.receivers(session, county, park_id)
    session.add_all(InquiryRecipient(inquiry_id=inquiry_id, user_id=u) for u in officers)
    session.flush()
    _queue_notifications(session, inquiry_id, officers)
    return reference, token, True


def audit(session: Session, user: Principal, ip: str, action: str, inquiry_id: int, changes: dict[str, object]) -> None:
    """An entry of the audit trail written by the service: reads of contact details and status
    moves (the inquiries table is not under the audit trigger, see models.py)."""
    session.add(
        AuditEntry(
            actor=user.name, ip=ip or None, action=action, table_name="inquiries", record_id=str(inquiry_id), changes=changes
        )
    )


def _event(session: Session, inquiry: Inquiry, to: str, note: str | None) -> None:
    session.add(InquiryEvent(inquiry_id=inquiry.id, from_status=inquiry.status, to_status=to, note=note))
    inquiry.status = to
    inquiry.status_changed_at = func.now()


def _label(status: str) -> str:
    s = member(InquiryStatus, status)
    return f"{s.zh} {s.value}"


def _refuse(inquiry: Inquiry, to: str, why: str, why_zh: str) -> Conflict:
    move = f"{_label(inquiry.status)} → {_label(to)}"
    return Conflict(f"{move}: {why}", f"{move}：{why_zh}")


def _assignee(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.disabled or user.role not in ("officer", "admin"):
        raise InvalidInput.one(
            "assignee_id", f"{user_id} is not an active officer or admin", f"{user_id} 不是在用的招商专员或管理员账号"
        )
    return user


def move(session: Session, user: Principal, inquiry: Inquiry, data: MoveIn) -> None:
    """新 → 已分派 → 已联系, or 关闭 from any open status; an assigned inquiry may be reassigned.
    Converted and closed inquiries are final. Without an assignee the caller takes it. The
    inquiry is locked by the caller."""
    if inquiry.status not in OPEN:
        raise _refuse(inquiry, data.to, "the inquiry is finished", "该意向已办结，不能再变更")
    if data.to == InquiryStatus.ASSIGNED.value:
        if inquiry.status == InquiryStatus.CONTACTED.value:
            raise _refuse(inquiry, data.to, "the enterprise was already contacted", "已联系企业，不能退回分派")
        assignee = _assignee(session, data.assignee_id or user.user_id or 0)
        if assignee.id == inquiry.assignee_id:
            raise _refuse(inquiry, data.to, f"already assigned to {assignee.username}", f"已分派给 {assignee.username}")
        inquiry.assignee_id = assignee.id
        known = select(InquiryRecipient).where(InquiryRecipient.inquiry_id == inquiry.id, InquiryRecipient.user_id == assignee.id)
        if session.execute(known).first() is None:
            session.add(InquiryRecipient(inquiry_id=inquiry.id, user_id=assignee.id))
    elif data.to == InquiryStatus.CONTACTED.value:
        if inquiry.status == InquiryStatus.CONTACTED.value:
            raise _refuse(inquiry, data.to, "already contacted", "已处于已联系状态")
        inquiry.first_response_at = func.now()
    else:
        inquiry.close_reason = data.reason
    _event(session, inquiry, data.to, data.reason or data.note)
    session.flush()


def _enterprise(session: Session, inquiry: Inquiry, data: ConversionIn) -> int:
    """The enterprise of the target: given, found by its USCC, or created as an external one.

    Creating an external enterprise needs the whole province in scope (enterprises.scope_of); here
    the inquiry itself is the authority: the enterprise asked, the routed officer records it."""
    if data.enterprise_id is not None:
        if session.get(Enterprise, data.enterprise_id) is None:
            raise InvalidInput.one(
                "enterprise_id", f"unknown enterprise {data.enterprise_id}", f"未知的企业 {data.enterprise_id}"
            )
        return data.enterprise_id
    code = data.uscc or inquiry.uscc
    if code is None:
        raise InvalidInput.one(
            "uscc",
            "the inquiry has no USCC: give uscc, or enterprise_id of a recorded enterprise",
            "该意向未填写统一社会信用代码：请填写 uscc，或已有企业的 enterprise_id",
        )
    found = session.execute(select(Enterprise.id).where(Enterprise.uscc == code)).scalar_one_or_none()
    if found is not None:
        return found
    if data.location is None:
        raise InvalidInput.one(
            "location", "a new enterprise needs its headquarters' location", "新建企业须填写企业总部位置 location"
        )
    created = EnterpriseIn(
        name=inquiry.company,
        uscc=code,
        location={"type": "Point", "coordinates": [data.location.x, data.location.y]},
        is_local=False,
        source=f"投资意向 {inquiry.reference}",
    )
    return enterprises.save(session, created)


def convert(session: Session, user: Principal, inquiry: Inquiry, data: ConversionIn) -> int:
    """已联系 → 转为目标: the target (new, or the one already on the list) with the inquiry as its source."""
    if inquiry.status != InquiryStatus.CONTACTED.value:
        raise _refuse(
            inquiry,
            InquiryStatus.CONVERTED.value,
            "only a contacted inquiry becomes a target: record the contact first",
            "只有已联系的意向可以转为目标：请先记录已联系",
        )
    enterprise_id = _enterprise(session, inquiry, data)
    area = {"park_id": inquiry.park_id}
    require_scope(user, *targets.scope_of(session, area))
    listed = select(Target.id).where(
        Target.enterprise_id == enterprise_id, Target.link_id == data.link_id, Target.park_id == inquiry.park_id
    )
    target_id = session.execute(listed).scalar_one_or_none()
    if target_id is None:
        target_id = targets.save(
            session,
            TargetIn(
                enterprise_id=enterprise_id,
                link_id=data.link_id,
                park_id=inquiry.park_id,
                intended_park_id=inquiry.park_id,
                priority=data.priority,
                owner=data.owner or user.display_name or user.name,
                notes=inquiry.message,
                source=f"投资意向 {inquiry.reference}",
            ),
        )
    inquiry.enterprise_id = enterprise_id
    inquiry.target_id = target_id
    _event(session, inquiry, InquiryStatus.CONVERTED.value, f"target {target_id}")
    session.flush()
    return target_id


ANONYMOUS_CONTACT = "（已匿名 anonymised）"


def anonymise(session: Session, days: int) -> int:
    """Blank the contact details of inquiries closed or converted more than `days` days ago:
    how many were anonymised now. The company (not personal data) and the figures stay."""
    done = session.execute(
        update(Inquiry)
        .where(
            Inquiry.status.not_in(OPEN),
            Inquiry.anonymised_at.is_(None),
            Inquiry.status_changed_at < func.now() - timedelta(days=days),
        )
        .values(contact_person=ANONYMOUS_CONTACT, phone=None, email=None, message=None, anonymised_at=func.now())
        .returning(Inquiry.id)
    )
    return len(done.all())


def seen(session: Session, user: Principal, inquiry_id: int) -> None:
    """The officer opened the inquiry: it no longer counts in their badge."""
    if user.user_id is None:
        return
    session.execute(
        update(InquiryRecipient)
        .where(
            InquiryRecipient.inquiry_id == inquiry_id,
            InquiryRecipient.user_id == user.user_id,
            InquiryRecipient.seen_at.is_(None),
        )
        .values(seen_at=func.now())
    )


def stored(session: Session, inquiry_id: int, lock: bool = False) -> Inquiry:
    inquiry = session.get(Inquiry, inquiry_id, with_for_update=lock)
    if inquiry is None:
        raise NotFound(*WHAT, inquiry_id)
    return inquiry
