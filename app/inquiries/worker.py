"""The inquiries' chores inside the running service, on a thread of each worker process: the
notifications that are due (retries of failed ones) every minute, and the anonymisation of
contact details past the retention once a day. Both are safe to run in several processes at
once (the outbox rows are taken with SKIP LOCKED; anonymising twice changes nothing), and both
are also `investmap inquiries deliver|anonymise` for cron."""

import logging
import threading
import time

from sqlalchemy.orm import Session

from app.core.database import get_engine
from app.core.settings import Settings
from app.inquiries import notify, service

log = logging.getLogger("investmap.inquiries")
DELIVER_EVERY_S = 60
ANONYMISE_EVERY_S = 24 * 3600


class InquiryChores:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_anonymised = float("-inf")

    def tick(self) -> None:
        """Do what is due now."""
        config = self.settings.inquiries
        if config.smtp_host or config.webhook_url:
            notify.deliver_due(self.settings)
        if time.monotonic() - self._last_anonymised >= ANONYMISE_EVERY_S:
            with Session(get_engine(self.settings.database)) as session, session.begin():
                count = service.anonymise(session, config.retention_days)
            self._last_anonymised = time.monotonic()
            if count:
                log.info("anonymised the contact details of %d inquiries", count)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.tick()
            except Exception:  # the database may be down for a while: try again next round
                log.exception("inquiry chores failed; retrying in %s s", DELIVER_EVERY_S)
            self._stopping.wait(DELIVER_EVERY_S)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="inquiry-chores", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
