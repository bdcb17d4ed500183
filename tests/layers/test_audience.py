"""Statements are built and compiled per audience, not per caller (issue 10): a principal carries its
session's CSRF token, so statements keyed by it were compiled anew for every staff sign-in and
pushed the others out of their caches."""

from app.core.auth import Principal
from app.layers.caching import Audience
from app.ogc import items
from app.tiles import sql
from tests.support.principals import ADMIN_PASSWORD, login


def test_two_staff_sign_ins_share_one_compiled_statement(client, admin) -> None:
    other = login(client, "admin", ADMIN_PASSWORD)  # a second sign-in: a session and CSRF token of its own
    assert other["X-CSRF-Token"] != admin["X-CSRF-Token"]
    # Different boxes and tiles (so no cached page or tile answers), the same statements.
    page = "/ogc/collections/land/items?limit=3&land_use=industrial_2&bbox={}"
    assert client.get(page.format("113,24,119,31"), headers=admin).status_code == 200
    compiled = items._compiled.cache_info()
    assert client.get(page.format("114,25,118,30"), headers=other).status_code == 200
    assert items._compiled.cache_info().misses == compiled.misses
    assert items._compiled.cache_info().hits == compiled.hits + 1

    assert client.get("/tiles/land/12/3330/1720.mvt?status=reserved", headers=admin).status_code == 200
    tiles = sql.statement.cache_info()
    assert client.get("/tiles/land/12/3331/1720.mvt?status=reserved", headers=other).status_code == 200
    assert sql.statement.cache_info().misses == tiles.misses


def test_an_audience_is_what_a_caller_may_see() -> None:
    officer = Principal("user:a", role="officer", write_counties=frozenset({"360121"}), csrf_token="one")
    assert Audience.of(officer) == Audience.of(Principal("user:b", role="leader", csrf_token="two"))  # staff see all
    key = Principal("key:a", role="partner", write_counties=frozenset({"360121"}))
    assert Audience.of(key) != Audience.of(Principal("key:b", role="partner", write_counties=frozenset({"360111"})))
    assert Audience.of(key) == Audience.of(Principal("key:c", role="partner", write_counties=frozenset({"360121"})))
