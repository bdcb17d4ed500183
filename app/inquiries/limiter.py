"""How many inquiries one address may send: a sliding window per address, in process memory.

Each worker keeps its own windows (as the API keys' rate limiter does), so with N workers an
address may send up to N times the limit; the duplicate folding and the size limits still hold."""

import math
import threading
import time
from collections import deque

MAX_ADDRESSES = 10_000


class WindowLimiter:
    def __init__(self, window_seconds: float = 3600) -> None:
        self.window = window_seconds
        self._sent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, limit: int) -> int:
        """Count one request of `key`: 0 when allowed, else the seconds until the next one is."""
        now = time.monotonic()
        with self._lock:
            sent = self._sent.setdefault(key, deque())
            while sent and sent[0] <= now - self.window:
                sent.popleft()
            if len(sent) >= limit:
                return max(1, math.ceil(sent[0] + self.window - now))
            sent.append(now)
            if len(self._sent) > MAX_ADDRESSES:
                # Addresses that fell silent are forgotten, so the map stays as small as the active senders.
                for stale in [k for k, v in self._sent.items() if not v or v[-1] <= now - self.window]:
                    del self._sent[stale]
            return 0
