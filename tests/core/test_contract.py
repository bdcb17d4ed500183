"""The bodies PostgreSQL builds carry exactly the fields the OpenAPI document promises."""

import pytest

from app.carriers.schemas import CarrierOut
from app.clusters.schemas import ClusterOut
from app.parks.schemas import ParkOut
from app.regions.schemas import RegionOut


@pytest.mark.parametrize(
    ("path", "model", "detail_only"),
    [
        ("/api/v1/parks", ParkOut, {"available_carriers", "available_carriers_demo", "contacts"}),  # contacts: staff only
        ("/api/v1/carriers", CarrierOut, set()),
        ("/api/v1/clusters", ClusterOut, set()),
        ("/api/v1/regions", RegionOut, {"boundary"}),
    ],
)
def test_list_items_match_the_documented_model(client, path: str, model, detail_only: set[str]) -> None:
    item = client.get(path, params={"limit": 1}).json()["items"][0]
    assert set(item) == set(model.model_fields) - detail_only
    model.model_validate(item)


def test_staff_also_get_the_internal_fields(client, admin) -> None:
    item = client.get("/api/v1/parks", params={"limit": 1}, headers=admin).json()["items"][0]
    assert set(item) == set(ParkOut.model_fields) - {"available_carriers", "available_carriers_demo"}


def test_openapi_documents_bodies_and_errors(client) -> None:
    spec = client.get("/openapi.json").json()
    parks = spec["paths"]["/api/v1/parks"]["get"]["responses"]
    assert parks["200"]["content"]["application/json"]["schema"]["$ref"].endswith("ParkOutPage")
    assert "application/geo+json" in parks["200"]["content"]
    assert parks["422"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorBody")
    assert "leading_industries" in spec["components"]["schemas"]["ParkOut"]["properties"]


def test_codes_have_both_labels(client) -> None:
    codes = client.get("/api/v1/codes").json()
    assert {"code": "etdz", "zh": "经济技术开发区", "en": "economic and technological development zone"} in codes["park_type"]
    assert {c["code"] for c in codes["carrier_kind"]} == {"land", "factory", "office"}
    assert all(c["zh"] and c["en"] for values in codes.values() for c in values)
