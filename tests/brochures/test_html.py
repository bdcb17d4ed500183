"""The web edition of the 招商册 (issue 15): sections present only with data, figures equal to the
database's, every interpolation escaped, the internal edition for staff only and marked."""

import re
from html import escape

import pytest
from markupsafe import escape as markup_escape
from sqlalchemy import text

from tests.brochures.conftest import GAP_REASON, HOSTILE, HOTLINE, POLICY, SECRET_NAME, SECRET_PHONE
from tests.support.chains import created, delete

SECTIONS = (
    "profile",
    "figures",
    "maps",
    "parks",
    "land",
    "factories",
    "chains",
    "enterprises",
    "distances",
    "policies",
    "services",
    "contacts",
    "gaps",
    "targets",
    "sources",
)


def sections(html: str) -> set[str]:
    return {s for s in SECTIONS if f'<section id="{s}"' in html}


def figure(html: str, key: str) -> str:
    """The value cell of a key figure, without its unit."""
    found = re.search(rf'<tr data-figure="{key}">\s*<td>[^<]*</td>\s*<td[^>]*>([^<]*)</td>', html)
    assert found, key
    return found.group(1).split(" ")[0].replace(",", "")


def get(client, path: str, headers: dict | None = None, **params: str):
    return client.get(f"/api/v1/brochures/{path}", params=params, headers=headers or {})


def test_a_park_with_data_has_its_sections_and_the_databases_figures(client, db, hostile_park) -> None:
    r = get(client, f"park/{hostile_park['id']}.html")
    assert r.status_code == 200, r.text
    html = r.text
    assert sections(html) == {"profile", "figures", "maps", "land", "distances", "policies", "services", "sources"}
    policies = html.split('<section id="policies"', 1)[1].split("</section>", 1)[0]
    assert all(escape(POLICY[k]) in policies for k in ("title", "issuer", "issued_on", "summary", "url"))
    assert figure(html, "approved_area") == "321.5"
    # The other area is named by what it measures, never 核准面积.
    assert figure(html, "area") == "1200" and '<tr data-figure="area">\n      <td>规划面积</td>' in html
    assert figure(html, "land_available") == "2"
    area_m2 = db.execute(text("SELECT sum(area_m2) FROM carriers WHERE park_id = :p"), {"p": hostile_park["id"]}).scalar_one()
    assert float(figure(html, "land_available_area")) == pytest.approx(round(float(area_m2) * 15 / 10_000, 1))
    # The largest plot first, then the smaller; by price the cheaper first.
    assert html.index("大地块") < html.index("小地块")
    by_price = get(client, f"park/{hostile_park['id']}.html", sort="price").text
    assert by_price.index("小地块") < by_price.index("大地块")
    # Every figure and row cites its source, listed with its as-of date.
    assert "test suite (数据时点 2026-01-15)" in html and "plot survey 2026 (数据时点 2026-02-01)" in html


def test_a_park_lists_its_nearest_facilities_as_the_database_keeps_them(client, db, hostile_park) -> None:
    nearest = db.execute(
        text(
            "SELECT d.kind, f.name, round((d.distance_m / 1000)::numeric, 1), f.location_precision, f.source "
            "FROM facility_distances d JOIN facilities f ON f.id = d.facility_id "
            "WHERE d.subject = 'park' AND d.subject_id = :p ORDER BY d.kind"
        ),
        {"p": hostile_park["id"]},
    ).all()
    assert nearest  # the reference facilities are loaded
    for lang, label in (("zh", "直线距离"), ("en", "Straight-line")):
        html = get(client, f"park/{hostile_park['id']}.html", lang=lang).text
        table = html.split('<section id="distances"', 1)[1].split("</section>", 1)[0]
        assert label in table
        rows = re.findall(
            r'<tr data-kind="(\w+)"><td>[^<]*</td><td>([^<]*)<sup[^>]*>[^<]*</sup></td><td class="num">([^<]*)</td>', table
        )
        expected = [
            (kind, escape(name), ("" if precision == "exact" else "≈ ") + f"{km:g}") for kind, name, km, precision, _ in nearest
        ]
        assert sorted(rows) == expected
        # Each facility's source is cited, escaped as Jinja escapes (Ji'an: &#39;, not html's &#x27;).
        assert all(str(markup_escape(source)) in html for *_, source in nearest)


def test_a_bare_park_has_only_the_sections_it_has_data_for(client, bare_park) -> None:
    html = get(client, f"park/{bare_park['id']}.html").text
    assert sections(html) == {"figures", "maps", "distances", "sources"}
    assert 'data-figure="land_available"' not in html and 'data-figure="approved_area"' not in html


def test_every_interpolation_is_escaped(client, hostile_park) -> None:
    html = get(client, f"park/{hostile_park['id']}.html").text
    assert "<img src=x" not in html and "<script>alert" not in html and "<b>汽车" not in html
    assert escape(HOSTILE) == "&lt;img src=x onerror=alert(1)&gt;园区" and escape(HOSTILE) in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_a_city_lists_its_published_parks_as_the_database_does(client, db, hostile_park, bare_park) -> None:
    html = get(client, "city/360100.html", lang="en").text
    assert sections(html) >= {"figures", "maps", "parks", "land", "sources"}
    names = db.execute(
        text(
            "SELECT p.name FROM parks p JOIN regions r ON r.adcode = p.region_adcode "
            "WHERE p.published AND (r.parent_adcode = '360100' OR r.adcode = '360100')"
        )
    ).scalars()
    expected = sorted(names)
    table = html.split('<section id="parks"', 1)[1].split("</section>", 1)[0]
    listed = re.findall(r"<tr><td>([^<]+?)(?:<sup|</td>)", table)
    assert sorted(n.replace("&lt;", "<").replace("&gt;", ">") for n in listed) == expected
    assert figure(html, "parks") == str(len(expected))
    assert "City investment guide" in html and 'lang="en"' in html
    # The city's plots are generated demo data: the cover says so; the test park's are not.
    assert db.execute(
        text("SELECT bool_or(c.is_demo) FROM carriers c JOIN parks p ON p.id = c.park_id WHERE p.region_adcode LIKE '3601%'")
    ).scalar_one()
    assert 'id="demo-notice"' in html and "generated demo data" in html
    assert 'id="demo-notice"' not in get(client, f"park/{hostile_park['id']}.html").text


def test_the_public_edition_shows_no_contact_gap_or_draft(client, admin, db, hostile_park) -> None:
    link_id = db.execute(text("SELECT id FROM chain_links ORDER BY id LIMIT 1")).scalar_one()
    gap = {
        "link_id": link_id,
        "gap_class": "missing",
        "reason": GAP_REASON,
        "park_id": hostile_park["id"],
        "source": "test suite",
    }
    r = client.post("/api/v1/gap_records", json=gap, headers=admin)
    assert r.status_code == 201, r.text
    try:
        _public_and_internal(client, admin, hostile_park)
    finally:
        delete(client, admin, f"/api/v1/gap_records/{r.json()['id']}")


def _public_and_internal(client, admin, hostile_park) -> None:
    public = get(client, f"park/{hostile_park['id']}.html", headers=admin).text
    for secret in (SECRET_NAME, SECRET_PHONE, GAP_REASON, "内部资料"):
        assert secret not in public
    # The public contact fields are the public's: the hotline and website, in both editions.
    assert "services" in sections(public) and HOTLINE in public and "https://invest.example.cn/park" in public
    internal = get(client, f"park/{hostile_park['id']}.html", headers=admin, edition="internal").text
    assert {"contacts", "gaps"} <= sections(internal)
    for secret in (SECRET_NAME, SECRET_PHONE, GAP_REASON, "内部资料 注意保密"):
        assert secret in internal
    assert "internal.css" in internal


def test_an_unpublished_park_is_no_public_brochure(client, admin) -> None:
    body = {
        "name": "草稿园区",
        "level": "provincial",
        "type": "industrial",
        "region_adcode": "360121",
        "location": {"type": "Point", "coordinates": [115.93, 28.52]},
        "source": "test suite",
    }
    with created(client, admin, "/api/v1/parks", body) as park:
        assert get(client, f"park/{park['id']}.html").status_code == 404
        assert get(client, f"park/{park['id']}.html", headers=admin).status_code == 404
        assert get(client, f"park/{park['id']}.html", headers=admin, edition="internal").status_code == 200


@pytest.mark.parametrize("caller", ["anonymous", "key_write"])
def test_the_internal_edition_is_refused_to_all_but_staff(client, callers, hostile_park, caller: str) -> None:
    r = get(client, f"park/{hostile_park['id']}.html", headers=callers[caller], edition="internal")
    assert r.status_code == 403
    assert r.json()["error"]["message_zh"] == "内部版招商册仅限工作人员查看"


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("park/999999.html", {}, 404),
        ("park/abc.html", {}, 404),
        ("county/360100.html", {}, 404),  # a city is not a county
        ("city/99.html", {}, 404),
        ("park/1.html", {"lang": "fr"}, 422),
        ("planet/1.html", {}, 422),
    ],
)
def test_bad_addresses_are_refused(client, path: str, params: dict, status: int) -> None:
    r = get(client, path, **params)
    assert r.status_code == status, r.text


def test_cluster_and_chain_brochures(client, db) -> None:
    cluster_id = db.execute(
        text("SELECT c.id FROM clusters c JOIN cluster_parks cp ON cp.cluster_id = c.id WHERE c.published ORDER BY c.id LIMIT 1")
    ).scalar_one()
    html = get(client, f"cluster/{cluster_id}.html").text
    assert {"figures", "parks", "maps"} <= sections(html)
    chain_id = db.execute(text("SELECT id FROM chains WHERE published ORDER BY id LIMIT 1")).scalar_one()
    html = get(client, f"chain/{chain_id}.html").text
    assert "chains" in sections(html)
    links = db.execute(text("SELECT count(*) FROM chain_links WHERE chain_id = :c"), {"c": chain_id}).scalar_one()
    table = html.split('<section id="chains"', 1)[1].split("</section>", 1)[0]
    assert table.count("<tr class=") == links


def test_target_lists_are_in_the_internal_edition_only(client, admin, db) -> None:
    cluster_id = db.execute(text("SELECT cluster_id FROM targets GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")).scalar_one()
    names = set(
        db.execute(
            text(
                "SELECT e.name FROM targets t JOIN enterprises e ON e.id = t.enterprise_id WHERE t.cluster_id = :c "
                "AND NOT EXISTS (SELECT 1 FROM enterprises l WHERE l.is_local AND l.name = e.name)"
            ),
            {"c": cluster_id},
        ).scalars()
    )
    assert names
    public = get(client, f"cluster/{cluster_id}.html", headers=admin).text
    internal = get(client, f"cluster/{cluster_id}.html", headers=admin, edition="internal").text
    assert "targets" not in sections(public) and not any(escape(n) in public for n in names)
    assert "targets" in sections(internal) and all(escape(n) in internal for n in names)
    # The gap analysis (缺/弱 per link) is the internal edition's; the public one only says what is sought.
    assert "缺链分析" in internal and "缺链分析" not in public and "重点招引" in public


def test_a_booklet_part_is_the_parks_own_brochure(db, hostile_park) -> None:
    from datetime import date

    from app.brochures.gather import gather
    from app.brochures.model import Edition, LandSort, Lang, Scope
    from app.brochures.render import Extras, render_booklet, render_html

    b = gather(db, Scope.PARK, str(hostile_park["id"]), Edition.PUBLIC, Lang.EN, LandSort.AREA)
    extras = Extras("http://live/?open=park:1", 7, ".", None, None, LandSort.AREA, running=True)
    alone = render_html(b, Lang.EN, extras, date(2026, 3, 1))
    booklet = render_booklet("City", [(b, extras)], Lang.EN, 7, ".", date(2026, 3, 1))
    body = alone[alone.index('<section class="cover" id="cover">') : alone.rindex("</body>")].strip()
    assert {"policies", "land", "sources"} <= sections(booklet) == sections(alone)
    part = booklet[booklet.index(f'<article class="park" id="park-{hostile_park["id"]}">') : booklet.rindex("</article>")]
    assert part.split(">", 1)[1].strip() == body
    assert escape(HOSTILE) in booklet and HOSTILE not in booklet
