"""Issue 9, finding 1: stored XSS. Hostile text is planted through the API in every field people
write (park, carrier, cluster, cooperation partner, chain and link, enterprise, target, gap record,
user display name, API key name, and so the audit trail and history that name them), then every
view that shows it is opened in headless Chromium, as the public and as an admin, with every map
tooltip opened: no payload runs (the flag its handlers would set stays empty, no dialog opens),
the page asks for none of the payloads' URLs, and each text reads literally where it belongs.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.browser.browser_page import UserPage
from tests.support.chains import delete, enterprise_body, point_in
from tests.support.principals import create_user
from tests.support.records import if_match

ADMIN, ADMIN_PASSWORD = "xss_admin", "xss-admin-password-1"
SHANGHAI = [121.47, 31.23]
# Opens the tooltip of every layer on the map (so their content is put in the page), then says
# whether each expected text is in one: layers load at their own pace, so this is polled.
OPEN_ALL_TOOLTIPS = """(expected) => {
  window.investmap.map.eachLayer((layer) => { if (layer.getTooltip && layer.getTooltip()) layer.openTooltip(); });
  const tips = [...document.querySelectorAll('.leaflet-tooltip')].map((el) => el.textContent).join('\\n');
  return expected.every((text) => tips.includes(text));
}"""


def payload(tag: str) -> str:
    """At most 100 characters: an image with an error handler, an attribute break-out, an SVG with onload."""
    return f"<img src=/xss/{tag} onerror=__xss.push('{tag}')>\"><svg onload=__xss.push('{tag}')>'"


def long_payload(tag: str) -> str:
    """For the long text fields: also a closing tag and a script element."""
    return f"{payload(tag)}</textarea></title><script src=/xss/{tag}.js></script><script>__xss.push('{tag}')</script>"


PARK = {
    "name": f"XSS园区{payload('pn')}",
    "short_name": payload("ps"),
    "profile": long_payload("pp"),
    "source": long_payload("psrc"),
    "industry": payload("pi"),
    "partner": payload("cp"),
    "contact": payload("cn"),
    "role": payload("cr"),
    "phone": "javascript:__xss.push('tel')",
    "email": "javascript:__xss.push('mail')",
}
CARRIER = {"name": payload("cn2"), "readiness": payload("cre"), "description": long_payload("cd")}
CLUSTER = payload("cl")
CHAIN, LINK = payload("ch"), payload("li")
LOCAL, EXTERNAL = payload("el"), payload("ee")
TARGET = {"owner": payload("to"), "next_action": long_payload("tn"), "notes": long_payload("tno"), "reason": long_payload("tr")}
GAP_REASON = long_payload("gr")
KEY_NAME = payload("key")
DISPLAY_NAME = payload("dn")
URL_QUERY = payload("q")  # a reflected one: the search filter from a shared link


@dataclass
class Planted:
    location: tuple[float, float]
    park: int
    carrier: int
    cluster: int
    chain: int
    link: int
    ids: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def planted(client: TestClient, admin: dict[str, str], engine: Engine, live_server: str) -> Iterator[Planted]:
    with Session(engine) as db:
        x, y = point_in(db, "360121")

    def remove(record: str) -> None:
        assert delete(client, admin, record).status_code == 204, record

    with ExitStack() as undo:

        def post(path: str, body: dict[str, Any], headers: dict[str, str] = admin) -> int:
            """Create a record, deleted again (newest first) when the module ends, however it ends."""
            r = client.post(path, json=body, headers=headers)
            assert r.status_code == 201, r.text
            undo.callback(remove, f"{path}/{r.json()['id']}")
            return int(r.json()["id"])

        cluster = post(
            "/api/v1/clusters",
            {"name": CLUSTER, "tier": "provincial", "city_adcodes": ["360100"], "source": "xss test", "published": True},
        )
        park = post(
            "/api/v1/parks",
            {
                "name": PARK["name"],
                "short_name": PARK["short_name"],
                "level": "provincial",
                "type": "industrial",
                "region_adcode": "360121",
                "location": {"type": "Point", "coordinates": [x, y]},
                "published": True,
                "profile": PARK["profile"],
                "source": PARK["source"],
                "leading_industries": [PARK["industry"]],
                "cluster_ids": [cluster],
                "contacts": [{"name": PARK["contact"], "role": PARK["role"], "phone": PARK["phone"], "email": PARK["email"]}],
                "cooperation": {
                    "partner_region": "yrd",
                    "partner_name": PARK["partner"],
                    "partner_location": {"type": "Point", "coordinates": SHANGHAI},
                },
            },
        )
        ring = [[x + dx, y + dy] for dx, dy in ((0.001, 0.001), (0.003, 0.001), (0.003, 0.003), (0.001, 0.003), (0.001, 0.001))]
        carrier = post(
            "/api/v1/carriers",
            {
                "kind": "land",
                "park_id": park,
                "name": CARRIER["name"],
                "readiness": CARRIER["readiness"],
                "description": CARRIER["description"],
                "source": "xss test",
                "published": True,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            },
        )
        # A partner's write key with a hostile name edits the park: the history and the audit trail name it.
        key = client.post(
            "/api/v1/admin/keys",
            headers=admin,
            json={"name": KEY_NAME, "collections": ["*"], "access": "write", "region_adcodes": ["360100"]},
        )
        assert key.status_code == 201, key.text
        undo.callback(lambda: client.delete(f"/api/v1/admin/keys/{key.json()['id']}", headers=admin))
        bearer = {"Authorization": f"Bearer {key.json()['key']}"}
        path = f"/api/v1/parks/{park}"
        assert client.patch(path, json={"approved_area_ha": 12.5}, headers=if_match(client, path, bearer)).status_code == 200
        create_user(ADMIN, "admin", [], ADMIN_PASSWORD)
        user = next(u for u in client.get("/api/v1/admin/users", headers=admin).json() if u["username"] == ADMIN)
        undo.callback(lambda: client.patch(f"/api/v1/admin/users/{user['id']}", json={"disabled": True}, headers=admin))
        r = client.patch(f"/api/v1/admin/users/{user['id']}", json={"display_name": DISPLAY_NAME}, headers=admin)
        assert r.status_code == 200, r.text

        chain = post("/api/v1/chains", {"name": CHAIN, "source": "xss test", "published": True})
        link = post(f"/api/v1/chains/{chain}/links", {"name": LINK, "position": "upstream"})
        local = post(
            "/api/v1/enterprises",
            enterprise_body([x + 0.002, y + 0.002], name=LOCAL, park_id=park, link_ids=[link], published=True),
        )
        external = post(
            "/api/v1/enterprises", enterprise_body(SHANGHAI, name=EXTERNAL, is_local=False, link_ids=[link], published=True)
        )
        target = post(
            "/api/v1/targets",
            {
                "enterprise_id": external,
                "link_id": link,
                "region_adcode": "360100",
                "owner": TARGET["owner"],
                "next_action": TARGET["next_action"],
                "notes": TARGET["notes"],
                "intended_park_id": park,
                "source": "xss test",
            },
        )
        r = client.post(
            f"/api/v1/targets/{target}/transitions", json={"to": "dropped", "reason": TARGET["reason"]}, headers=admin
        )
        assert r.status_code == 200, r.text
        post(
            "/api/v1/gap_records",
            {"link_id": link, "gap_class": "weak", "reason": GAP_REASON, "park_id": park, "source": "xss test"},
        )
        yield Planted(
            location=(x, y),
            park=park,
            carrier=carrier,
            cluster=cluster,
            chain=chain,
            link=link,
            ids={"local": local, "external": external, "target": target},
        )


@dataclass
class Watched:
    """A page whose payload handlers would write window.__xss, with every request and dialog it made."""

    user: UserPage
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def page(self) -> Page:
        return self.user.page

    def assert_nothing_ran(self) -> None:
        assert self.page.evaluate("window.__xss") == []
        assert self.dialogs == []
        assert [u for u in self.requests if urlsplit(u).path.startswith("/xss/") or u.startswith("javascript:")] == []
        assert self.page.locator("a[href^='javascript:' i], img[src*='/xss/'], script[src*='/xss/']").count() == 0
        self.user.assert_clean()


@pytest.fixture
def watched(new_page: Callable[..., UserPage], live_server: str) -> Callable[..., Watched]:
    def make(signed_in: bool) -> Watched:
        user = new_page()
        seen = Watched(user)
        user.page.add_init_script("window.__xss = []")
        user.page.on("request", lambda r: seen.requests.append(r.url))
        user.page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
        if signed_in:
            r = user.page.request.post(f"{live_server}/api/v1/auth/login", data={"username": ADMIN, "password": ADMIN_PASSWORD})
            assert r.ok, r.text()
        return seen

    return make


def assert_reads(page: Page, selector: str, *texts: str) -> None:
    """Each of `texts` is text of the element, character for character (so it was not taken as markup)."""
    for t in texts:
        expect(page.locator(selector).first).to_contain_text(t)


def map_url(planted: Planted, layers: str, **extra: str) -> str:
    x, y = planted.location
    params = {"c": f"{y:.5f},{x:.5f},13", "layers": layers, "cluster": str(planted.cluster), **extra}
    return "?" + "&".join(f"{k}={quote(v)}" for k, v in params.items())


def open_all_tooltips(page: Page, *expected: str) -> None:
    page.wait_for_function(OPEN_ALL_TOOLTIPS, arg=list(expected), polling=500, timeout=20_000)


def check_public_views(seen: Watched, planted: Planted, layers: str) -> None:
    """The map with every tooltip and label, the park drawer, the lists, the filter chips, the search
    suggestions and the carrier drawer: what anyone sees."""
    page = seen.user.open(map_url(planted, layers, open=f"park:{planted.park}"))
    open_all_tooltips(page, PARK["short_name"], PARK["partner"], CLUSTER, CARRIER["name"])
    assert_reads(page, ".partner-name", PARK["partner"])
    assert_reads(
        page,
        "#detail",
        PARK["name"],
        PARK["short_name"],
        PARK["profile"],
        PARK["source"],
        PARK["industry"],
        PARK["partner"],
        CLUSTER,
        CARRIER["name"],
    )
    assert_reads(page, "#results", PARK["name"], PARK["industry"])
    assert_reads(page, "#filters .chips", CLUSTER)
    page.locator(".tabs [data-tab=carriers]").click()
    assert_reads(page, "#results", CARRIER["name"], PARK["name"])

    page.fill("#search-input", "XSS园区")
    assert_reads(page, "#search-list", PARK["name"])
    page.locator("#search-input").press("Escape")

    page = seen.user.open(map_url(planted, layers, open=f"carrier:{planted.carrier}"))
    assert_reads(page, "#detail", CARRIER["name"], CARRIER["readiness"], CARRIER["description"], PARK["name"])

    page = seen.user.open("?" + "&".join(f"{k}={quote(v)}" for k, v in {"q": URL_QUERY}.items()))
    assert_reads(page, "#filters .chips", URL_QUERY)


def test_the_public_sees_every_planted_text_as_text(watched: Callable[..., Watched], planted: Planted) -> None:
    seen = watched(signed_in=False)
    check_public_views(seen, planted, "regions,parks,cooperation,carriers,clusters")
    seen.assert_nothing_ran()


def test_an_admin_sees_every_planted_text_as_text(watched: Callable[..., Watched], planted: Planted) -> None:
    seen = watched(signed_in=True)
    check_public_views(seen, planted, "regions,parks,cooperation,carriers,clusters")
    assert_reads(seen.page, "#user-area", DISPLAY_NAME)

    # The staff layers' tooltips: targets (enterprise, chain, link, intended park) and chain gaps.
    page = seen.user.open(map_url(planted, "regions,parks,carriers,gaps,targets", open=f"park:{planted.park}"))
    open_all_tooltips(page, EXTERNAL, CHAIN, LINK, PARK["name"])

    # The drawer as staff: contacts (a javascript: phone or e-mail stays a tel:/mailto: link), history.
    assert_reads(page, "#detail .contacts", PARK["contact"], PARK["role"], PARK["phone"], PARK["email"])
    hrefs = page.locator("#detail .contacts a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert hrefs == [f"tel:{PARK['phone']}", f"mailto:{PARK['email']}"]
    page.locator("#detail [data-staff=history]").click()
    assert_reads(page, "#detail [data-history-list]", KEY_NAME)

    # The edit form holds the values as values.
    page.locator("#detail [data-staff=edit]").click()
    page.wait_for_selector("#edit-form")
    assert page.input_value("#edit-form [name=name]") == PARK["name"]
    assert page.input_value("#edit-form [name=short_name]") == PARK["short_name"]
    assert page.input_value("#edit-form [name=profile]") == PARK["profile"]
    assert page.input_value("#edit-form [name=leading_industries]") == PARK["industry"]
    assert_reads(page, "#editor .detail-sub", PARK["name"])
    page.locator("#editor [data-cancel]").first.click()

    # The admin page: users, keys and the audit trail.
    page.locator("#user-area [data-user-menu]").click()
    page.locator("#user-area [data-menu=admin]").click()
    assert_reads(page, "[data-users]", DISPLAY_NAME)
    page.locator("[data-admin-tab=keys]").click()
    assert_reads(page, "[data-keys]", KEY_NAME)
    page.locator("[data-admin-tab=audit]").click()
    page.fill("[data-audit-filter] [name=actor]", f"key:{KEY_NAME}")
    page.locator("[data-audit-filter] [type=submit]").click()
    assert_reads(page, "[data-audit-table] tbody", KEY_NAME)
    page.locator("[data-admin-close]").click()

    # The workbench: the chain view with the link's enterprises (and their map tooltip), the target list.
    page.locator("#workbench-btn").click()
    page.wait_for_selector("[data-flow]")
    page.select_option("[data-pick=chain]", str(planted.chain))
    page.select_option("[data-pick=kind]", "park")
    page.select_option("[data-pick=area]", str(planted.park))
    assert_reads(page, "[data-area-name]", PARK["name"])
    assert_reads(page, "[data-flow]", LINK)
    page.locator(f".link-box[data-link-id='{planted.link}']").click()
    assert_reads(page, "[data-enterprises]", LOCAL, PARK["name"])
    page.locator(f"[data-enterprises] [data-enterprise-id='{planted.ids['local']}']").click()
    expect(page.locator(".leaflet-tooltip", has_text=LOCAL)).to_have_count(1)
    page.select_option("[data-pick=kind]", "city")
    page.select_option("[data-pick=area]", "360100")
    page.locator(f".link-box[data-link-id='{planted.link}']").click()
    assert_reads(page, "[data-link-targets]", EXTERNAL, TARGET["owner"], PARK["name"])
    page.locator("[data-show-targets]").click()
    page.wait_for_selector("[data-targets-table]")
    assert_reads(
        page,
        "[data-targets-table]",
        EXTERNAL,
        CHAIN,
        LINK,
        TARGET["owner"],
        TARGET["next_action"],
        TARGET["reason"],
        PARK["name"],
    )
    assert_reads(page, "[data-clear-scope]", LINK)
    seen.assert_nothing_ran()
