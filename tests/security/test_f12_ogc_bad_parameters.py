"""Finding 12: OGC items answered 500 for NUL bytes and out-of-range integers in filters (a raw
cursor bypassed the DataError mapping), and the server then dropped the keep-alive connection.
Every such parameter is now a 400 with the OGC exception body, naming the parameter."""

import http.client
from urllib.parse import urlsplit

import pytest

HUGE = "9" * 30
INT4_OVERFLOW = str(2**31)

BAD = [
    ("land", "name=%00", "name"),
    ("land", "status=%00", "status"),
    ("regions", "adcode=%00", "adcode"),
    ("land", f"park_id={INT4_OVERFLOW}", "park_id"),
    ("land", f"floors=-{HUGE}", "floors"),
    ("factories", f"lease_term_years={HUGE}", "lease_term_years"),
    ("parks", f"after={INT4_OVERFLOW}", "after"),
    ("land", f"before={HUGE}", "before"),
    ("regions", "after=%00", "after"),
    ("parks", "bbox=1,2,3,nan", "bbox"),
    ("land", "bbox=inf,24,116,30", "bbox"),
    ("parks", "datetime=2024-13-01", "datetime"),
    ("parks", "as_of=2024-02-30", "as_of"),
    ("land", f"limit={HUGE}", "limit"),
]


@pytest.mark.parametrize(("collection", "query", "field"), BAD)
def test_bad_parameters_are_400_with_the_ogc_body(client, collection: str, query: str, field: str) -> None:
    r = client.get(f"/ogc/collections/{collection}/items?{query}")
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] == "InvalidParameterValue" and body["description"] and body["description_zh"]
    assert body["error"]["details"][0]["field"] == field


@pytest.mark.parametrize(
    "url",
    [
        f"/ogc/collections/land/items/{HUGE}",
        f"/ogc/collections/land/items/{INT4_OVERFLOW}",
        "/ogc/collections/regions/items/%00",
        "/ogc/collections/regions/items/%FF",
    ],
)
def test_impossible_feature_ids_are_404(client, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404 and r.json()["code"] == "NotFound", r.text


@pytest.mark.parametrize(
    "url",
    [
        "/ogc/collections/parks/items?name=%FF%FE",  # not UTF-8: read as U+FFFD, a name no park has
        "/ogc/collections/%FF/items",
        "/tiles/%FF/1/1/1.mvt",
        "/tiles/land.json?status=%00",
        f"/tiles/land/12/3300/1700.mvt?min_area={HUGE}",
        "/tiles/land/12/3300/1700.mvt?region=%00",
        f"/tiles/land/{HUGE}/1/1.mvt",
        f"/tiles/land/10/{HUGE}/1.mvt",
    ],
)
def test_other_odd_values_are_answered_without_a_server_error(client, url: str) -> None:
    assert client.get(url).status_code < 500


def test_the_connection_is_kept_after_a_refused_parameter(live_server) -> None:
    """The 400 is an ordinary answer: the next request goes over the same keep-alive connection."""
    where = urlsplit(live_server)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    try:
        conn.request("GET", f"/ogc/collections/land/items?park_id={INT4_OVERFLOW}")
        refused = conn.getresponse()
        refused.read()
        assert refused.status == 400 and not refused.will_close
        sock = conn.sock
        conn.request("GET", "/ogc/collections/land/items?limit=1")
        ok = conn.getresponse()
        ok.read()
        assert ok.status == 200 and conn.sock is sock
    finally:
        conn.close()
