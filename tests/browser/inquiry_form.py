"""The inquiry dialog as a visitor fills it, and what the database kept of an inquiry about chosen carriers."""

from playwright.sync_api import Locator, expect
from sqlalchemy import text
from sqlalchemy.orm import Session


def submit_inquiry(dialog: Locator, fields: dict[str, str], receipt: str) -> str:
    """Fill `fields` (the form's ids without `inq-`), consent, send; the reference the receipt shows."""
    for field, value in fields.items():
        dialog.locator(f"#inq-{field}").fill(value)
    dialog.locator("input[name=consent]").check()
    dialog.locator("[data-inquiry-submit]").click()
    expect(dialog.locator("[data-inquiry-receipt]")).to_contain_text(receipt)
    return dialog.locator("[data-reference]").inner_text()


def stored_choice(db: Session, reference: str) -> tuple[object, ...]:
    """(routing carrier, chosen carriers in order, origin, language) of the inquiry `reference`."""
    row = db.execute(
        text("SELECT carrier_id, chosen_carrier_ids, origin, language FROM inquiries WHERE reference = :r"), {"r": reference}
    ).one()
    return tuple(row)
