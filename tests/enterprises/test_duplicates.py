"""Before an officer records an enterprise not yet known: duplicates by USCC and by name."""

from tests.support.chains import created, enterprise_body, new_uscc


def test_duplicates_by_uscc_and_by_name(client, admin, callers) -> None:
    body = enterprise_body([113.93, 22.53], is_local=False, name="深圳（测试）查重科技有限公司")
    with created(client, admin, "/api/v1/enterprises", body) as known:
        path = "/api/v1/enterprises/duplicates"

        def found(**params) -> list[tuple[int, str]]:
            r = client.get(path, params=params, headers=callers["officer_in"])
            assert r.status_code == 200, r.text
            return [(e["id"], e["match"]) for e in r.json() if e["id"] == known["id"]]

        assert found(uscc=known["uscc"].lower()) == [(known["id"], "uscc")]
        # The same name with other brackets and spaces; a part of it; a longer name holding it.
        assert found(name="深圳(测试) 查重科技有限公司") == [(known["id"], "name")]
        assert found(name="查重科技") == [(known["id"], "name")]
        assert found(name="深圳（测试）查重科技有限公司南昌分公司") == [(known["id"], "name")]
        assert found(uscc=known["uscc"], name="别的名字") == [(known["id"], "uscc")]
        assert found(name="查重") == [] and found(uscc=new_uscc()) == []
        wrong_check = known["uscc"][:17] + ("1" if known["uscc"][17] != "1" else "2")
        r = client.get(path, params={"uscc": wrong_check}, headers=admin)
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "uscc"
        assert client.get(path, headers=admin).status_code == 422
        assert client.get(path, params={"name": "查重科技"}).status_code == 401
        # A second record under the same code is refused by the create itself.
        again = client.post("/api/v1/enterprises", json={**body, "name": "另一家"}, headers=admin)
        assert again.status_code == 409, again.text
