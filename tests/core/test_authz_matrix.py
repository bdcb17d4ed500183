"""Role × endpoint matrix, generated from the app's routes: a new route fails this test until
its expected answers for every kind of caller are written down here."""

import itertools
from collections.abc import Callable
from datetime import date
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute

from app.main import create_app
from tests.support.inquiries import matrix_rows as inquiry_rows
from tests.support.principals import PASSWORD, login

CALLERS = ["anonymous", "officer_in", "officer_out", "leader", "admin", "key_write", "key_regions_only"]
_n = itertools.count()

# Expected status per caller, in CALLERS order. Writes are on records in 南昌县 (inside officer_in's
# and key_write's scope, outside officer_out's).
PUBLIC_READ = (200, 200, 200, 200, 200, 200, 403)
OPEN = (200,) * 7
WRITE = (401, "ok", 403, 403, "ok", "ok", 403)
ADMIN_ONLY = (401, 403, 403, 403, "ok", 403, 403)
STAFF_READ = (401, 200, 200, 200, 200, 403, 403)
AUDITORS = (401, 403, 403, 200, 200, 403, 403)
# Target lists and recorded gaps: staff in whose scope the area lies; never partner keys.
STAFF_WRITE = (401, "ok", 403, 403, "ok", 403, 403)


def _park_body() -> dict:
    return {
        "name": f"矩阵测试园区 {next(_n)}",
        "level": "provincial",
        "type": "industrial",
        "region_adcode": "360121",
        "location": {"type": "Point", "coordinates": [115.93, 28.52]},
        "source": "authz matrix",
    }


def _carrier_body(park_id: int) -> dict:
    return {
        "kind": "factory",
        "name": f"矩阵厂房 {next(_n)}",
        "park_id": park_id,
        "area_m2": 1000,
        "geometry": {"type": "Point", "coordinates": [115.931, 28.521]},
        "source": "authz matrix",
    }


def _cluster_body() -> dict:
    return {"name": f"矩阵集群 {next(_n)}", "tier": "municipal", "city_adcodes": ["360100"], "source": "authz matrix"}


def _chain_body() -> dict:
    return {"name": f"矩阵产业链 {next(_n)}", "source": "authz matrix", "published": True}


def _enterprise_body() -> dict:
    from tests.support.chains import enterprise_body

    return enterprise_body([115.93, 28.52], name=f"矩阵企业 {next(_n)}")


NANCHANG_COUNTIES = ["360102", "360103", "360104", "360111", "360112", "360113", "360121", "360123", "360124"]


def _gap_body() -> dict:
    n = next(_n)  # one record per link and area: spread them over links and Nanchang's counties
    return {"link_id": n % 80 + 1, "region_adcode": NANCHANG_COUNTIES[n // 80 % 9], "reason": "矩阵", "source": "authz matrix"}


class World:
    """Records the requests act on, created fresh by the admin so no test depends on another."""

    def __init__(self, client, admin) -> None:
        self.client, self.admin = client, admin
        parks = client.get("/api/v1/parks", params={"q": "小蓝经济", "limit": 1}).json()["items"]
        self.xiaolan = parks[0]["id"]
        self.carrier = client.get("/api/v1/carriers", params={"limit": 1}).json()["items"][0]["id"]
        self.cluster = client.get("/api/v1/clusters", params={"limit": 1}).json()["items"][0]["id"]
        self.chain = client.get("/api/v1/chains", params={"limit": 1}).json()["items"][0]
        self.enterprise = client.get("/api/v1/enterprises", params={"limit": 1}).json()["items"][0]["id"]
        self.external = [
            e["id"]
            for e in client.get("/api/v1/enterprises", headers=admin, params={"is_local": "false", "limit": 100}).json()["items"]
        ]
        self.target = client.get("/api/v1/targets", params={"limit": 1}, headers=admin).json()["items"][0]["id"]

    def new(self, path: str, body: dict) -> str:
        r = self.client.post(path, json=body, headers=self.admin)
        assert r.status_code == 201, r.text
        return f"{path}/{r.json()['id']}"

    def new_park(self) -> str:
        return self.new("/api/v1/parks", _park_body())

    def new_link(self) -> str:
        chain = self.new("/api/v1/chains", _chain_body())
        return self.new(f"{chain}/links", {"name": "矩阵环节", "position": "upstream"})

    def target_body(self) -> dict:
        n = next(_n)
        return {
            "enterprise_id": self.external[n % len(self.external)],
            "link_id": n % 80 + 1,
            "region_adcode": "360121",
            "source": "authz matrix",
        }

    def new_target(self) -> str:
        return self.new("/api/v1/targets", self.target_body())

    def new_project(self) -> str:
        return self.new("/api/v1/projects", _project_body(self.enterprise))

    def reported_project(self) -> str:
        project = self.new_project()
        body = {"month": THIS_MONTH, "investment_month_wan": 1, "investment_total_wan": 1}
        assert self.client.post(f"{project}/reports", json=body, headers=self.admin).status_code == 201
        return project

    def signed_target(self) -> str:
        target = self.new_target()
        r = self.client.post(f"{target}/signing", json=_signing_body(), headers=self.admin)
        assert r.status_code == 201, r.text
        return target


THIS_MONTH = f"{date.today():%Y-%m}"
MATRIX_POINT = {"type": "Point", "coordinates": [115.93, 28.52]}


def _project_body(enterprise: int) -> dict:
    return {
        "name": f"矩阵项目 {next(_n)}",
        "enterprise_id": enterprise,
        "region_adcode": "360121",
        "location": MATRIX_POINT,
        "investment_wan": 100,
        "signed_on": "2025-01-10",
        "source": "authz matrix",
    }


def _signing_body() -> dict:
    # From 线索 straight to 签约: a skip, confirmed; the target's county and this point place the project.
    body = {"name": "矩阵签约", "signed_on": "2025-01-10", "investment_wan": 100, "location": MATRIX_POINT}
    return {**body, "confirm_skip": True, "reason": "矩阵"}


Request = tuple[str, str, dict | None, dict[str, str]]  # method, url, json, extra headers
ROUTES: dict[str, tuple[tuple, Callable[[World], Request]]] = {
    "GET /healthz": (OPEN, lambda w: ("GET", "/healthz", None, {})),
    "GET /readyz": (OPEN, lambda w: ("GET", "/readyz", None, {})),
    # Loopback callers or the metrics token only (tests/core/test_metrics.py); no role opens it.
    "GET /metrics": ((403,) * 7, lambda w: ("GET", "/metrics", None, {})),
    "GET /api/v1/codes": (OPEN, lambda w: ("GET", "/api/v1/codes", None, {})),
    "GET /api/v1/auth/me": (OPEN, lambda w: ("GET", "/api/v1/auth/me", None, {})),
    "POST /api/v1/auth/login": ((422,) * 7, lambda w: ("POST", "/api/v1/auth/login", {}, {})),
    # Signs out a throwaway session, not the caller's own (which the other cases still need).
    "POST /api/v1/auth/logout": (
        (204,) * 7,
        lambda w: ("POST", "/api/v1/auth/logout", None, {"Cookie": login(w.client, "leader", PASSWORD)["Cookie"]}),
    ),
    # A wrong current password: nobody's password changes here (tests/security/test_f14_accounts.py does).
    "POST /api/v1/auth/password": (
        (401, 422, 422, 422, 422, 403, 403),
        lambda w: ("POST", "/api/v1/auth/password", {"current_password": "not it", "new_password": "a long new passphrase"}, {}),
    ),
    "GET /api/v1/admin/users": (ADMIN_ONLY, lambda w: ("GET", "/api/v1/admin/users", None, {})),
    "POST /api/v1/admin/users/{user_id}/password": (
        ADMIN_ONLY,
        lambda w: (
            "POST",
            w.new("/api/v1/admin/users", {"username": f"matrix{next(_n)}", "display_name": "m", "role": "leader"}) + "/password",
            None,
            {},
        ),
    ),
    "POST /api/v1/admin/users": (
        ADMIN_ONLY,
        lambda w: ("POST", "/api/v1/admin/users", {"username": f"matrix{next(_n)}", "display_name": "m", "role": "leader"}, {}),
    ),
    "PATCH /api/v1/admin/users/{user_id}": (
        ADMIN_ONLY,
        lambda w: ("PATCH", "/api/v1/admin/users/1", {"display_name": "Administrator"}, {}),
    ),
    "GET /api/v1/admin/keys": (ADMIN_ONLY, lambda w: ("GET", "/api/v1/admin/keys", None, {})),
    "POST /api/v1/admin/keys": (
        ADMIN_ONLY,
        lambda w: ("POST", "/api/v1/admin/keys", {"name": f"matrix-key-{next(_n)}", "collections": ["parks"]}, {}),
    ),
    "DELETE /api/v1/admin/keys/{key_id}": (
        ADMIN_ONLY,
        lambda w: (
            "DELETE",
            "/api/v1/admin/keys/"
            + str(
                w.client.post(
                    "/api/v1/admin/keys", headers=w.admin, json={"name": f"doomed-{next(_n)}", "collections": ["parks"]}
                ).json()["id"]
            ),
            None,
            {},
        ),
    ),
    "GET /api/v1/audit": (AUDITORS, lambda w: ("GET", "/api/v1/audit?limit=5", None, {})),
    "GET /api/v1/{collection}/{item_id}/history": (STAFF_READ, lambda w: ("GET", f"{w.new_park()}/history", None, {})),
    "GET /api/v1/regions": (OPEN, lambda w: ("GET", "/api/v1/regions?level=city", None, {})),
    "GET /api/v1/regions/lookup": (OPEN, lambda w: ("GET", "/api/v1/regions/lookup?lon=115.9&lat=28.6", None, {})),
    "GET /api/v1/regions/{adcode}": (OPEN, lambda w: ("GET", "/api/v1/regions/360100", None, {})),
    "GET /api/v1/parks": (PUBLIC_READ, lambda w: ("GET", "/api/v1/parks", None, {})),
    "GET /api/v1/parks/{item_id}": (PUBLIC_READ, lambda w: ("GET", f"/api/v1/parks/{w.xiaolan}", None, {})),
    "POST /api/v1/parks": (WRITE, lambda w: ("POST", "/api/v1/parks", _park_body(), {})),
    "PATCH /api/v1/parks/{item_id}": (WRITE, lambda w: _edit(w, "PATCH", w.new_park(), {"short_name": "改"})),
    "DELETE /api/v1/parks/{item_id}": (WRITE, lambda w: _edit(w, "DELETE", w.new_park(), None)),
    "GET /api/v1/carriers": (PUBLIC_READ, lambda w: ("GET", "/api/v1/carriers?limit=3", None, {})),
    "GET /api/v1/carriers/{item_id}": (PUBLIC_READ, lambda w: ("GET", f"/api/v1/carriers/{w.carrier}", None, {})),
    "POST /api/v1/carriers": (WRITE, lambda w: ("POST", "/api/v1/carriers", _carrier_body(w.xiaolan), {})),
    "PATCH /api/v1/carriers/{item_id}": (
        WRITE,
        lambda w: _edit(w, "PATCH", w.new("/api/v1/carriers", _carrier_body(w.xiaolan)), {"status": "reserved"}),
    ),
    "DELETE /api/v1/carriers/{item_id}": (
        WRITE,
        lambda w: _edit(w, "DELETE", w.new("/api/v1/carriers", _carrier_body(w.xiaolan)), None),
    ),
    "GET /api/v1/clusters": (PUBLIC_READ, lambda w: ("GET", "/api/v1/clusters", None, {})),
    "GET /api/v1/clusters/{item_id}": (PUBLIC_READ, lambda w: ("GET", f"/api/v1/clusters/{w.cluster}", None, {})),
    "POST /api/v1/clusters": (WRITE, lambda w: ("POST", "/api/v1/clusters", _cluster_body(), {})),
    "PATCH /api/v1/clusters/{item_id}": (
        WRITE,
        lambda w: _edit(w, "PATCH", w.new("/api/v1/clusters", _cluster_body()), {"description": "改"}),
    ),
    "DELETE /api/v1/clusters/{item_id}": (WRITE, lambda w: _edit(w, "DELETE", w.new("/api/v1/clusters", _cluster_body()), None)),
    # The map page's own reads (app/web, app/search): parks and carriers data, guarded like them.
    "GET /api/v1/map/parks": (PUBLIC_READ, lambda w: ("GET", "/api/v1/map/parks?level=national", None, {})),
    "GET /api/v1/map/carriers": (PUBLIC_READ, lambda w: ("GET", "/api/v1/map/carriers?limit=3", None, {})),
    "GET /api/v1/map/regions": (OPEN, lambda w: ("GET", "/api/v1/map/regions?level=city", None, {})),
    "GET /api/v1/config": (OPEN, lambda w: ("GET", "/api/v1/config", None, {})),
    "GET /": (OPEN, lambda w: ("GET", "/", None, {})),
    "GET /favicon.svg": (OPEN, lambda w: ("GET", "/favicon.svg", None, {})),
    "GET /docs": (OPEN, lambda w: ("GET", "/docs", None, {})),
    "GET /redoc": (OPEN, lambda w: ("GET", "/redoc", None, {})),
    "GET /api/v1/search": (PUBLIC_READ, lambda w: ("GET", "/api/v1/search?q=南昌", None, {})),
    # OGC API - Features and vector tiles (app/ogc, app/tiles): an API key reads only the layers of
    # its collections; the land layer is of "carriers".
    "GET /ogc": (OPEN, lambda w: ("GET", "/ogc", None, {})),
    "GET /ogc/conformance": (OPEN, lambda w: ("GET", "/ogc/conformance", None, {})),
    "GET /ogc/api": (OPEN, lambda w: ("GET", "/ogc/api", None, {})),
    "GET /ogc/collections": (OPEN, lambda w: ("GET", "/ogc/collections", None, {})),
    "GET /ogc/collections/{collection_id}": (PUBLIC_READ, lambda w: ("GET", "/ogc/collections/land", None, {})),
    "GET /ogc/collections/{collection_id}/queryables": (
        PUBLIC_READ,
        lambda w: ("GET", "/ogc/collections/land/queryables", None, {}),
    ),
    "GET /ogc/collections/{collection_id}/schema": (PUBLIC_READ, lambda w: ("GET", "/ogc/collections/land/schema", None, {})),
    "GET /ogc/collections/{collection_id}/items": (
        PUBLIC_READ,
        lambda w: ("GET", "/ogc/collections/land/items?limit=2", None, {}),
    ),
    "GET /ogc/collections/{collection_id}/items/{feature_id}": (
        PUBLIC_READ,
        lambda w: ("GET", f"/ogc/collections/land/items/{w.carrier}", None, {}),
    ),
    "GET /tiles/{layer_id}/{z}/{x}/{y}.mvt": (PUBLIC_READ, lambda w: ("GET", "/tiles/land/8/210/106.mvt", None, {})),
    "GET /tiles/{layer_id}.json": (PUBLIC_READ, lambda w: ("GET", "/tiles/land.json", None, {})),
    "GET /api/v1/chains": (PUBLIC_READ, lambda w: ("GET", "/api/v1/chains", None, {})),
    "GET /api/v1/chains/{item_id}": (PUBLIC_READ, lambda w: ("GET", f"/api/v1/chains/{w.chain['id']}", None, {})),
    "POST /api/v1/chains": (ADMIN_ONLY, lambda w: ("POST", "/api/v1/chains", _chain_body(), {})),
    "PATCH /api/v1/chains/{item_id}": (
        ADMIN_ONLY,
        lambda w: _edit(w, "PATCH", w.new("/api/v1/chains", _chain_body()), {"description": "改"}),
    ),
    "DELETE /api/v1/chains/{item_id}": (ADMIN_ONLY, lambda w: _edit(w, "DELETE", w.new("/api/v1/chains", _chain_body()), None)),
    "GET /api/v1/chains/{chain_id}/links/{link_id}": (
        PUBLIC_READ,
        lambda w: ("GET", f"/api/v1/chains/{w.chain['id']}/links/{w.chain['links'][0]['id']}", None, {}),
    ),
    "POST /api/v1/chains/{chain_id}/links": (
        ADMIN_ONLY,
        lambda w: ("POST", w.new("/api/v1/chains", _chain_body()) + "/links", {"name": "矩阵", "position": "upstream"}, {}),
    ),
    "PATCH /api/v1/chains/{chain_id}/links/{link_id}": (
        ADMIN_ONLY,
        lambda w: _edit(w, "PATCH", w.new_link(), {"keywords": ["改"]}),
    ),
    "DELETE /api/v1/chains/{chain_id}/links/{link_id}": (ADMIN_ONLY, lambda w: _edit(w, "DELETE", w.new_link(), None)),
    "GET /api/v1/chains/{chain_id}/coverage": (
        STAFF_READ,
        lambda w: ("GET", f"/api/v1/chains/{w.chain['id']}/coverage?region=360100", None, {}),
    ),
    "GET /api/v1/gaps": (STAFF_READ, lambda w: ("GET", "/api/v1/gaps?limit=5", None, {})),
    "GET /api/v1/gap_records": (STAFF_READ, lambda w: ("GET", "/api/v1/gap_records", None, {})),
    "GET /api/v1/gap_records/{item_id}": (STAFF_READ, lambda w: ("GET", w.new("/api/v1/gap_records", _gap_body()), None, {})),
    "POST /api/v1/gap_records": (STAFF_WRITE, lambda w: ("POST", "/api/v1/gap_records", _gap_body(), {})),
    "PATCH /api/v1/gap_records/{item_id}": (
        STAFF_WRITE,
        lambda w: _edit(w, "PATCH", w.new("/api/v1/gap_records", _gap_body()), {"priority": "high"}),
    ),
    "DELETE /api/v1/gap_records/{item_id}": (
        STAFF_WRITE,
        lambda w: _edit(w, "DELETE", w.new("/api/v1/gap_records", _gap_body()), None),
    ),
    "GET /api/v1/enterprises": (PUBLIC_READ, lambda w: ("GET", "/api/v1/enterprises?limit=3", None, {})),
    "GET /api/v1/enterprises/export": (PUBLIC_READ, lambda w: ("GET", "/api/v1/enterprises/export?chain=1", None, {})),
    "GET /api/v1/enterprises/{item_id}": (PUBLIC_READ, lambda w: ("GET", f"/api/v1/enterprises/{w.enterprise}", None, {})),
    "POST /api/v1/enterprises": (WRITE, lambda w: ("POST", "/api/v1/enterprises", _enterprise_body(), {})),
    "PATCH /api/v1/enterprises/{item_id}": (
        WRITE,
        lambda w: _edit(w, "PATCH", w.new("/api/v1/enterprises", _enterprise_body()), {"employees": 12}),
    ),
    "DELETE /api/v1/enterprises/{item_id}": (
        WRITE,
        lambda w: _edit(w, "DELETE", w.new("/api/v1/enterprises", _enterprise_body()), None),
    ),
    "GET /api/v1/targets": (STAFF_READ, lambda w: ("GET", "/api/v1/targets?limit=3", None, {})),
    "GET /api/v1/targets/export": (STAFF_READ, lambda w: ("GET", "/api/v1/targets/export?format=csv", None, {})),
    "GET /api/v1/exports/carriers": (PUBLIC_READ, lambda w: ("GET", "/api/v1/exports/carriers?park=1&format=csv", None, {})),
    "GET /api/v1/exports/parks": (PUBLIC_READ, lambda w: ("GET", "/api/v1/exports/parks?level=national&format=csv", None, {})),
    "GET /api/v1/exports/enterprises": (
        PUBLIC_READ,
        lambda w: ("GET", "/api/v1/exports/enterprises?limit=5&format=csv", None, {}),
    ),
    "GET /api/v1/exports/targets": (STAFF_READ, lambda w: ("GET", "/api/v1/exports/targets?format=csv", None, {})),
    # Staff who may write in the park; partner keys may not import. The empty body is a 422 once allowed.
    "POST /api/v1/imports/carriers": (
        (401, 422, 403, 403, 422, 403, 403),
        lambda w: ("POST", f"/api/v1/imports/carriers?park={w.new_park().rsplit('/', 1)[1]}&name=x.geojson", None, {}),
    ),
    # Staff who may write; the regions are checked row by row, so an empty body is a 422 for every officer.
    "POST /api/v1/imports/enterprises": (
        (401, 422, 422, 403, 422, 403, 403),
        lambda w: ("POST", "/api/v1/imports/enterprises?name=x.xlsx", None, {}),
    ),
    # As enterprises: each park's regions are checked row by row.
    "POST /api/v1/imports/parks": (
        (401, 422, 422, 403, 422, 403, 403),
        lambda w: ("POST", "/api/v1/imports/parks?name=x.xlsx", None, {}),
    ),
    # A job is its starter's (or an admin's): an unknown one is a 404 for staff, never for keys.
    "GET /api/v1/imports/jobs/{job_id}": (
        (401, 404, 404, 404, 404, 403, 403),
        lambda w: ("GET", "/api/v1/imports/jobs/999999", None, {}),
    ),
    "POST /api/v1/imports/jobs/{job_id}/cancel": (
        (401, 404, 404, 403, 404, 403, 403),
        lambda w: ("POST", "/api/v1/imports/jobs/999999/cancel", None, {}),
    ),
    "GET /api/v1/targets/{item_id}": (STAFF_READ, lambda w: ("GET", f"/api/v1/targets/{w.target}", None, {})),
    "POST /api/v1/targets": (STAFF_WRITE, lambda w: ("POST", "/api/v1/targets", w.target_body(), {})),
    "PATCH /api/v1/targets/{item_id}": (STAFF_WRITE, lambda w: _edit(w, "PATCH", w.new_target(), {"owner": "矩阵"})),
    "DELETE /api/v1/targets/{item_id}": (STAFF_WRITE, lambda w: _edit(w, "DELETE", w.new_target(), None)),
    "POST /api/v1/targets/{item_id}/transitions": (
        STAFF_WRITE,
        lambda w: ("POST", f"{w.new_target()}/transitions", {"to": "contacted"}, {}),
    ),
    "GET /api/v1/targets/candidates": (
        STAFF_READ,
        lambda w: ("GET", "/api/v1/targets/candidates?link=3&region=360700", None, {}),
    ),
    "GET /api/v1/targets/{item_id}/stages": (STAFF_READ, lambda w: ("GET", f"/api/v1/targets/{w.target}/stages", None, {})),
    "GET /api/v1/targets/{item_id}/activities": (
        STAFF_READ,
        lambda w: ("GET", f"/api/v1/targets/{w.target}/activities", None, {}),
    ),
    "POST /api/v1/targets/{item_id}/activities": (
        STAFF_WRITE,
        lambda w: ("POST", f"{w.new_target()}/activities", {"kind": "call", "happened_on": "2026-11-02", "summary": "矩阵"}, {}),
    ),
    "POST /api/v1/targets/{item_id}/signing": (
        STAFF_WRITE,
        lambda w: ("POST", f"{w.new_target()}/signing", _signing_body(), {}),
    ),
    "POST /api/v1/targets/{item_id}/signing/undo": (
        ADMIN_ONLY,
        lambda w: ("POST", f"{w.signed_target()}/signing/undo", {"reason": "矩阵"}, {}),
    ),
    "GET /api/v1/enterprises/duplicates": (
        STAFF_READ,
        lambda w: ("GET", "/api/v1/enterprises/duplicates?name=矩阵企业", None, {}),
    ),
    "GET /api/v1/projects": (STAFF_READ, lambda w: ("GET", "/api/v1/projects?limit=3", None, {})),
    "GET /api/v1/projects/export": (STAFF_READ, lambda w: ("GET", "/api/v1/projects/export?format=csv", None, {})),
    "GET /api/v1/projects/behind": (STAFF_READ, lambda w: ("GET", "/api/v1/projects/behind?status=red", None, {})),
    "GET /api/v1/projects/{item_id}": (STAFF_READ, lambda w: ("GET", w.new_project(), None, {})),
    "POST /api/v1/projects": (STAFF_WRITE, lambda w: ("POST", "/api/v1/projects", _project_body(w.enterprise), {})),
    "PATCH /api/v1/projects/{item_id}": (STAFF_WRITE, lambda w: _edit(w, "PATCH", w.new_project(), {"officer": "矩阵"})),
    "DELETE /api/v1/projects/{item_id}": (STAFF_WRITE, lambda w: _edit(w, "DELETE", w.new_project(), None)),
    "POST /api/v1/projects/{item_id}/transitions": (
        STAFF_WRITE,
        lambda w: ("POST", f"{w.new_project()}/transitions", {"to": "started", "on": "2025-03-01"}, {}),
    ),
    "GET /api/v1/projects/{item_id}/reports": (STAFF_READ, lambda w: ("GET", f"{w.new_project()}/reports", None, {})),
    "POST /api/v1/projects/{item_id}/reports": (
        STAFF_WRITE,
        lambda w: (
            "POST",
            f"{w.new_project()}/reports",
            {"month": THIS_MONTH, "investment_month_wan": 1, "investment_total_wan": 1},
            {},
        ),
    ),
    # This month is open: its officers change it; leaders correct closed months only.
    "PUT /api/v1/projects/{item_id}/reports/{month}": (
        STAFF_WRITE,
        lambda w: (
            "PUT",
            f"{w.reported_project()}/reports/{THIS_MONTH}",
            {"investment_month_wan": 2, "investment_total_wan": 2},
            {},
        ),
    ),
    # The public version: published clusters and their sourced figures, guarded like the clusters.
    "GET /api/v1/dashboard": (PUBLIC_READ, lambda w: ("GET", "/api/v1/dashboard", None, {})),
    "GET /api/v1/dashboard/export": (PUBLIC_READ, lambda w: ("GET", "/api/v1/dashboard/export?table=clusters", None, {})),
}
ROUTES.update(inquiry_rows(OPEN, STAFF_READ, WRITE))


def _facility_body() -> dict:
    return {
        "kind": "university",
        "name": f"矩阵大学 {next(_n)}",
        "location": {"type": "Point", "coordinates": [115.93, 28.52]},
        "source": "authz matrix",
    }


def _first_facility(w: World) -> str:
    return f"/api/v1/facilities/{w.client.get('/api/v1/facilities', params={'limit': 1}).json()['items'][0]['id']}"


def _two_parks(w: World) -> str:
    items = w.client.get("/api/v1/parks", params={"limit": 2}).json()["items"]
    return ",".join(str(p["id"]) for p in items)


# Facilities: published reference rows for everyone with the collection; written by admins only.
# Site selection reads carriers (and parks to compare): guarded like their lists.
ROUTES.update(
    {
        "GET /api/v1/facilities": (PUBLIC_READ, lambda w: ("GET", "/api/v1/facilities?limit=3", None, {})),
        "GET /api/v1/facilities/{item_id}": (PUBLIC_READ, lambda w: ("GET", _first_facility(w), None, {})),
        "POST /api/v1/facilities": (ADMIN_ONLY, lambda w: ("POST", "/api/v1/facilities", _facility_body(), {})),
        "PATCH /api/v1/facilities/{item_id}": (
            ADMIN_ONLY,
            lambda w: _edit(w, "PATCH", w.new("/api/v1/facilities", _facility_body()), {"name": "改"}),
        ),
        "DELETE /api/v1/facilities/{item_id}": (
            ADMIN_ONLY,
            lambda w: _edit(w, "DELETE", w.new("/api/v1/facilities", _facility_body()), None),
        ),
        "POST /api/v1/sites/match": (PUBLIC_READ, lambda w: ("POST", "/api/v1/sites/match", {"kind": "land", "limit": 3}, {})),
        "GET /api/v1/sites/match": (
            PUBLIC_READ,
            lambda w: ("GET", "/api/v1/sites/match?r=" + quote('{"kind": "land", "limit": 3}'), None, {}),
        ),
        "GET /api/v1/sites/compare": (PUBLIC_READ, lambda w: ("GET", f"/api/v1/sites/compare?parks={_two_parks(w)}", None, {})),
    }
)
# Brochures: the public edition for everyone (it is read as an anonymous visitor whoever asks);
# booklets for staff only, checked before the city or the job is looked up (a county and an
# unknown job are 404 to staff and refused to others), so that no booklet is printed here.
STAFF_LOOKUP = (401, 404, 404, 404, 404, 403, 403)
ROUTES.update(
    {
        "GET /api/v1/brochures/{scope}/{key}.html": (
            OPEN,
            lambda w: ("GET", f"/api/v1/brochures/park/{w.xiaolan}.html", None, {}),
        ),
        "GET /api/v1/brochures/{scope}/{key}.pdf": (OPEN, lambda w: ("GET", f"/api/v1/brochures/park/{w.xiaolan}.pdf", None, {})),
        "GET /api/v1/brochures/{scope}/{key}.png": (OPEN, lambda w: ("GET", f"/api/v1/brochures/park/{w.xiaolan}.png", None, {})),
        "GET /api/v1/brochures/assets/{name}": (OPEN, lambda w: ("GET", "/api/v1/brochures/assets/brochure.css", None, {})),
        "POST /api/v1/brochures/booklets": (STAFF_LOOKUP, lambda w: ("POST", "/api/v1/brochures/booklets?city=360121", None, {})),
        "GET /api/v1/brochures/booklets/{job_id}": (STAFF_LOOKUP, lambda w: ("GET", "/api/v1/brochures/booklets/none", None, {})),
        "GET /api/v1/brochures/booklets/{job_id}.pdf": (
            STAFF_LOOKUP,
            lambda w: ("GET", "/api/v1/brochures/booklets/none.pdf", None, {}),
        ),
    }
)


def _edit(w: World, method: str, path: str, body: dict | None) -> Request:
    etag = w.client.get(path, headers=w.admin).headers["etag"]
    return method, path, body, {"If-Match": etag}


def _walk(routes: list, prefix: str = "") -> list[tuple[str, set[str]]]:
    """Every endpoint with its full path, through included routers."""
    found = []
    for r in routes:
        if isinstance(r, APIRoute):
            found.append((prefix + r.path_format, r.methods))
        elif hasattr(r, "original_router"):
            found += _walk(r.original_router.routes, prefix + r.include_context.prefix)
    return found


def _app_routes() -> set[str]:
    app = create_app()
    docs = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    return {f"{m} {path}" for path, methods in _walk(app.router.routes) if path not in docs for m in methods - {"HEAD"}}


def test_every_route_is_in_the_matrix() -> None:
    assert _app_routes() == set(ROUTES)


@pytest.fixture(scope="module")
def world(client, admin, callers) -> World:
    return World(client, admin)


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("caller", CALLERS)
def test_matrix(client, callers, world: World, route: str, caller: str) -> None:
    expected_row, build = ROUTES[route]
    expected = expected_row[CALLERS.index(caller)]
    method, url, body, extra = build(world)
    r = client.request(method, url, json=body, headers={**callers[caller], **extra})
    if expected == "ok":
        assert 200 <= r.status_code < 300, f"{route} as {caller}: {r.status_code} {r.text[:300]}"
    else:
        assert r.status_code == expected, f"{route} as {caller}: {r.status_code} {r.text[:300]}"
    if r.status_code >= 400:
        assert r.json()["error"]["message"] and r.json()["error"]["message_zh"]
