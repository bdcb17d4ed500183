"""Notifications of new inquiries, sent from the outbox (models.Notification) after the inquiry's
transaction has committed: by e-mail to the routed officers who gave an address, and as a JSON
POST to a webhook (WeCom/DingTalk-style bots), signed with a shared secret.

Neither carries contact details: an e-mail or a group chat is outside the audit trail, so they
say that an inquiry came and where; the officer reads the details in the workbench. A failed
delivery is kept with its error and retried later (doubling the wait, up to MAX_ATTEMPTS);
the inquiry itself is never at risk, it was committed first."""

import hashlib
import hmac
import json
import logging
import smtplib
import time
import urllib.request
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.carriers.models import Carrier
from app.core.database import get_engine
from app.core.settings import InquirySettings, Settings, using
from app.inquiries.models import Inquiry, Notification
from app.parks.models import Park
from app.regions.models import Region

log = logging.getLogger("investmap.inquiries")
MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-InvestMap-Signature"
TIMESTAMP_HEADER = "X-InvestMap-Timestamp"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of `timestamp.body`: the timestamp is signed too, so a
    receiver can refuse an old message replayed."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _facts(session: Session, inquiry_id: int) -> dict[str, Any]:
    row = session.execute(
        select(
            Inquiry.reference,
            Inquiry.created_at,
            Inquiry.company,
            Inquiry.industry,
            Inquiry.investment_wan,
            Inquiry.region_adcode,
            Region.name.label("region_name"),
            Inquiry.park_id,
            Park.name.label("park_name"),
            Inquiry.carrier_id,
            Carrier.name.label("carrier_name"),
        )
        .join(Region, Region.adcode == Inquiry.region_adcode)
        .outerjoin(Park, Park.id == Inquiry.park_id)
        .outerjoin(Carrier, Carrier.id == Inquiry.carrier_id)
        .where(Inquiry.id == inquiry_id)
    ).one()
    facts = dict(row._mapping)
    facts["created_at"] = row.created_at.isoformat()
    facts["investment_wan"] = float(row.investment_wan) if row.investment_wan is not None else None
    return facts


def _summary(facts: dict[str, Any]) -> str:
    item = facts["carrier_name"] or facts["park_name"]
    money = f"，计划投资 {facts['investment_wan']:g} 万元" if facts["investment_wan"] is not None else ""
    return (
        f"新的投资意向 {facts['reference']}：{facts['company']} 关注 {item}（{facts['region_name']}）{money}。"
        f"请登录招商一张图工作台查看并联系。\n"
        f"New investment inquiry {facts['reference']} about {item}: sign in to the InvestMap workbench to read it."
    )


def _send_email(config: InquirySettings, to: str, facts: dict[str, Any]) -> None:
    assert config.smtp_host
    message = EmailMessage()
    message["From"] = config.mail_from
    message["To"] = to
    message["Subject"] = f"新的投资意向 New inquiry {facts['reference']}"
    message.set_content(_summary(facts))
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        if config.smtp_starttls:
            smtp.starttls()
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password or "")
        smtp.send_message(message)


def _post_webhook(config: InquirySettings, url: str, facts: dict[str, Any]) -> None:
    # "msgtype"/"text" is what WeCom and DingTalk group bots read; the rest is for other receivers.
    payload = {"event": "inquiry.created", "inquiry": facts, "msgtype": "text", "text": {"content": _summary(facts)}}
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "InvestMap"}
    if config.webhook_secret:
        stamp = str(int(time.time()))
        headers |= {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature(config.webhook_secret, stamp, body)}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 (an operator's URL)
        answer.read()


def _deliver_one(session: Session, config: InquirySettings, note: Notification) -> bool:
    facts = _facts(session, note.inquiry_id)
    try:
        if note.channel == "email":
            _send_email(config, note.recipient, facts)
        else:
            _post_webhook(config, note.recipient, facts)
    except Exception as exc:  # any failure of the far side is recorded and retried, never raised
        note.attempts += 1
        note.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        note.next_attempt_at = func.now() + timedelta(minutes=2**note.attempts)
        log.warning("inquiry %s: %s notification to %s failed (%s)", facts["reference"], note.channel, note.recipient, exc)
        return False
    note.attempts += 1
    note.sent_at = func.now()
    return True


def deliver_due(active: Settings, limit: int = 50) -> tuple[int, int]:
    """Send the notifications that are due, each in a transaction of its own: (sent, failed).
    Rows being sent elsewhere (another worker) are skipped, so nothing goes out twice."""
    sent = failed = 0
    with using(active), Session(get_engine(active.database)) as session:
        config = active.inquiries
        for _ in range(limit):
            with session.begin():
                note = session.execute(
                    select(Notification)
                    .where(
                        Notification.sent_at.is_(None),
                        Notification.attempts < MAX_ATTEMPTS,
                        Notification.next_attempt_at <= func.now(),
                    )
                    .order_by(Notification.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                ).scalar_one_or_none()
                if note is None:
                    break
                ok = _deliver_one(session, config, note)
            sent, failed = (sent + 1, failed) if ok else (sent, failed + 1)
    return sent, failed
