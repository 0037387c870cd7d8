"""Recording fakes shared by the unit tests: a clock and a token source."""

from __future__ import annotations

import threading
import time

from cryptography.hazmat.primitives.asymmetric import rsa

from agents_oci.auth.credentials import SigningKey

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FakeSource:
    """Hands out tokens valid for ``ttl`` seconds; counts loads and their threads."""

    def __init__(self, clock: Clock, *, ttl: float = 3600, delay: float = 0.0) -> None:
        self.clock = clock
        self.ttl = ttl
        self.delay = delay
        self.can_refresh = True
        self.loads: list[bool] = []
        self.threads: list[str] = []
        self.fail: Exception | None = None
        self.lock = threading.Lock()

    def load(self, *, force: bool) -> SigningKey:
        with self.lock:
            self.loads.append(force)
            self.threads.append(threading.current_thread().name)
            n = len(self.loads)
        if self.delay:
            time.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        return SigningKey(f"ST$token-{n}", KEY, self.clock() + self.ttl)
