"""Vectorised conversion between WGS-84, GCJ-02 (Amap, Tencent) and BD-09 (Baidu).

InvestMap stores every coordinate in WGS-84 (EPSG:4326). Data copied from Amap, Tencent
and most Chinese web maps is in GCJ-02, the "offset" datum mandated for published maps in
China; Baidu adds a second offset on top of it (BD-09). Imports convert such data to
WGS-84; a page drawn on a GCJ-02 basemap shifts WGS-84 overlays the other way.

All public converters take longitude and latitude in degrees, as Python scalars or numpy
arrays of any (broadcastable) shape, and return a ``(lon, lat)`` tuple: floats for scalar
input, float64 arrays of the broadcast shape otherwise. Inputs are never modified.

The forward formulas are the ones that circulate publicly (they are not an official
specification); published comparisons put them within about half a metre of Amap's own
conversion service. GCJ-02 has no closed-form inverse, so GCJ-02 -> WGS-84 (and
BD-09 -> GCJ-02) are solved numerically here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast, overload

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CoordConverter",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "in_china",
    "transform_geometry",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

FloatArray = NDArray[np.float64]
_Kernel = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]
_G = TypeVar("_G")

# GCJ-02 is defined on the Krasovsky 1940 ellipsoid (semi-major axis and first
# eccentricity squared), not on WGS-84's: the offset is computed in metres on that
# ellipsoid and turned back into degrees with its radii of curvature.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323

# BD-09 perturbs the GCJ-02 point in polar form with a fixed angular frequency.
_BD_FREQ = math.pi * 3000.0 / 180.0
_BD_DLON = 0.0065
_BD_DLAT = 0.006

# The offset is only applied inside this rectangle. The rule is "inside China", but this
# rectangle is what the widely used public implementations test, so following it keeps us
# consistent with data produced by those tools. Passing points through also matches what
# Baidu documents for its own datum: BD-09 in China, plain WGS-84 abroad. The rectangle
# covers some neighbouring countries; that is the de-facto behaviour, not a bug here, and
# Jiangxi (lon 113.5-118.5, lat 24.5-30.1) is far from every edge.
_CHINA_LON_MIN, _CHINA_LON_MAX = 72.004, 137.8347
_CHINA_LAT_MIN, _CHINA_LAT_MAX = 0.8293, 55.8271

# Inverse solver: stop once the forward transform of the estimate reproduces the input to
# 1e-9 degree (about 0.1 mm); the iteration contracts by a factor of a few thousandths per
# step, so 3-4 steps suffice in Jiangxi and the cap only guards against pathological input.
INVERSE_TOLERANCE_DEG = 1e-9
INVERSE_MAX_ITERATIONS = 30


class CoordConverter(Protocol):
    """A converter: scalars in, floats out; arrays in, arrays of the same shape out."""

    @overload
    def __call__(self, lon: float, lat: float) -> tuple[float, float]: ...

    @overload
    def __call__(self, lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]: ...

    def __call__(self, lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]: ...


def in_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """True where the point lies in the rectangle inside which GCJ-02/BD-09 apply.

    NaN coordinates compare False, so they are "outside" and pass through as NaN.
    """
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    return (x >= _CHINA_LON_MIN) & (x <= _CHINA_LON_MAX) & (y >= _CHINA_LAT_MIN) & (y <= _CHINA_LAT_MAX)


# --------------------------------------------------------------------------- kernels
# Kernels work on 1-D float64 arrays of points already known to be in China and return new
# arrays; the masking, shapes and scalar handling live in one place (_converter).


def _gcj_offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 minus WGS-84, in degrees, evaluated at a WGS-84 point."""
    x = lon - 105.0
    y = lat - 35.0
    # Two smooth polynomials plus sums of sines: the "noise" that makes the offset vary
    # irregularly (by up to ~700 m) over the country. Values are in metres.
    ripple = (20.0 * np.sin(6.0 * math.pi * x) + 20.0 * np.sin(2.0 * math.pi * x)) * 2.0 / 3.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    north = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * sqrt_abs_x
        + ripple
        + (20.0 * np.sin(math.pi * y) + 40.0 * np.sin(math.pi * y / 3.0)) * 2.0 / 3.0
        + (160.0 * np.sin(math.pi * y / 12.0) + 320.0 * np.sin(math.pi * y / 30.0)) * 2.0 / 3.0
    )
    east = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * sqrt_abs_x
        + ripple
        + (20.0 * np.sin(math.pi * x) + 40.0 * np.sin(math.pi * x / 3.0)) * 2.0 / 3.0
        + (150.0 * np.sin(math.pi * x / 12.0) + 300.0 * np.sin(math.pi * x / 30.0)) * 2.0 / 3.0
    )
    # Metres -> degrees with the Krasovsky meridian (M) and prime-vertical (N) radii.
    phi = np.radians(lat)
    w2 = 1.0 - _KRASOVSKY_EE * np.sin(phi) ** 2
    w = np.sqrt(w2)
    meridian_radius = _KRASOVSKY_A * (1.0 - _KRASOVSKY_EE) / (w2 * w)
    parallel_radius = _KRASOVSKY_A / w * np.cos(phi)
    dlat = north * 180.0 / (meridian_radius * math.pi)
    dlon = east * 180.0 / (parallel_radius * math.pi)
    return dlon, dlat


def _wgs_to_gcj(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def _gcj_to_bd(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    r = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _BD_FREQ)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _BD_FREQ)
    return r * np.cos(theta) + _BD_DLON, r * np.sin(theta) + _BD_DLAT


def _invert(forward: _Kernel, target_lon: FloatArray, target_lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Solve forward(p) = target for p by fixed-point iteration.

    Why iterate: the offsets are sums of sines of the *unknown* true position, so there is
    no closed form. The widely copied one-step "subtract the offset evaluated at the wrong
    point" is off by up to ~2 m, which is visible at park and plot scale. Both transforms
    are the identity plus a perturbation whose derivative is ~1e-3 (a few hundred metres
    of offset that changes over kilometres), so p <- p - (forward(p) - target) is a strong
    contraction; with a Jacobian that close to the identity, Newton's method would buy
    nothing but cost a 2x2 solve per point.

    Each point stops on its own residual rather than on the batch maximum, so a point's
    result depends only on its own input, never on which other points were converted in
    the same call. That keeps a vertex shared by two neighbouring polygons bit-identical
    even when the polygons are converted separately (a batch-wide stop would give one of
    them an extra iteration and split the shared border by ~1e-13 degree).
    """
    lon = target_lon.copy()
    lat = target_lat.copy()
    active = np.arange(lon.size)
    for _ in range(INVERSE_MAX_ITERATIONS):
        if active.size == 0:
            break
        f_lon, f_lat = forward(lon[active], lat[active])
        r_lon = f_lon - target_lon[active]
        r_lat = f_lat - target_lat[active]
        lon[active] -= r_lon
        lat[active] -= r_lat
        # The residual measured before this update bounds the error left after it.
        converged = (np.abs(r_lon) < INVERSE_TOLERANCE_DEG) & (np.abs(r_lat) < INVERSE_TOLERANCE_DEG)
        active = active[~converged]
    return lon, lat


def _gcj_to_wgs(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    return _invert(_wgs_to_gcj, lon, lat)


def _bd_to_gcj(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    # Baidu publishes only the forward direction; the usual closed-form "inverse" is an
    # approximation (~1e-8 degree). Solving the forward exactly keeps round trips exact.
    return _invert(_gcj_to_bd, lon, lat)


# ------------------------------------------------------------------- public wrappers


def _converter(kernel: _Kernel) -> CoordConverter:
    """Wrap a kernel: broadcast, mask to China, convert, restore shape and scalars.

    The in/out-of-China decision is taken once, on the *input* point, for the whole
    (possibly two-step) conversion, so WGS-84 -> BD-09 never applies only half of the
    offset to a point near the rectangle's edge.
    """

    @functools.wraps(kernel)
    def convert(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
        x, y = np.broadcast_arrays(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
        out_x = np.array(x, dtype=np.float64, copy=True)
        out_y = np.array(y, dtype=np.float64, copy=True)
        mask = in_china(x, y)
        if mask.any():
            new_x, new_y = kernel(x[mask], y[mask])
            out_x[mask] = new_x
            out_y[mask] = new_y
        if out_x.ndim == 0:
            return float(out_x), float(out_y)
        return out_x, out_y

    return cast(CoordConverter, convert)


@_converter
def wgs84_to_gcj02(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """WGS-84 -> GCJ-02 (Amap/Tencent). Outside China the point is returned unchanged."""
    return _wgs_to_gcj(lon, lat)


@_converter
def gcj02_to_wgs84(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 -> WGS-84, iterated to < 1e-9 degree. Outside China: unchanged."""
    return _gcj_to_wgs(lon, lat)


@_converter
def gcj02_to_bd09(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 -> BD-09 (Baidu). Outside China: unchanged (Baidu uses WGS-84 abroad)."""
    return _gcj_to_bd(lon, lat)


@_converter
def bd09_to_gcj02(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """BD-09 -> GCJ-02, iterated to < 1e-9 degree. Outside China: unchanged."""
    return _bd_to_gcj(lon, lat)


@_converter
def wgs84_to_bd09(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """WGS-84 -> BD-09 (via GCJ-02). Outside China: unchanged."""
    return _gcj_to_bd(*_wgs_to_gcj(lon, lat))


@_converter
def bd09_to_wgs84(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """BD-09 -> WGS-84 (via GCJ-02). Outside China: unchanged."""
    return _gcj_to_wgs(*_bd_to_gcj(lon, lat))


def transform_geometry(geom: _G, func: CoordConverter) -> _G:
    """Apply a converter to every vertex of a shapely geometry (or array of geometries).

    All vertices go through ``func`` in one vectorised call per geometry array, which is
    what makes bulk imports of thousands of boundary vertices cheap. Z values, if any,
    are kept as they are: the datums differ only horizontally. The number and order of
    vertices are unchanged, so shared vertices of neighbouring polygons stay shared.
    """

    def _xy(coords: FloatArray) -> FloatArray:
        out = np.array(coords, dtype=np.float64, copy=True)
        out[:, 0], out[:, 1] = func(coords[:, 0], coords[:, 1])
        return out

    # include_z=None keeps 3-D geometries 3-D (shapely calls _xy with (N, 3) for them).
    # Shapely's signature takes include_z: bool | None; types-shapely's overloads say bool.
    return cast(_G, shapely.transform(geom, _xy, include_z=None))  # type: ignore[call-overload]
