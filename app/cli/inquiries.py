"""`investmap inquiries ...`: the daily chores of the inquiries, for cron or a systemd timer
(the running service does them too: app/inquiries/worker.py)."""

from typing import Annotated

import typer
from sqlalchemy.orm import Session

from app.core.database import get_engine
from app.core.settings import settings
from app.inquiries import notify, service

inquiries = typer.Typer(help="investment inquiries: anonymisation and notifications", no_args_is_help=True)


@inquiries.command("anonymise")
def anonymise(
    days: Annotated[int | None, typer.Option(min=1, help="default: INVESTMAP_INQUIRY_RETENTION_DAYS")] = None,
) -> None:
    """Blank the contact details of inquiries closed or converted more than DAYS days ago."""
    with Session(get_engine()) as session, session.begin():
        count = service.anonymise(session, days or settings().inquiries.retention_days)
    typer.echo(f"anonymised {count} inquiries")


@inquiries.command("deliver")
def deliver() -> None:
    """Send the e-mail and webhook notifications that are due (new ones and retries)."""
    sent, failed = notify.deliver_due(settings(), limit=1000)
    typer.echo(f"sent {sent}, failed {failed} (retried later)")
