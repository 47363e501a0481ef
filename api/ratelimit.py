"""Per-key rate limits: a token bucket per principal, in memory.

Each key has a bucket of ``burst`` tokens refilled at ``rate_per_minute / 60`` tokens a second; a
request takes one token or is refused with the seconds until one is back (the ``Retry-After``).
The state is per process: with N worker processes a key gets up to N times its limit, so size the
limits per worker (or put a shared limiter in the gateway in front).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimiter"]


@dataclass
class _Bucket:
    capacity: float
    rate_per_s: float
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by key name.

    Args:
        rate_per_minute: default sustained rate.
        burst: default bucket size.
        clock: monotonic seconds (injectable for tests).
    """

    def __init__(self, rate_per_minute: float, burst: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate_per_minute = rate_per_minute
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str, *, rate_per_minute: float | None = None, burst: int | None = None) -> float:
        """Take a token for ``key``: 0.0 when allowed, else the seconds until a token is available."""
        rate = (rate_per_minute or self.rate_per_minute) / 60.0
        capacity = float(burst or self.burst)
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None or bucket.capacity != capacity or bucket.rate_per_s != rate:
                bucket = _Bucket(capacity, rate, capacity, now)
                self._buckets[key] = bucket
            bucket.tokens = min(bucket.capacity, bucket.tokens + (now - bucket.updated) * bucket.rate_per_s)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / bucket.rate_per_s

    @staticmethod
    def retry_after(wait_s: float) -> str:
        """``Retry-After`` header value: whole seconds, at least 1."""
        return str(max(1, math.ceil(wait_s)))
