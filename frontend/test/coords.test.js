// WGS-84 <-> GCJ-02: reference values computed by app/geo/coords.py (tests/browser/
// test_frontend_units.py compares the two on a grid), the inverse, and outside China.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gcj02ToWgs84, inChina, wgs84ToGcj02 } from '../src/coords.js';

const REFERENCE = [ // [WGS-84 lon, lat] -> [GCJ-02 lon, lat], from app/geo/coords.py
  [[115.8921, 28.6765], [115.896945605553, 28.673131325667]], // 南昌
  [[114.9338, 25.8311], [114.938525339294, 25.827916486183]], // 赣州
];

test('the forward shift matches the Python implementation to 1e-11 degrees', () => {
  REFERENCE.forEach(([[lon, lat], [glon, glat]]) => {
    const [x, y] = wgs84ToGcj02(lon, lat);
    assert.ok(Math.abs(x - glon) < 1e-11 && Math.abs(y - glat) < 1e-11, `${lon},${lat} -> ${x},${y}`);
  });
});

test('the shift is hundreds of metres, and the inverse gives the WGS-84 point back to 1e-8 degrees', () => {
  REFERENCE.forEach(([[lon, lat]]) => {
    const [x, y] = wgs84ToGcj02(lon, lat);
    assert.ok(Math.hypot(x - lon, y - lat) > 0.003);
    const [bx, by] = gcj02ToWgs84(x, y);
    assert.ok(Math.abs(bx - lon) < 1e-8 && Math.abs(by - lat) < 1e-8, `${bx},${by}`);
  });
});

test('outside China nothing moves', () => {
  assert.equal(inChina(139.69, 35.68), false);
  assert.deepEqual(wgs84ToGcj02(139.69, 35.68), [139.69, 35.68]);
  assert.deepEqual(gcj02ToWgs84(2.35, 48.85), [2.35, 48.85]);
});
