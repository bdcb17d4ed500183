"""An in-process LRU of encoded responses (tiles, feature pages), bounded by bytes.

Callers put the data version of what they cache into the key, so a write makes the old
entries unreachable at once (they age out of the LRU): nothing is ever served stale and
nothing needs invalidating. Each worker process has its own.
"""

import threading
from collections import OrderedDict
from typing import Hashable

from app.core.metrics import CACHE


class ByteLRU:
    def __init__(self, max_mb: int, name: str) -> None:
        self.hits = CACHE.labels(name, "hit")
        self.misses = CACHE.labels(name, "miss")
        self.max_bytes = max_mb * 1024 * 1024
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            tile = self._entries.get(key)
            if tile is not None:
                self._entries.move_to_end(key)
        (self.misses if tile is None else self.hits).inc()
        return tile

    def put(self, key: Hashable, tile: bytes) -> None:
        if len(tile) > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            self._bytes += len(tile) - (len(old) if old is not None else 0)
            self._entries[key] = tile
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._entries)
