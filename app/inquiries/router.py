"""Investment inquiries over HTTP: the public form (its consent wording, the submission, the
visitor's private status link) and the staff inbox (list, badge, one inquiry with its contact
details, status moves, conversion into a target, park receivers, the officer's e-mail address).

Contact details leave the service only through GET /inquiries/{id}, to the routed officers,
leaders and admins, and every such read is written to the audit trail. Everyone else, an API
key or an officer of another region included, gets 404 for an inquiry."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request, Response, status
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from app.accounts.models import User
from app.core.auth import CurrentUser, Principal, StaffDep, WriterDep, check_csrf, require_scope
from app.core.database import SessionDep
from app.core.errors import InvalidInput, NotFound, TooManyRequests
from app.core.listing import RecordId
from app.core.patching import json_body
from app.core.settings import settings
from app.inquiries import notify, queries, service
from app.inquiries.limiter import WindowLimiter
from app.inquiries.models import NotifyAddress, ParkReceiver
from app.inquiries.schemas import (
    ConversionIn,
    InboxQuery,
    InquiryIn,
    MoveIn,
    NotifyAddressIn,
    PublicStatus,
    Receipt,
    ReceiversIn,
)
from app.parks.models import Park

TAG = "inquiries 投资意向"
router = APIRouter(tags=[TAG])
NO_STORE = {"Cache-Control": "no-store"}


def _ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _rate_limited(request: Request) -> None:
    """Counted before the body is read or validated: a flood of bad bodies is a flood too."""
    limiter: WindowLimiter = request.app.state.inquiry_limiter
    wait = limiter.take(_ip(request), settings().inquiries.per_ip_per_hour)
    if wait:
        raise TooManyRequests(
            f"too many inquiries from your address: try again in {wait} seconds",
            f"您所在地址提交的意向过多，请 {wait} 秒后再试",
            wait,
        )


@router.get("/inquiries/consent", summary="The consent wording of the inquiry form / 个人信息处理说明")
def consent() -> dict[str, Any]:
    days = settings().inquiries.retention_days
    return {
        "version": service.CONSENT_VERSION,
        "retention_days": days,
        "zh": "您填写的联系人、手机号和电子邮箱仅用于当地招商部门就本次投资意向与您联系；"
        "仅受理的招商专员、领导和管理员可以查看，每次查看均有记录；"
        f"意向办结 {days} 天后联系信息将被删除（匿名化）。"
        "依据《中华人民共和国个人信息保护法》，您可要求查阅、更正或删除您的个人信息。",
        "en": "Your contact person, mobile number and e-mail are used only by the local investment "
        "promotion office to contact you about this inquiry; only the officers it is routed to, "
        "leaders and admins can read them, and every reading is logged. The contact details are "
        f"deleted (anonymised) {days} days after the inquiry is closed. Under China's Personal "
        "Information Protection Law you may ask to see, correct or delete them.",
    }


@router.post(
    "/inquiries",
    status_code=status.HTTP_201_CREATED,
    summary="Leave an investment inquiry (public) / 提交投资意向",
    dependencies=[Depends(_rate_limited)],
)
def submit(
    body: Annotated[InquiryIn, json_body(InquiryIn)], session: SessionDep, tasks: BackgroundTasks, response: Response
) -> Receipt:
    """Routed to the officers of the item's county (or the park's named receivers). The answer's
    token opens the private status page; an identical inquiry sent again within
    INVESTMAP_INQUIRY_DUPLICATE_HOURS folds into the first (same reference, a token of its own)."""
    response.headers.update(NO_STORE)
    if body.website:
        # The honeypot was filled in: a bot. It is told what a person is told, and nothing is kept.
        reference, token = service.decoy()
        return Receipt(reference=reference, status_token=token, status_path=f"/#inquiry={token}")
    reference, token, new = service.submit(session, body)
    config = settings().inquiries
    if new and (config.smtp_host or config.webhook_url):
        # Background tasks run once the answer is sent, after the commit (core/database.py).
        tasks.add_task(notify.deliver_due, settings())
    return Receipt(reference=reference, status_token=token, status_path=f"/#inquiry={token}")


@router.get(
    "/inquiries/status/{token}",
    summary="The status of one's own inquiry, by its private token / 查询本人意向进度",
    response_model=PublicStatus,
)
def public_status(
    token: Annotated[str, Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")], session: SessionDep
) -> Any:
    found = queries.public_status(session, service.token_hash(token))
    if found is None:
        raise NotFound("inquiry", "投资意向", "of this link")
    return Response(PublicStatus.model_validate(found).model_dump_json(), media_type="application/json", headers=NO_STORE)


@router.get("/inquiries", summary="The inbox: inquiries routed to me (leaders, admins: all) / 意向收件箱")
def inbox(session: SessionDep, user: StaffDep, q: Annotated[InboxQuery, Query()]) -> Response:
    """Newest first, without contact details; `overdue=true` lists those not contacted within
    INVESTMAP_INQUIRY_FIRST_RESPONSE_HOURS."""
    return _json(queries.inbox(session, user, q))


@router.get("/inquiries/badge", summary="Counts for the workbench badge / 意向角标计数")
def badge(session: SessionDep, user: StaffDep) -> Response:
    return _json(queries.badge(session, user))


def _json(content: Any) -> Response:
    return Response(json.dumps(content, ensure_ascii=False), media_type="application/json", headers=NO_STORE)


def _visible_or_404(session: SessionDep, user: Principal, inquiry_id: int) -> dict[str, Any]:
    found = queries.detail(session, user, inquiry_id)
    if found is None:
        raise NotFound(*service.WHAT, inquiry_id)
    return found


@router.get("/inquiries/{item_id:int}", summary="One inquiry with its contact details / 意向详情（含联系方式）")
def read(item_id: RecordId, request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Only for the officers it was routed or assigned to, leaders and admins; this read is audited."""
    found = _visible_or_404(session, user, item_id)
    service.audit(session, user, _ip(request), "read", item_id, {"read": "contact details 联系方式"})
    service.seen(session, user, item_id)
    return _json(found)


@router.post("/inquiries/{item_id:int}/transitions", summary="Assign, mark contacted or close / 分派、已联系、关闭")
def move(
    item_id: RecordId, body: Annotated[MoveIn, json_body(MoveIn)], request: Request, session: SessionDep, user: WriterDep
) -> Response:
    _visible_or_404(session, user, item_id)
    inquiry = service.stored(session, item_id, lock=True)
    before = inquiry.status
    service.move(session, user, inquiry, body)
    service.audit(session, user, _ip(request), "stage", item_id, {"status": {"before": before, "after": body.to}})
    return _json(_visible_or_404(session, user, item_id))


@router.post("/inquiries/{item_id:int}/conversion", summary="Convert into a target / 转为招商目标")
def convert(
    item_id: RecordId,
    body: Annotated[ConversionIn, json_body(ConversionIn)],
    request: Request,
    session: SessionDep,
    user: WriterDep,
) -> Response:
    """Creates (or finds by USCC) the enterprise and puts it on the target list of the link and the
    inquiry's park, with the inquiry as the target's source."""
    _visible_or_404(session, user, item_id)
    inquiry = service.stored(session, item_id, lock=True)
    target_id = service.convert(session, user, inquiry, body)
    changes = {"status": {"before": "contacted", "after": "converted"}, "target_id": target_id}
    service.audit(session, user, _ip(request), "stage", item_id, changes)
    return _json(_visible_or_404(session, user, item_id))


@router.put("/inquiries/notify-address", summary="My e-mail for inquiry notifications / 我的意向通知邮箱")
def set_notify_address(
    body: Annotated[NotifyAddressIn, json_body(NotifyAddressIn)], request: Request, session: SessionDep, user: StaffDep
) -> Response:
    check_csrf(request, user)
    if user.user_id is None:
        raise InvalidInput.one("email", "only people have an address", "仅个人账号可设置邮箱")
    session.execute(delete(NotifyAddress).where(NotifyAddress.user_id == user.user_id))
    if body.email:
        session.add(NotifyAddress(user_id=user.user_id, email=body.email))
    return _json({"email": body.email})


@router.get("/parks/{item_id:int}/inquiry-receivers", summary="Officers receiving a park's inquiries / 园区意向接收人")
def receivers(item_id: RecordId, session: SessionDep, user: StaffDep) -> Response:
    rows = session.execute(
        select(User.id, User.username, User.display_name)
        .join(ParkReceiver, ParkReceiver.user_id == User.id)
        .where(ParkReceiver.park_id == item_id)
        .order_by(User.id)
    )
    return _json({"park_id": item_id, "receivers": [dict(r._mapping) for r in rows]})


@router.put("/parks/{item_id:int}/inquiry-receivers", summary="Name a park's receiving officers / 设置园区意向接收人")
def set_receivers(
    item_id: RecordId, body: Annotated[ReceiversIn, json_body(ReceiversIn)], session: SessionDep, user: WriterDep
) -> Response:
    """The park's own officers (its write scope) name who receives its inquiries; an empty list
    routes them by region again."""
    park = session.get(Park, item_id)
    if park is None:
        raise NotFound("park", "园区", item_id)
    require_scope(user, {park.region_adcode}, park.id)
    ids = list(dict.fromkeys(body.user_ids))
    found = set(
        session.execute(select(User.id).where(User.id.in_(ids), User.role.in_(("officer", "admin")), ~User.disabled)).scalars()
    )
    if missing := [i for i in ids if i not in found]:
        raise InvalidInput.one("user_ids", f"not active officers or admins: {missing}", f"不是在用的专员或管理员账号：{missing}")
    session.execute(delete(ParkReceiver).where(ParkReceiver.park_id == item_id))
    if ids:
        session.execute(insert(ParkReceiver).values([{"park_id": item_id, "user_id": i} for i in ids]))
    return receivers(item_id, session, user)
