"""Records the finding tests of issue 9 act on, made by the admin and removed afterwards, so no
other test sees them (other modules count the reference parks and the demo records)."""

import itertools
from contextlib import ExitStack

from tests.support.chains import created, delete

_n = itertools.count()
NANCHANG_POINT = [115.93, 28.52]  # 南昌县 (360121)
ZHANGGONG_POINT = [114.93, 25.83]  # 章贡区, 赣州 (360702)


def park_body(region: str = "360121", point: list[float] = NANCHANG_POINT, **fields) -> dict:
    return {
        "name": f"第九号问题园区 {next(_n)}",
        "level": "provincial",
        "type": "industrial",
        "region_adcode": region,
        "location": {"type": "Point", "coordinates": point},
        "source": "issue 9 tests",
        **fields,
    }


def cluster_body(cities: list[str], **fields) -> dict:
    return {
        "name": f"第九号问题集群 {next(_n)}",
        "tier": "municipal",
        "city_adcodes": cities,
        "source": "issue 9 tests",
        **fields,
    }


def plot_body(park_id: int, ring: list[list[float]], **fields) -> dict:
    return {
        "kind": "land",
        "name": f"第九号问题地块 {next(_n)}",
        "park_id": park_id,
        "source": "issue 9 tests",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        **fields,
    }


def square(lon: float, lat: float, half: float = 0.002) -> list[list[float]]:
    """A closed square ring of about 2·half degrees a side around a point."""
    return [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]


class Records:
    """Records made by the admin and deleted when the `with` block ends, newest first (so a
    carrier goes before its park)."""

    def __init__(self, client, admin) -> None:
        self.client, self.admin, self.stack = client, admin, ExitStack()

    def make(self, path: str, body: dict) -> dict:
        return self.stack.enter_context(created(self.client, self.admin, path, body))

    def adopt(self, response) -> dict:
        """The record another caller's POST made (`response`, a 201), deleted when the block ends."""
        assert response.status_code == 201, response.text
        path = "/" + response.headers["location"].split("://", 1)[-1].split("/", 1)[1]
        self.stack.callback(self._delete_if_there, path)
        return response.json()

    def _delete_if_there(self, path: str) -> None:
        if self.client.get(path, headers=self.admin).status_code == 200:
            assert delete(self.client, self.admin, path).status_code == 204

    def __enter__(self) -> "Records":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()
