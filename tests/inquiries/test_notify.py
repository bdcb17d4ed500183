"""Notifications (issue 13): e-mail to the routed officer through a real SMTP server and a signed
webhook POST to a real HTTP receiver, both started here; a failed delivery is kept and retried,
and the inquiry is stored whatever happens to them."""

import hashlib
import hmac
import json
import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.core.settings import InquirySettings
from app.inquiries import notify
from tests.support.apps import client_with, state
from tests.support.inquiries import form, published_park
from tests.support.principals import Callers

SECRET = "shared-webhook-secret"


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: greet, take one message per MAIL/RCPT/DATA."""

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 test ESMTP")
        sender, recipients = "", []
        while line := self.rfile.readline():
            verb = line.decode().strip().upper()
            if verb.startswith(("EHLO", "HELO")):
                self._say("250 test")
            elif verb.startswith("MAIL FROM:"):
                sender, recipients = line.decode().strip()[10:], []
                self._say("250 OK")
            elif verb.startswith("RCPT TO:"):
                recipients.append(line.decode().strip()[8:].strip("<>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 end with .")
                data = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.server.received.append((sender, recipients, message_from_bytes(data)))  # type: ignore[attr-defined]
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 OK")


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server: Any = self.server
        if server.fail_next:
            server.fail_next -= 1
            self.send_response(500)
        else:
            server.received.append((self.headers, body))  # looked up case-insensitively
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def servers() -> Iterator[tuple[Any, Any]]:
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    smtp.received = []  # type: ignore[attr-defined]
    hook = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    hook.received, hook.fail_next = [], 0  # type: ignore[attr-defined]
    for server in (smtp, hook):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield smtp, hook
    for server in (smtp, hook):
        server.shutdown()
        server.server_close()


@pytest.fixture
def notifying(servers: tuple[Any, Any], settings: Any) -> Iterator[TestClient]:
    smtp, hook = servers
    config = InquirySettings(
        per_ip_per_hour=10_000,
        smtp_host="127.0.0.1",
        smtp_port=smtp.server_address[1],
        mail_from="investmap@test.local",
        webhook_url=f"http://127.0.0.1:{hook.server_address[1]}/hook",
        webhook_secret=SECRET,
    )
    with client_with(inquiries=config) as client:
        # The deliveries in these tests are the request's and the test's own, not the app's minutely round.
        state(client).inquiry_chores.stop()
        yield client


def test_email_and_signed_webhook(notifying: TestClient, servers: tuple[Any, Any], callers: Callers, db: Session) -> None:
    smtp, hook = servers
    r = notifying.put("/api/v1/inquiries/notify-address", json={"email": "nc-officer@test.local"}, headers=callers["officer_in"])
    assert r.status_code == 200
    park_id, _ = published_park(db, "360100", 2)
    r = notifying.post("/api/v1/inquiries", json=form(park_id, company="通知测试企业"))
    assert r.status_code == 201
    reference = r.json()["reference"]

    [(sender, recipients, mail)] = smtp.received
    assert recipients == ["nc-officer@test.local"] and "investmap@test.local" in sender
    assert reference in mail["Subject"] and "13800138000" not in mail.as_string()

    [(headers, body)] = hook.received
    stamp = headers["X-InvestMap-Timestamp"]
    expected = "sha256=" + hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-InvestMap-Signature"], expected)
    payload = json.loads(body)
    assert (payload["event"], payload["inquiry"]["reference"], payload["inquiry"]["park_id"]) == (
        "inquiry.created",
        reference,
        park_id,
    )
    assert payload["msgtype"] == "text" and reference in payload["text"]["content"]
    assert "13800138000" not in body.decode() and "wang@example.com" not in body.decode()
    sent = db.execute(
        text(
            "SELECT channel, attempts FROM inquiry_notifications n JOIN inquiries i ON i.id = n.inquiry_id "
            "WHERE i.reference = :r AND n.sent_at IS NOT NULL ORDER BY channel"
        ),
        {"r": reference},
    ).all()
    assert [tuple(row) for row in sent] == [("email", 1), ("webhook", 1)]


def test_a_failed_delivery_is_retried_and_loses_nothing(notifying: TestClient, servers: tuple[Any, Any], db: Session) -> None:
    _, hook = servers
    hook.fail_next = 1
    park_id, _ = published_park(db, "360100", 3)
    r = notifying.post("/api/v1/inquiries", json=form(park_id, company="重试测试企业"))
    assert r.status_code == 201
    reference = r.json()["reference"]
    row = db.execute(
        text(
            "SELECT n.id, n.attempts, n.last_error, n.sent_at FROM inquiry_notifications n "
            "JOIN inquiries i ON i.id = n.inquiry_id "
            "WHERE i.reference = :r AND n.channel = 'webhook'"
        ),
        {"r": reference},
    ).one()
    assert (row.attempts, row.sent_at) == (1, None) and "500" in row.last_error
    assert hook.received == []
    # Not due yet: nothing is sent before its time.
    assert notify.deliver_due(state(notifying).settings) == (0, 0)
    db.execute(text("UPDATE inquiry_notifications SET next_attempt_at = now() WHERE id = :i"), {"i": row.id})
    db.commit()
    assert notify.deliver_due(state(notifying).settings) == (1, 0)
    [(_, body)] = hook.received
    assert json.loads(body)["inquiry"]["reference"] == reference
