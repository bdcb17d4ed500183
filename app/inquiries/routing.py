"""Who receives an inquiry: the officers a park names; else the officers whose regions cover the
item's county; else those of its city; else the province's officers and the admins.

An officer limited to some parks (users.park_ids) receives only their inquiries. Disabled
accounts receive nothing."""

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.inquiries.models import ParkReceiver
from app.regions.models import Region


def _active_officers(park_id: int | None) -> ColumnElement[bool]:
    unlimited = func.cardinality(User.park_ids) == 0
    in_parks = or_(unlimited, User.park_ids.contains([park_id])) if park_id is not None else unlimited
    return and_(User.role == "officer", ~User.disabled, in_parks)


def _covering(session: Session, adcode: str, park_id: int | None) -> list[int]:
    rows = select(User.id).where(_active_officers(park_id), User.region_adcodes.contains([adcode])).order_by(User.id)
    return list(session.execute(rows).scalars())


def receivers(session: Session, county: str, park_id: int | None) -> list[int]:
    """The user ids an inquiry about an item in `county` (and `park_id`) is routed to."""
    if park_id is not None:
        named = select(User.id).join(ParkReceiver, ParkReceiver.user_id == User.id)
        found = list(session.execute(named.where(ParkReceiver.park_id == park_id, ~User.disabled).order_by(User.id)).scalars())
        if found:
            return found
    city = session.execute(select(Region.parent_adcode).where(Region.adcode == county)).scalar_one()
    province = session.execute(select(Region.parent_adcode).where(Region.adcode == city)).scalar_one()
    for adcode in (county, city):
        if adcode is not None and (found := _covering(session, adcode, park_id)):
            return found
    by_province = User.region_adcodes.contains([province]) if province is not None else false()
    fallback = select(User.id).where(~User.disabled, or_(User.role == "admin", and_(_active_officers(park_id), by_province)))
    return list(session.execute(fallback.order_by(User.id)).scalars())
