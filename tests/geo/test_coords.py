"""Unit tests for app.geo.coords (pure numpy/shapely, no database).

Reference values are published test vectors of other open-source converters, quoted with
their repository and path. Only their numbers are used; none of their code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from numpy.typing import ArrayLike

from app.geo import coords
from app.geo.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    transform_geometry,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

LonLat = tuple[float, float]

REF_TOL = 1e-6  # degrees (~0.1 m): agreement with published vectors of the same formula
# The eviltransform and coordtransform-rs vectors are printed to full double precision from
# the same formula, so they also pin the constants (e.g. the Krasovsky axis, which moves
# results by only ~1e-7 degree) at this much tighter bound.
FULL_PRECISION_TOL = 1e-9
ROUND_TRIP_TOL = 1e-7  # degrees (~1 cm); the solver actually gets to ~1e-12

# (wgs_lon, wgs_lat, gcj_lon, gcj_lat) from GitHub googollee/eviltransform, python/test.py
# (commit 3416646a; the same three points are in go/transform_test.go): Shanghai, Shenzhen,
# Beijing. The file lists them as (lat, lng, lat, lng); reordered here to (lon, lat).
EVILTRANSFORM_PAIRS = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
]

# GitHub wyxloading/coordtransform-rs, tests/tests.rs (commit 9438edce): transforms of
# the point (116.404, 39.915).
CTRS_INPUT = (116.404, 39.915)
CTRS_WGS_TO_GCJ = (116.41024449916938, 39.91640428150164)
CTRS_GCJ_TO_BD = (116.41036949371029, 39.92133699351021)
CTRS_WGS_TO_BD = (116.41662724378733, 39.922699552216216)
# Same file, bd09_to_gcj02(116.404, 39.915). That library uses the closed-form
# approximation of the inverse, which is itself ~4e-7 degree off; still within REF_TOL.
CTRS_BD_TO_GCJ = (116.39762729119315, 39.90865673957631)

# Six Jiangxi city centres from GitHub hujiulong/gcoord, test/fixtures/china-cities.json
# (commit fedbaa10; values rounded there to 7 decimals): name, WGS84, GCJ02, BD09 as (lon, lat).
GCOORD_JIANGXI = [
    ("南昌市", (115.8532883, 28.6862124), (115.8582048, 28.6828963), (115.8647934, 28.688551)),
    ("九江市", (115.9968499, 29.7076312), (116.001935, 29.7050822), (116.0084664, 29.7109383)),
    ("景德镇市", (117.1731183, 29.2714155), (117.1784492, 29.2687882), (117.1850259, 29.2744352)),
    ("鹰潭市", (117.063936, 28.2633308), (117.0692038, 28.2601931), (117.0757788, 28.2658819)),
    ("上饶市", (117.9384636, 28.4582765), (117.943441, 28.4548671), (117.9498994, 28.4610993)),
    ("吉安市", (114.9598238, 27.0910873), (114.964704, 27.0876411), (114.9711059, 27.093971)),
]
# gcoord's GCJ02 column agrees with the public formula only to ~5e-6 degree (a systematic
# ~0.5 m, as if it came from Amap's live conversion service rather than the formula; gcoord
# itself compares at 4-5 decimals). Its BD09 column matches the formula to rounding.
GCOORD_GCJ_TOL = 1e-5


def _jiangxi_grid() -> tuple[np.ndarray, np.ndarray]:
    # 0.05-degree grid over the province's bounding box: 101 x 113 points.
    lon, lat = np.meshgrid(np.linspace(113.5, 118.5, 101), np.linspace(24.5, 30.1, 113))
    return lon, lat


def _max_err(a: tuple[ArrayLike, ArrayLike], b: tuple[ArrayLike, ArrayLike]) -> float:
    d_lon = np.abs(np.subtract(a[0], b[0]))
    d_lat = np.abs(np.subtract(a[1], b[1]))
    return float(max(np.max(d_lon), np.max(d_lat)))


# ----------------------------------------------------------------- published vectors


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), EVILTRANSFORM_PAIRS)
def test_wgs84_to_gcj02_matches_eviltransform(wlon: float, wlat: float, glon: float, glat: float) -> None:
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert abs(lon - glon) < REF_TOL
    assert abs(lat - glat) < REF_TOL
    assert _max_err((lon, lat), (glon, glat)) < FULL_PRECISION_TOL


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), EVILTRANSFORM_PAIRS)
def test_gcj02_to_wgs84_recovers_eviltransform_input(wlon: float, wlat: float, glon: float, glat: float) -> None:
    # The published pair gives the exact WGS-84 point, so the iterative inverse must land
    # on it far closer than the 1-2 m of the usual one-step approximation.
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert abs(lon - wlon) < REF_TOL
    assert abs(lat - wlat) < REF_TOL


def test_forward_transforms_match_coordtransform_rs() -> None:
    assert _max_err(wgs84_to_gcj02(*CTRS_INPUT), CTRS_WGS_TO_GCJ) < REF_TOL
    assert _max_err(gcj02_to_bd09(*CTRS_INPUT), CTRS_GCJ_TO_BD) < REF_TOL
    assert _max_err(wgs84_to_bd09(*CTRS_INPUT), CTRS_WGS_TO_BD) < REF_TOL
    for ours, ref in [
        (wgs84_to_gcj02(*CTRS_INPUT), CTRS_WGS_TO_GCJ),
        (gcj02_to_bd09(*CTRS_INPUT), CTRS_GCJ_TO_BD),
        (wgs84_to_bd09(*CTRS_INPUT), CTRS_WGS_TO_BD),
    ]:
        assert _max_err(ours, ref) < FULL_PRECISION_TOL
    assert _max_err(bd09_to_gcj02(*CTRS_INPUT), CTRS_BD_TO_GCJ) < REF_TOL


def test_bd09_inverse_is_exact_where_closed_form_is_not() -> None:
    # Our BD-09 -> GCJ-02 reproduces the BD-09 input when re-encoded; the reference
    # closed form does not (it misses by ~4e-7 degree). This pins down the difference.
    ours = bd09_to_gcj02(*CTRS_INPUT)
    assert _max_err(gcj02_to_bd09(*ours), CTRS_INPUT) < 1e-9
    assert _max_err(gcj02_to_bd09(*CTRS_BD_TO_GCJ), CTRS_INPUT) > 1e-7


@pytest.mark.parametrize(("name", "wgs", "gcj", "bd"), GCOORD_JIANGXI)
def test_gcj02_bd09_pairs_in_jiangxi(name: str, wgs: LonLat, gcj: LonLat, bd: LonLat) -> None:
    assert _max_err(gcj02_to_bd09(*gcj), bd) < REF_TOL, name
    assert _max_err(bd09_to_gcj02(*bd), gcj) < REF_TOL, name


@pytest.mark.parametrize(("name", "wgs", "gcj", "bd"), GCOORD_JIANGXI)
def test_wgs84_gcj02_pairs_in_jiangxi_within_a_metre(name: str, wgs: LonLat, gcj: LonLat, bd: LonLat) -> None:
    assert _max_err(wgs84_to_gcj02(*wgs), gcj) < GCOORD_GCJ_TOL, name
    assert _max_err(gcj02_to_wgs84(*gcj), wgs) < GCOORD_GCJ_TOL, name
    assert _max_err(bd09_to_wgs84(*bd), wgs) < GCOORD_GCJ_TOL, name


def test_offset_size_is_plausible_in_jiangxi() -> None:
    # GCJ-02 moves Jiangxi points a few hundred metres (east and south); zero or km-scale
    # shifts would mean a broken formula even if a round trip is consistent.
    lon, lat = _jiangxi_grid()
    glon, glat = wgs84_to_gcj02(lon, lat)
    east_m = (glon - lon) * 111_320 * np.cos(np.radians(lat))
    north_m = (glat - lat) * 110_570
    shift = np.hypot(east_m, north_m)
    assert 300 < shift.min() and shift.max() < 800


# ------------------------------------------------------------------------- round trips


def test_round_trip_wgs_gcj_wgs_over_jiangxi() -> None:
    lon, lat = _jiangxi_grid()
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert _max_err(back, (lon, lat)) < ROUND_TRIP_TOL


def test_round_trip_gcj_wgs_gcj_over_jiangxi() -> None:
    lon, lat = _jiangxi_grid()
    back = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert _max_err(back, (lon, lat)) < ROUND_TRIP_TOL


def test_round_trip_bd09_over_jiangxi() -> None:
    lon, lat = _jiangxi_grid()
    assert _max_err(bd09_to_gcj02(*gcj02_to_bd09(lon, lat)), (lon, lat)) < ROUND_TRIP_TOL
    assert _max_err(gcj02_to_bd09(*bd09_to_gcj02(lon, lat)), (lon, lat)) < ROUND_TRIP_TOL
    assert _max_err(bd09_to_wgs84(*wgs84_to_bd09(lon, lat)), (lon, lat)) < ROUND_TRIP_TOL
    assert _max_err(wgs84_to_bd09(*bd09_to_wgs84(lon, lat)), (lon, lat)) < ROUND_TRIP_TOL


def test_bd09_is_gcj02_then_baidu_offset() -> None:
    lon, lat = _jiangxi_grid()
    assert _max_err(wgs84_to_bd09(lon, lat), gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))) < 1e-12


def test_inverse_stops_within_iteration_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    forward = coords._wgs_to_gcj

    def counting(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        nonlocal calls
        calls += 1
        return forward(lon, lat)

    monkeypatch.setattr(coords, "_wgs_to_gcj", counting)
    lon, lat = _jiangxi_grid()
    coords.gcj02_to_wgs84(lon, lat)
    assert 2 <= calls <= 8


def test_result_does_not_depend_on_the_batch() -> None:
    # A vertex shared by two polygons converted in different calls must come out
    # bit-identical, or shared borders split; so each point stops iterating on its own
    # (points here need 3 or 4 iterations, so a batch-wide stop would differ).
    lon, lat = np.meshgrid(np.linspace(113.5, 118.5, 21), np.linspace(24.5, 30.1, 23))
    for func in (gcj02_to_wgs84, bd09_to_wgs84, bd09_to_gcj02):
        batch_lon, batch_lat = func(lon, lat)
        for i, j in np.ndindex(lon.shape):
            assert func(float(lon[i, j]), float(lat[i, j])) == (batch_lon[i, j], batch_lat[i, j])


# ------------------------------------------------------------------ outside China


@pytest.mark.parametrize("func", [wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09, bd09_to_wgs84])
def test_points_outside_china_pass_through(func: coords.CoordConverter) -> None:
    # London, Sydney, New York, Null Island, and just outside each edge of the rectangle.
    lon = np.array([-0.1276, 151.2093, -74.006, 0.0, 71.9, 137.9, 116.0, 116.0])
    lat = np.array([51.5072, -33.8688, 40.7128, 0.0, 30.0, 30.0, 0.8, 55.9])
    out_lon, out_lat = func(lon, lat)
    assert np.array_equal(out_lon, lon)
    assert np.array_equal(out_lat, lat)
    assert func(2.3522, 48.8566) == (2.3522, 48.8566)


def test_mixed_array_converts_only_points_in_china() -> None:
    lon = np.array([116.0, -0.1276, 115.9])
    lat = np.array([28.0, 51.5072, 28.7])
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert (glon[1], glat[1]) == (-0.1276, 51.5072)
    assert glon[0] != 116.0 and glon[2] != 115.9
    assert (glon[0], glat[0]) == wgs84_to_gcj02(116.0, 28.0)


def test_nan_passes_through() -> None:
    lon, lat = gcj02_to_wgs84(np.array([np.nan, 116.0]), np.array([28.0, 28.0]))
    assert math.isnan(lon[0]) and lat[0] == 28.0
    assert not math.isnan(lon[1])


# ------------------------------------------------------------------------------ shapes


def test_scalar_in_float_out() -> None:
    lon, lat = wgs84_to_gcj02(116.0, 28.0)
    assert type(lon) is float and type(lat) is float
    lon, lat = gcj02_to_wgs84(np.float64(116.0), 28)
    assert type(lon) is float and type(lat) is float


def test_input_is_not_modified() -> None:
    lon = np.array([116.0, 117.0])
    lat = np.array([28.0, 29.0])
    gcj02_to_wgs84(lon, lat)
    assert lon.tolist() == [116.0, 117.0] and lat.tolist() == [28.0, 29.0]


@pytest.mark.parametrize("shape", [(1,), (7,), (3, 4), (2, 3, 5)])
def test_array_shape_is_preserved(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(42)
    lon = rng.uniform(113.5, 118.5, shape)
    lat = rng.uniform(24.5, 30.1, shape)
    for func in (wgs84_to_gcj02, gcj02_to_wgs84, wgs84_to_bd09, bd09_to_wgs84):
        out_lon, out_lat = func(lon, lat)
        assert out_lon.shape == shape and out_lat.shape == shape
        assert out_lon.dtype == np.float64
    # Element-wise: the array result equals the per-point scalar results.
    out_lon, out_lat = gcj02_to_wgs84(lon, lat)
    i = (0,) * len(shape)
    assert (out_lon[i], out_lat[i]) == pytest.approx(gcj02_to_wgs84(float(lon[i]), float(lat[i])), abs=1e-12)


def test_lists_and_broadcasting() -> None:
    out_lon, out_lat = wgs84_to_gcj02([116.0, 117.0], 28.0)
    assert out_lon.shape == (2,) and out_lat.shape == (2,)
    assert out_lat[0] != out_lat[1]
    empty = gcj02_to_wgs84(np.array([]), np.array([]))
    assert empty[0].shape == (0,)


# -------------------------------------------------------------------------- geometry


def test_transform_geometry_polygon_matches_point_conversion() -> None:
    ring = [(115.8, 28.6), (116.0, 28.6), (116.0, 28.8), (115.8, 28.8), (115.8, 28.6)]
    hole = [(115.85, 28.65), (115.9, 28.65), (115.9, 28.7), (115.85, 28.65)]
    poly = shapely.MultiPolygon([shapely.Polygon(ring, [hole]), shapely.Polygon([(117, 29), (117.1, 29), (117.1, 29.1)])])
    out = transform_geometry(poly, gcj02_to_wgs84)
    assert isinstance(out, shapely.MultiPolygon)
    src = shapely.get_coordinates(poly)
    got = shapely.get_coordinates(out)
    assert got.shape == src.shape
    exp_lon, exp_lat = gcj02_to_wgs84(src[:, 0], src[:, 1])
    assert np.array_equal(got[:, 0], exp_lon) and np.array_equal(got[:, 1], exp_lat)
    # Shift of a few hundred metres, shape intact.
    back = transform_geometry(out, wgs84_to_gcj02)
    assert np.max(np.abs(shapely.get_coordinates(back) - src)) < ROUND_TRIP_TOL


def test_transform_geometry_keeps_z_and_handles_arrays() -> None:
    pt = shapely.Point(116.0, 28.0, 42.0)
    out = transform_geometry(pt, wgs84_to_gcj02)
    assert out.has_z and out.z == 42.0
    assert (out.x, out.y) == wgs84_to_gcj02(116.0, 28.0)
    arr = np.array([shapely.Point(116.0, 28.0), None, shapely.LineString([(0, 0), (1, 1)])])
    res = transform_geometry(arr, wgs84_to_gcj02)
    assert res[1] is None
    assert res[2].equals(arr[2])  # outside China: unchanged
