"""geodata/check_reference.py on the shipped files, and on copies with one planted fault each: the
check passes on the data and names the row of every fault (point outside its county, a deny-listed
source, a tier no list has, a sub-park without its parent, two parks on one point, a wrong GB/T class)."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.reference_files import GEODATA

CHECK = GEODATA / "check_reference.py"


def run(directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), str(directory)], capture_output=True, text=True, timeout=120)


def test_the_shipped_reference_data_passes() -> None:
    done = run(GEODATA)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "points checked against 100 county polygons" in done.stdout
    assert "national etdz: 11 / 11" in done.stdout and "national hitech: 9 / 9" in done.stdout
    assert "national new_area: 1 / 1" in done.stdout


def _edit_csv(path: Path, name_field: str, name: str, **changes: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    row = next(r for r in rows if r[name_field] == name)
    row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _lonlat(name: str) -> dict[str, str]:
    with (GEODATA / "parks.csv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["name"] == name)
    return {"lon": row["lon"], "lat": row["lat"]}


def _wrong_class(directory: Path) -> None:
    path = directory / "chains.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    link = next(lk for lk in document["chains"][2]["links"] if lk["name"] == "航空标准件与紧固件")
    link["industry_codes"], link["industry_classes"] = ["C3393"], {"C3393": "紧固件制造"}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


FAULTS = {
    "point outside its county": (
        lambda d: _edit_csv(d / "parks.csv", "name", "南昌小蓝经济技术开发区", lon="114.93", lat="25.83"),
        "not inside county 360121",
    ),
    "deny-listed source": (
        lambda d: _edit_csv(d / "parks.csv", "name", "万载工业园区", source_url="http://www.handmsg.com/page/1.shtml"),
        "source on the deny list: http://www.handmsg.com",
    ),
    "media claim for a repost": (
        lambda d: _edit_csv(d / "parks.csv", "name", "万载工业园区", source_kind="official_media"),
        "is not a known official medium: mark it repost",
    ),
    "tier no list has": (
        lambda d: _edit_csv(d / "cluster_lists.csv", "name", "鹰饶抚昌铜基新材料集群", tier="national_advanced"),
        "a plan target has tier and status plan_target",
    ),
    "sub-park without its parent": (
        lambda d: _edit_csv(d / "parks.csv", "name", "井冈山经开区南山示范园", parent_name="不存在的经开区"),
        "parent 不存在的经开区 not in parks.csv",
    ),
    "two parks on one point": (
        lambda d: _edit_csv(d / "parks.csv", "name", "南昌高新技术产业开发区", **_lonlat("南昌经济技术开发区")),
        "on the same point as 南昌经济技术开发区",
    ),
    "wrong GB/T class": (_wrong_class, "C3393 is 锻件及粉末冶金制品制造"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_planted_fault_is_named(tmp_path: Path, fault: str) -> None:
    plant, message = FAULTS[fault]
    copy = tmp_path / "geodata"
    shutil.copytree(GEODATA, copy)
    plant(copy)
    done = run(copy)
    assert done.returncode == 1 and message in done.stdout, done.stdout
