"""The page's pure modules, run by Node: the GCJ-02 maths against app/geo/coords.py, and the strings."""

import json
import re
import subprocess

import numpy as np

from app.core.settings import PROJECT_ROOT
from app.geo.coords import gcj02_to_wgs84, wgs84_to_gcj02

SRC = PROJECT_ROOT / "frontend" / "src"


def node(script: str, payload: object) -> object:
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script, json.dumps(payload)], capture_output=True, text=True, check=True, cwd=SRC
    )
    return json.loads(out.stdout)


def test_js_gcj02_matches_python() -> None:
    # A grid over Jiangxi plus points across China and one outside (passed through unchanged).
    lon, lat = np.meshgrid(np.linspace(113.5, 118.5, 15), np.linspace(24.5, 30.1, 15))
    points = [
        *zip(lon.ravel().tolist(), lat.ravel().tolist(), strict=True),
        (121.4737, 31.2304),
        (87.6168, 43.8256),
        (126.6425, 45.7567),
        (139.69, 35.68),
    ]
    js = node(
        f"""
        import {{ wgs84ToGcj02, gcj02ToWgs84 }} from '{SRC / "coords.js"}';
        const pts = JSON.parse(process.argv[1]);
        console.log(JSON.stringify(pts.map(([x, y]) => [...wgs84ToGcj02(x, y), ...gcj02ToWgs84(x, y)])));
    """,
        points,
    )
    got = np.array(js)
    x, y = np.array(points).T
    fx, fy = wgs84_to_gcj02(x, y)
    ix, iy = gcj02_to_wgs84(x, y)
    assert np.abs(got[:, 0] - fx).max() < 1e-11 and np.abs(got[:, 1] - fy).max() < 1e-11
    assert np.abs(got[:, 2] - ix).max() < 1e-8 and np.abs(got[:, 3] - iy).max() < 1e-8
    # The shift is real (hundreds of metres) inside China, and nothing outside it.
    assert np.abs(got[:-1, 0] - x[:-1]).min() > 1e-3
    assert got[-1].tolist() == [139.69, 35.68, 139.69, 35.68]


def test_every_string_exists_in_both_languages_and_every_used_key_is_defined() -> None:
    keys = node(
        f"""
        import {{ STRINGS }} from '{SRC / "i18n.js"}';
        console.log(JSON.stringify(Object.fromEntries(Object.entries(STRINGS).map(([l, s]) => [l, Object.keys(s)]))));
    """,
        None,
    )
    assert isinstance(keys, dict)
    assert set(keys["zh"]) == set(keys["en"])
    # A t('...') with a typo would show the raw key to users.
    used = {k for path in SRC.rglob("*.js") for k in re.findall(r"\bt\('([\w.]+)'", path.read_text())}
    assert len(used) > 100
    assert used - set(keys["zh"]) == set()
