"""Exports of the target list and of enterprise lists: they open in openpyxl (XLSX) and as UTF-8
with a byte order mark (CSV), are headed in Chinese, and hold exactly the filtered rows."""

import csv
import io

import openpyxl
import pytest

TARGET_HEADERS = [
    "目标企业",
    "统一社会信用代码",
    "产业链",
    "产业链环节",
    "招商区域",
    "优先级",
    "责任人",
    "意向园区",
    "阶段",
    "阶段更新时间",
    "放弃原因",
    "下一步行动",
    "计划日期",
    "是否逾期",
    "备注",
    "数据来源",
    "演示数据",
]
ENTERPRISE_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "本地/外地",
    "所在设区市",
    "所在县（市、区）",
    "所在园区",
    "产业链/环节",
    "企业标签",
    "营业收入（亿元）",
    "从业人数",
    "数据年份",
    "经度",
    "纬度",
    "数据来源",
    "数据时点",
    "演示数据",
    "更新时间",
]


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    return list(openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf"), "Excel and WPS need the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _listed(client, admin, path: str, params: dict) -> list[dict]:
    return client.get(path, params={**params, "limit": 10_000}, headers=admin).json()["items"]


TARGET_FILTERS = [
    {},
    {"stage": "negotiating"},
    {"chain": 2, "priority": "high"},
    {"overdue": "true"},
    {"owner": "招商二科", "sort": "-next_action_date"},
]


@pytest.mark.parametrize("params", TARGET_FILTERS)
def test_target_list_exports(client, admin, params: dict) -> None:
    listed = _listed(client, admin, "/api/v1/targets", params)
    assert listed or params == {"overdue": "true"}
    sheet = _sheet(client.get("/api/v1/targets/export", params={**params, "format": "xlsx"}, headers=admin))
    assert list(sheet[0]) == TARGET_HEADERS
    # Same rows, same order (the list's sort), whatever page size the list was asked with.
    assert [(r[0], r[1]) for r in sheet[1:]] == [(t["enterprise_name"], t["enterprise_uscc"]) for t in listed]
    rows = _csv(client.get("/api/v1/targets/export", params={**params, "format": "csv", "limit": 1}, headers=admin))
    assert rows[0] == TARGET_HEADERS and [r[1] for r in rows[1:]] == [t["enterprise_uscc"] for t in listed]


def test_target_cells_read_as_people_expect(client, admin) -> None:
    listed = _listed(client, admin, "/api/v1/targets", {"stage": "dropped"})
    sheet = _sheet(client.get("/api/v1/targets/export", params={"stage": "dropped"}, headers=admin))
    labels = {"high": "高", "medium": "中", "low": "低"}
    for row, target in zip(sheet[1:], listed, strict=True):
        cells = dict(zip(TARGET_HEADERS, row, strict=True))
        assert cells["阶段"] == "放弃" and cells["放弃原因"] == target["drop_reason"]
        assert cells["优先级"] == labels[target["priority"]] and cells["招商区域"] == target["area_name"]
        assert cells["是否逾期"] == "否" and cells["演示数据"] == "是"
        assert cells["阶段更新时间"].tzinfo is None  # spreadsheets have no time zones: China time


ENTERPRISE_FILTERS = [
    {"chain": 1},
    {"tag": "high_tech", "region": "360700"},
    {"is_local": "false"},
    {"q": "吉安", "sort": "-revenue_yi"},
    {"link": 5, "cluster": 1},
]


@pytest.mark.parametrize("params", ENTERPRISE_FILTERS)
def test_enterprise_list_exports(client, admin, params: dict) -> None:
    listed = _listed(client, admin, "/api/v1/enterprises", params)
    assert listed
    sheet = _sheet(client.get("/api/v1/enterprises/export", params={**params, "format": "xlsx"}, headers=admin))
    assert list(sheet[0]) == ENTERPRISE_HEADERS
    assert [r[1] for r in sheet[1:]] == [e["uscc"] for e in listed]
    rows = _csv(client.get("/api/v1/enterprises/export", params={**params, "format": "csv"}, headers=admin))
    assert rows[0] == ENTERPRISE_HEADERS and [r[1] for r in rows[1:]] == [e["uscc"] for e in listed]


def test_enterprise_cells(client, admin) -> None:
    listed = _listed(client, admin, "/api/v1/enterprises", {"tag": "chain_leader", "is_local": "true"})
    sheet = _sheet(client.get("/api/v1/enterprises/export", params={"tag": "chain_leader", "is_local": "true"}, headers=admin))
    for row, e in zip(sheet[1:], listed, strict=True):
        cells = dict(zip(ENTERPRISE_HEADERS, row, strict=True))
        assert "链主" in cells["企业标签"] and cells["本地/外地"] == "本地" and cells["所在县（市、区）"] == e["region_name"]
        assert cells["营业收入（亿元）"] == pytest.approx(e["revenue_yi"])
        assert [cells["经度"], cells["纬度"]] == pytest.approx(e["location"]["coordinates"], abs=1e-6)
        assert cells["产业链/环节"] == "；".join(f"{lk['chain_name']}/{lk['name']}" for lk in e["links"])


def test_the_download_is_named_in_chinese(client, admin) -> None:
    disposition = client.get("/api/v1/targets/export", params={"format": "csv"}, headers=admin).headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''%E6%8B%9B%E5%95%86" in disposition


def test_a_bad_format_is_named(client, admin) -> None:
    r = client.get("/api/v1/targets/export", params={"format": "pdf"}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "format"
