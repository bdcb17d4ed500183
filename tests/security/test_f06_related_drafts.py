"""Finding 6 of issue 9: names (and ids) of related records obey the rule of the records: a caller
who may not see a draft never finds it through a record that refers to it, on any surface."""

import csv
import io

import mapbox_vector_tile
import pytest

from tests.security.support import Records, cluster_body, park_body, plot_body, square
from tests.support.chains import enterprise_body
from tests.support.tiles import tile_of

DRAFT_GZ, DRAFT_NC, DRAFT_PARK = "第九号草稿集群（赣州）", "第九号草稿集群（南昌）", "第九号草稿园区"
DRAFTS = (DRAFT_GZ, DRAFT_NC, DRAFT_PARK)
POINT = [115.95, 28.49]  # 南昌县


@pytest.fixture(scope="module")
def world(client, admin):
    """A published park in two draft clusters (of 赣州 and of 南昌) and one published cluster; a
    draft park in that published cluster, holding a published enterprise and a published plot;
    a published chain of a draft cluster and the published one."""
    with Records(client, admin) as rec:
        park = rec.make("/api/v1/parks", park_body(point=POINT, published=True))
        draft_park = rec.make("/api/v1/parks", park_body(point=POINT, name=DRAFT_PARK))
        draft_gz = rec.make("/api/v1/clusters", cluster_body(["360700"], name=DRAFT_GZ, park_ids=[park["id"]]))
        draft_nc = rec.make("/api/v1/clusters", cluster_body(["360100"], name=DRAFT_NC, park_ids=[park["id"]]))
        public = rec.make("/api/v1/clusters", cluster_body(["360100"], park_ids=[park["id"], draft_park["id"]], published=True))
        chain = rec.make(
            "/api/v1/chains",
            {
                "name": "第九号问题产业链",
                "source": "issue 9 tests",
                "published": True,
                "cluster_ids": [draft_gz["id"], public["id"]],
            },
        )
        # A link no enterprise covers: a computed gap in each of the chain's clusters, and one recorded in the draft park.
        link = rec.make(f"/api/v1/chains/{chain['id']}/links", {"name": "第九号问题环节", "position": "upstream"})
        rec.make(
            "/api/v1/gap_records",
            {"link_id": link["id"], "park_id": draft_park["id"], "reason": "草稿园区缺", "source": "issue 9 tests"},
        )
        enterprise = rec.make(
            "/api/v1/enterprises", enterprise_body(POINT, name="第九号问题企业", park_id=draft_park["id"], published=True)
        )
        plot = rec.make("/api/v1/carriers", plot_body(draft_park["id"], square(*POINT), published=True))
        yield {
            "park": park,
            "draft_park": draft_park,
            "draft_gz": draft_gz,
            "draft_nc": draft_nc,
            "public": public,
            "chain": chain,
            "enterprise": enterprise,
            "plot": plot,
        }


def _no_drafts(text: str) -> None:
    for name in DRAFTS:
        assert name not in text


def test_a_public_park_names_only_published_clusters(client, world) -> None:
    park, public = world["park"], world["public"]
    ref = [{"id": public["id"], "name": public["name"]}]
    one = client.get(f"/api/v1/parks/{park['id']}").json()
    assert one["cluster_ids"] == [public["id"]] and one["clusters"] == ref
    for params in ({"q": park["name"]}, {"q": park["name"], "f": "geojson"}):
        r = client.get("/api/v1/parks", params=params)
        _no_drafts(r.text)
        items = r.json().get("items") or [f["properties"] for f in r.json()["features"]]
        assert [p["clusters"] for p in items] == [ref]
    r = client.get("/api/v1/map/parks", params={"q": park["name"]})
    assert [p["clusters"] for p in r.json()["items"]] == [ref]
    feature = client.get(f"/ogc/collections/parks/items/{park['id']}").json()
    assert feature["properties"]["clusters"] == ref and feature["properties"]["cluster_ids"] == [public["id"]]
    _no_drafts(client.get("/ogc/collections/parks/items", params={"limit": 1000}).text)
    _no_drafts(client.get("/ogc/collections/cooperation_parks/items", params={"limit": 1000}).text)


def test_a_draft_cluster_has_no_parks_for_the_public(client, world) -> None:
    assert client.get("/api/v1/parks", params={"cluster": world["draft_gz"]["id"]}).json()["items"] == []
    listed = client.get("/api/v1/parks", params={"cluster": world["public"]["id"]}).json()["items"]
    assert [p["id"] for p in listed] == [world["park"]["id"]]
    assert client.get("/api/v1/clusters", params={"park": world["draft_park"]["id"]}).json()["items"] == []


def test_a_public_cluster_lists_only_published_parks(client, world) -> None:
    path = f"/api/v1/clusters/{world['public']['id']}"
    assert client.get(path).json()["park_ids"] == [world["park"]["id"]]
    feature = client.get(f"/ogc/collections/clusters/items/{world['public']['id']}").json()
    assert feature["properties"]["park_ids"] == [world["park"]["id"]]


def test_a_public_chain_names_only_published_clusters(client, world) -> None:
    chain = client.get(f"/api/v1/chains/{world['chain']['id']}").json()
    assert chain["cluster_ids"] == [world["public"]["id"]]
    assert chain["clusters"] == [{"id": world["public"]["id"], "name": world["public"]["name"]}]
    assert client.get("/api/v1/chains", params={"cluster": world["draft_gz"]["id"]}).json()["items"] == []


def test_a_public_enterprise_does_not_name_its_draft_park(client, admin, world) -> None:
    path = f"/api/v1/enterprises/{world['enterprise']['id']}"
    one = client.get(path).json()
    assert one["park_id"] is None and one["park_name"] is None
    for params in ({"q": "第九号问题企业"}, {"q": "第九号问题企业", "f": "geojson"}):
        r = client.get("/api/v1/enterprises", params=params)
        assert r.status_code == 200 and "第九号问题企业" in r.text
        _no_drafts(r.text)
    export = client.get("/api/v1/enterprises/export", params={"q": "第九号问题企业", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [r["企业名称"] for r in rows] == ["第九号问题企业"] and rows[0]["所在园区"] == ""
    staff = client.get("/api/v1/enterprises/export", params={"q": "第九号问题企业", "format": "csv"}, headers=admin)
    assert DRAFT_PARK in staff.content.decode("utf-8-sig")
    assert client.get(path, headers=admin).json()["park_name"] == DRAFT_PARK


def test_a_plot_of_a_draft_park_is_nowhere_public(client, world) -> None:
    plot = world["plot"]["id"]
    assert client.get(f"/api/v1/carriers/{plot}").status_code == 404
    assert client.get(f"/ogc/collections/land/items/{plot}").status_code == 404
    box = ",".join(str(v) for v in (POINT[0] - 0.01, POINT[1] - 0.01, POINT[0] + 0.01, POINT[1] + 0.01))
    page = client.get("/ogc/collections/land/items", params={"bbox": box, "limit": 1000})
    assert page.status_code == 200 and plot not in [f["id"] for f in page.json()["features"]]
    _no_drafts(page.text)
    _no_drafts(client.get("/api/v1/map/carriers", params={"bbox": box, "limit": 1000}).text)
    x, y = tile_of(*POINT, 14)
    for layer in ("land", "parks"):
        tile = mapbox_vector_tile.decode(client.get(f"/tiles/{layer}/14/{x}/{y}.mvt").content)
        features = tile.get(layer, {}).get("features", [])
        assert plot not in [f["id"] for f in features if layer == "land"]
        _no_drafts(str([f["properties"] for f in features]))
    _no_drafts(client.get("/api/v1/search", params={"q": "第九号"}).text)


def test_a_write_key_sees_the_drafts_of_its_scope_and_staff_all(client, admin, callers, world) -> None:
    park, public = world["park"], world["public"]
    ids = sorted([world["draft_nc"]["id"], public["id"]])
    key = callers["key_write"]  # Nanchang's: the Nanchang draft is its own, the Ganzhou one is not
    assert client.get(f"/api/v1/parks/{park['id']}", headers=key).json()["cluster_ids"] == ids
    feature = client.get(f"/ogc/collections/parks/items/{park['id']}", headers=key).json()
    assert [c["name"] for c in feature["properties"]["clusters"]] == [
        world["draft_nc"]["name"] if i == world["draft_nc"]["id"] else public["name"] for i in ids
    ]
    everything = sorted([world["draft_gz"]["id"], world["draft_nc"]["id"], public["id"]])
    assert client.get(f"/api/v1/parks/{park['id']}", headers=admin).json()["cluster_ids"] == everything
    assert client.get(f"/api/v1/clusters/{public['id']}", headers=key).json()["park_ids"] == sorted(
        [park["id"], world["draft_park"]["id"]]
    )
    export = client.get("/api/v1/enterprises/export", params={"q": "第九号问题企业", "format": "csv"}, headers=key)
    assert list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))[0]["所在园区"] == DRAFT_PARK


def test_a_gaps_key_gets_no_gap_of_a_draft(client, admin, world) -> None:
    r = client.post("/api/v1/admin/keys", headers=admin, json={"name": "f06-gaps", "collections": ["gaps"]})
    key = {"Authorization": f"Bearer {r.json()['key']}"}
    try:
        by_key = client.get("/ogc/collections/gaps/items", params={"limit": 10000}, headers=key)
        by_staff = client.get("/ogc/collections/gaps/items", params={"limit": 10000}, headers=admin)
        areas = {
            f["properties"]["area_name"]
            for f in by_staff.json()["features"]
            if f["properties"]["chain_id"] == world["chain"]["id"]
        }
        assert areas == {DRAFT_GZ, DRAFT_PARK, world["public"]["name"]}
        assert [
            f["properties"]["area_name"] for f in by_key.json()["features"] if f["properties"]["chain_id"] == world["chain"]["id"]
        ] == [world["public"]["name"]]
        _no_drafts(by_key.text)
        x, y = tile_of(*POINT, 8)
        _no_drafts(str(mapbox_vector_tile.decode(client.get(f"/tiles/gaps/8/{x}/{y}.mvt", headers=key).content)))
    finally:
        client.delete(f"/api/v1/admin/keys/{r.json()['id']}", headers=admin)
