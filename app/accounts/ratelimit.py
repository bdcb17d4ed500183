"""A token bucket per API key, in process memory.

Each worker process keeps its own buckets, so with N workers a key gets up to N times the
configured rate; a shared limiter (PostgreSQL or Redis) is the next step if that matters.
"""

import math
import threading
import time


class RateLimiter:
    def __init__(self) -> None:
        self._buckets: dict[int, tuple[float, float]] = {}  # key id -> (tokens, last refill time)
        self._lock = threading.Lock()

    def take(self, key: int, per_minute: int) -> int:
        """Take one request; returns 0 if allowed, else the seconds to wait before the next one."""
        now = time.monotonic()
        rate = per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(key, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - last) * rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0
            self._buckets[key] = (tokens, now)
            return math.ceil((1 - tokens) / rate)
