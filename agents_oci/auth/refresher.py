"""Keeping a signing key fresh without blocking or deadlocking anyone.

The rules (the botocore refresh model, applied to OCI tokens):

- Fast path: a valid key is returned with no lock and no I/O.
- Advisory window (the token expires soon): one background refresh starts;
  callers keep signing with the current key. If that refresh fails the old
  key stays, and a warning is logged.
- Mandatory window (about to expire, or expired): callers wait for the
  refresh.
- After a 401: :meth:`Refresher.renew_after_rejection` forces one refresh,
  unless another request already replaced the rejected key. "Replaced" means
  a different key id: a source may hand back the very token OCI rejected, and
  re-sending that would only earn a second 401.
- One refresh in flight per credential: every waiter shares it. After a
  failed refresh, callers get that failure for a few seconds instead of
  starting a new refresh each (a 401 storm while the metadata service is down
  must not become a thread storm).
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
        self._inflight_forced = False
        self._last_attempt = float("-inf")
        self._failure: tuple[float, BaseException] | None = None
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
            self._start(force=False)  # advisory: refresh behind our back
            return key
        return await self._wait(self._start(force=False)[0], key)

    async def renew_after_rejection(self, rejected: SigningKey) -> SigningKey:
        """A 401 came back for ``rejected``: a key with another id, or ``rejected`` if none.

        The caller re-sends only when the key id changed.
        """
        key = self._key
        if key is not None and key.key_id != rejected.key_id:
            return key
        future, forced = self._start(force=True)
        fresh = await self._wait(future, rejected, strict=True)
        if fresh.key_id == rejected.key_id and not forced:
            # We joined a background refresh that kept the old token: force one now.
            fresh = await self._wait(self._start(force=True)[0], rejected, strict=True)
        return fresh

    # -- sync callers (a sync HTTP client) -------------------------------------

    def current_sync(self) -> SigningKey:
        """Blocking twin of :meth:`current`, for sync HTTP clients."""
        key = self._key
        if key is not None and not self._due(key, self._mandatory):
            if self._due(key, self._advisory):
                self._start(force=False)
            return key
        return self._result(self._start(force=False)[0], key)

    def renew_after_rejection_sync(self, rejected: SigningKey) -> SigningKey:
        """Blocking twin of :meth:`renew_after_rejection`."""
        key = self._key
        if key is not None and key.key_id != rejected.key_id:
            return key
        future, forced = self._start(force=True)
        fresh = self._result(future, rejected, strict=True)
        if fresh.key_id == rejected.key_id and not forced:
            fresh = self._result(self._start(force=True)[0], rejected, strict=True)
        return fresh

    # -- internals -------------------------------------------------------------

    def _due(self, key: SigningKey, window: float) -> bool:
        if not self._source.can_refresh:
            return False  # nothing would change: let OCI judge the key
        return key.expires_at is not None and self._clock() >= key.expires_at - window

    def _start(self, *, force: bool) -> tuple[concurrent.futures.Future[SigningKey], bool]:
        """The refresh to wait for, and whether it is a forced one; starts one if needed."""
        future: concurrent.futures.Future[SigningKey] = concurrent.futures.Future()
        # Running futures cannot be cancelled: a waiter that is cancelled
        # must not cancel the refresh the other waiters share.
        future.set_running_or_notify_cancel()
        with self._lock:
            inflight = self._inflight
            if inflight is not None:
                return inflight, self._inflight_forced
            now = self._clock()
            if self._failure is not None and now - self._failure[0] < _RETRY_INTERVAL:
                future.set_exception(self._failure[1])
                return future, force
            if not force and self._key is not None and now - self._last_attempt < _RETRY_INTERVAL:
                future.set_result(self._key)
                return future, False
            self._inflight, self._inflight_forced, self._last_attempt = future, force, now
        if not force:
            # Nobody may be waiting for a background refresh: say when it fails.
            future.add_done_callback(_log_background_failure)
        try:
            threading.Thread(
                target=self._run, args=(future, force), name="agents-oci-refresh", daemon=True
            ).start()
        except BaseException as exc:  # e.g. "can't start new thread": never leave it pending
            with self._lock:
                self._inflight = None
            future.set_exception(exc)
        return future, force

    def _run(self, future: concurrent.futures.Future[SigningKey], force: bool) -> None:
        try:
            fresh = self._source.load(force=force)
        except BaseException as exc:
            with self._lock:
                self._inflight = None
                self._failure = (self._clock(), exc)
            future.set_exception(exc)
            return
        with self._lock:
            generation = 0 if self._key is None else self._key.generation + 1
            key = SigningKey(fresh.key_id, fresh.private_key, fresh.expires_at, generation)
            self._key = key
            self._inflight = None
            self._failure = None
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
        return fallback  # the failure was logged when it happened


def _log_background_failure(future: concurrent.futures.Future[SigningKey]) -> None:
    exc = future.exception()
    if exc is not None:
        # The type only: messages of credential errors may quote paths or token text.
        logger.warning(
            "agents_oci: credential refresh failed (%s); keeping the current credentials "
            "while they are valid",
            type(exc).__name__,
        )
