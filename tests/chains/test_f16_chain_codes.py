"""Issue 16: every link's GB/T 4754-2017 code comes with its class title (fasteners are C3482
紧固件制造, not C3393), and a title for a code the link does not have is refused."""

import json

from tests.support.reference_files import GEODATA


def _links(client, chain_name: str) -> dict[str, dict]:
    chain = next(c for c in client.get("/api/v1/chains", params={"limit": 1000}).json()["items"] if c["name"] == chain_name)
    return {lk["name"]: lk for lk in chain["links"]}


def test_codes_carry_their_class_titles(client) -> None:
    fasteners = _links(client, "航空产业链")["航空标准件与紧固件"]
    assert "C3482" in fasteners["industry_codes"] and "C3393" not in fasteners["industry_codes"]
    assert fasteners["industry_classes"]["C3482"] == "紧固件制造"
    assert _links(client, "稀土新材料及应用产业链")["节能家电"]["industry_classes"]["C3852"] == "家用空气调节器制造"
    # Every code of every reference link has its title, as chains.json gives it.
    document = json.loads((GEODATA / "chains.json").read_text(encoding="utf-8"))
    for raw in document["chains"]:
        links = _links(client, raw["name"])
        stack = list(raw["links"])
        while stack:
            link = stack.pop()
            stack.extend(link.get("children", []))
            assert links[link["name"]]["industry_classes"] == link["industry_classes"]
            assert set(link["industry_classes"]) == set(link["industry_codes"])


def test_a_title_for_a_code_the_link_lacks_is_refused(client, admin) -> None:
    chain = next(c for c in client.get("/api/v1/chains", params={"limit": 1000}).json()["items"] if c["name"] == "航空产业链")
    body = {"name": "测试环节", "position": "upstream", "industry_codes": ["C3482"], "industry_classes": {"C3393": "错"}}
    r = client.post(f"/api/v1/chains/{chain['id']}/links", json=body, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "industry_classes", r.text
