"""Keeping a signing key fresh without blocking or deadlocking anyone.

The rules (the botocore refresh model, applied to OCI tokens):

- Fast path: a valid key is returned with no lock and no I/O.
- Advisory window (the token expires soon): one background refresh starts;
  callers keep signing with the current key. If that refresh fails the old
  key stays, and a warning is logged.
- Mandatory window (about to expire, or expired): callers wait for the
  refresh.
- After a 401: :meth:`Refresher.renew_after_rejection` forces one refresh,
  unless another request already replaced the rejected key.
- One refresh in flight per credential: every waiter shares it.
- Refreshes run in a worker thread. The only lock guards the bookkeeping of
  the in-flight refresh; it is never held while waiting, so it is never held
  across an ``await`` or an auth-flow ``yield``. The in-flight refresh is a
  ``concurrent.futures.Future``, so waiters may live on any event loop or in
  plain threads.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable
from typing import Final

from .credentials import CredentialSource, SigningKey

__all__ = ["ADVISORY_WINDOW", "MANDATORY_WINDOW", "Refresher"]

logger = logging.getLogger("agents_oci")

ADVISORY_WINDOW: Final = 300.0
"""Seconds before expiry when a background refresh starts."""
MANDATORY_WINDOW: Final = 30.0
"""Seconds before expiry when callers wait for the refresh."""
_RETRY_INTERVAL: Final = 5.0
# A token source may hand back the same near-expiry token (the federation
# client renews only inside its own window): do not ask again on every request.


class Refresher:
    """Owns the current :class:`SigningKey` of one credential source."""

    def __init__(
        self,
        source: CredentialSource,
        *,
        clock: Callable[[], float] = time.time,
        advisory_window: float = ADVISORY_WINDOW,
        mandatory_window: float = MANDATORY_WINDOW,
    ) -> None:
        self._source = source
        self._clock = clock
        self._advisory = advisory_window
        self._mandatory = mandatory_window
        self._lock = threading.Lock()
        self._inflight: concurrent.futures.Future[SigningKey] | None = None
        self._last_attempt = float("-inf")
        self._key: SigningKey | None = None
        self.refresh_count = 0
        """Completed refreshes (forced or not); for tests and diagnostics."""

    @property
    def can_refresh(self) -> bool:
        return self._source.can_refresh

    def load_now(self) -> SigningKey:
        """Load the first key in the calling thread (used at construction, off the loop)."""
        key = self._source.load(force=False)
        with self._lock:
            if self._key is None:
                self._key = key
            return self._key

    # -- async callers (the auth flow of an async HTTP client) ---------------

    async def current(self) -> SigningKey:
        """The key to sign with now; waits only inside the mandatory window."""
        key = self._key
        if key is not None and not self._due(key, self._advisory):
            return key
        if key is not None and not self._due(key, self._mandatory):
            self._start(force=False, seen=key)  # advisory: refresh behind our back
            return key
        return await self._wait(self._start(force=False, seen=key), key)

    async def renew_after_rejection(self, rejected: SigningKey) -> SigningKey:
        """A 401 came back for ``rejected``: return a newer key (forcing one if needed)."""
        key = self._key
        if key is not None and key.generation > rejected.generation:
            return key
        return await self._wait(self._start(force=True, seen=rejected), rejected, strict=True)

    # -- sync callers (a sync HTTP client) -------------------------------------

    def current_sync(self) -> SigningKey:
        """Blocking twin of :meth:`current`, for sync HTTP clients."""
        key = self._key
        if key is not None and not self._due(key, self._mandatory):
            if self._due(key, self._advisory):
                self._start(force=False, seen=key)
            return key
        return self._result(self._start(force=False, seen=key), key)

    def renew_after_rejection_sync(self, rejected: SigningKey) -> SigningKey:
        """Blocking twin of :meth:`renew_after_rejection`."""
        key = self._key
        if key is not None and key.generation > rejected.generation:
            return key
        return self._result(self._start(force=True, seen=rejected), rejected, strict=True)

    # -- internals -------------------------------------------------------------

    def _due(self, key: SigningKey, window: float) -> bool:
        if not self._source.can_refresh:
            return False  # nothing would change: let OCI judge the key
        return key.expires_at is not None and self._clock() >= key.expires_at - window

    def _start(
        self, *, force: bool, seen: SigningKey | None
    ) -> concurrent.futures.Future[SigningKey]:
        """Return the in-flight refresh, starting one if none runs."""
        with self._lock:
            inflight = self._inflight
            if inflight is not None:
                return inflight
            current = self._key
            future: concurrent.futures.Future[SigningKey] = concurrent.futures.Future()
            # Running futures cannot be cancelled: a waiter that is cancelled
            # must not cancel the refresh the other waiters share.
            future.set_running_or_notify_cancel()
            if current is not None and seen is not None and current.generation > seen.generation:
                future.set_result(current)
                return future
            if not force and current is not None and self._recently_tried():
                future.set_result(current)
                return future
            self._inflight = future
            self._last_attempt = self._clock()
        threading.Thread(
            target=self._run, args=(future, force), name="agents-oci-refresh", daemon=True
        ).start()
        return future

    def _recently_tried(self) -> bool:
        return self._clock() - self._last_attempt < _RETRY_INTERVAL

    def _run(self, future: concurrent.futures.Future[SigningKey], force: bool) -> None:
        try:
            fresh = self._source.load(force=force)
        except BaseException as exc:
            with self._lock:
                self._inflight = None
            future.set_exception(exc)
            return
        with self._lock:
            generation = 0 if self._key is None else self._key.generation + 1
            key = SigningKey(fresh.key_id, fresh.private_key, fresh.expires_at, generation)
            self._key = key
            self._inflight = None
            self.refresh_count += 1
        future.set_result(key)

    async def _wait(
        self,
        future: concurrent.futures.Future[SigningKey],
        fallback: SigningKey | None,
        *,
        strict: bool = False,
    ) -> SigningKey:
        try:
            # shield: a cancelled waiter must not cancel the shared future.
            return await asyncio.shield(asyncio.wrap_future(future))
        except Exception as exc:
            return self._on_failure(exc, fallback, strict=strict)

    def _result(
        self,
        future: concurrent.futures.Future[SigningKey],
        fallback: SigningKey | None,
        *,
        strict: bool = False,
    ) -> SigningKey:
        try:
            return future.result()
        except Exception as exc:
            return self._on_failure(exc, fallback, strict=strict)

    def _on_failure(
        self, exc: Exception, fallback: SigningKey | None, *, strict: bool
    ) -> SigningKey:
        # Keep signing with the old key while it is still valid; OCI will say
        # 401 if it is not, and that error carries the fix.
        if strict or fallback is None or self._due(fallback, 0.0):
            raise exc
        logger.warning(
            "agents_oci: credential refresh failed (%s); keeping the current credentials",
            type(exc).__name__,
        )
        return fallback
