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
- Every wait on a refresh is bounded (:data:`REFRESH_TIMEOUT`): a refresh
  that hangs (a metadata service that never answers) ends the wait with
  :class:`RefreshTimeoutError`, or with the current key while it is still
  valid; the next caller after that time starts a new refresh instead of
  joining the stuck one.
- A forked child inherits the bookkeeping but not the worker thread: a
  refresh in flight at the fork would never finish there. In the child the
  lock is new and an inherited in-flight refresh is run again by a thread of
  the child's own, so whoever waits for it gets a key.

Over 300 lines on purpose: one state machine (windows, the one refresh in
flight, 401 renewal, timeouts, fork reset) whose invariants hold only when
read together.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Final

from ..errors import CredentialsError
from ..forks import reset_in_child
from .credentials import CredentialSource, SigningKey

__all__ = [
    "ADVISORY_WINDOW",
    "MANDATORY_WINDOW",
    "REFRESH_TIMEOUT",
    "RefreshTimeoutError",
    "Refresher",
]

logger = logging.getLogger("agents_oci")

ADVISORY_WINDOW: Final = 300.0
"""Seconds before expiry when a background refresh starts."""
MANDATORY_WINDOW: Final = 30.0
"""Seconds before expiry when callers wait for the refresh."""
REFRESH_TIMEOUT: Final = 120.0
"""Seconds any caller waits for one refresh. A refresh is a file read or one or
two HTTPS calls with their own timeouts; one still running after two minutes
is stuck."""
_RETRY_INTERVAL: Final = 5.0
# A token source may hand back the same near-expiry token (the federation
# client renews only inside its own window): do not ask again on every request.


class RefreshTimeoutError(CredentialsError):
    """A credential refresh did not finish within the refresh timeout."""


class Refresher:
    """Owns the current :class:`SigningKey` of one credential source."""

    def __init__(
        self,
        source: CredentialSource,
        *,
        clock: Callable[[], float] = time.time,
        advisory_window: float = ADVISORY_WINDOW,
        mandatory_window: float = MANDATORY_WINDOW,
        refresh_timeout: float = REFRESH_TIMEOUT,
    ) -> None:
        self._source = source
        self._clock = clock
        self._advisory = advisory_window
        self._mandatory = mandatory_window
        self._timeout = refresh_timeout
        self._lock = threading.Lock()
        self._inflight: concurrent.futures.Future[SigningKey] | None = None
        self._inflight_forced = False
        self._inflight_since = 0.0  # time.monotonic() when it started
        self._last_attempt = float("-inf")
        self._failure: tuple[float, BaseException] | None = None
        self._key: SigningKey | None = None
        self.refresh_count = 0
        """Completed refreshes (forced or not); for tests and diagnostics."""
        reset_in_child(self)

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
            stuck = time.monotonic() - self._inflight_since > self._timeout
            if inflight is not None and not stuck:
                return inflight, self._inflight_forced
            # (A stuck refresh is left to finish or hang on its own; it no longer counts.)
            now = self._clock()
            if self._failure is not None and now - self._failure[0] < _RETRY_INTERVAL:
                future.set_exception(self._failure[1])
                return future, force
            if not force and self._key is not None and now - self._last_attempt < _RETRY_INTERVAL:
                future.set_result(self._key)
                return future, False
            self._inflight, self._inflight_forced, self._last_attempt = future, force, now
            self._inflight_since = time.monotonic()
        if not force:
            # Nobody may be waiting for a background refresh: say when it fails.
            future.add_done_callback(_log_background_failure)
        self._spawn(future, force)
        return future, force

    def _spawn(self, future: concurrent.futures.Future[SigningKey], force: bool) -> None:
        try:
            threading.Thread(
                target=self._run, args=(future, force), name="agents-oci-refresh", daemon=True
            ).start()
        except BaseException as exc:  # e.g. "can't start new thread": never leave it pending
            with self._lock:
                if self._inflight is future:
                    self._inflight = None
            future.set_exception(exc)

    def _run(self, future: concurrent.futures.Future[SigningKey], force: bool) -> None:
        try:
            fresh = self._source.load(force=force)
        except BaseException as exc:
            with self._lock:
                if self._inflight is future:
                    self._inflight = None
                    self._failure = (self._clock(), exc)
            _settle(future, exc)
            return
        with self._lock:
            generation = 0 if self._key is None else self._key.generation + 1
            key = SigningKey(fresh.key_id, fresh.private_key, fresh.expires_at, generation)
            if self._inflight is future or self._inflight is None:
                self._key = key  # a stuck refresh that ends late still brings a valid key
                self._failure = None
            if self._inflight is future:
                self._inflight = None
            self.refresh_count += 1
        _settle(future, key)

    def _after_fork(self) -> None:
        """In a forked child: a new lock, and an inherited refresh run again here."""
        self._lock = threading.Lock()  # another parent thread may have held it at fork
        orphan = self._inflight
        if orphan is not None and not orphan.done():
            self._inflight_since = time.monotonic()
            self._spawn(orphan, self._inflight_forced)  # its parent thread is not in the child
        else:
            self._inflight = None

    async def _wait(
        self,
        future: concurrent.futures.Future[SigningKey],
        fallback: SigningKey | None,
        *,
        strict: bool = False,
    ) -> SigningKey:
        try:
            # shield: a cancelled waiter must not cancel the shared future.
            waited = asyncio.shield(asyncio.wrap_future(future))
            return await asyncio.wait_for(waited, self._timeout)
        except asyncio.TimeoutError:
            return self._on_failure(self._timed_out(), fallback, strict=strict)
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
            return future.result(timeout=self._timeout)
        except concurrent.futures.TimeoutError:
            return self._on_failure(self._timed_out(), fallback, strict=strict)
        except Exception as exc:
            return self._on_failure(exc, fallback, strict=strict)

    def _timed_out(self) -> RefreshTimeoutError:
        return RefreshTimeoutError(
            f"The credential refresh did not finish within {self._timeout:g} s "
            f"({type(self._source).__name__}). Fix: check that this machine reaches the token "
            "source (the instance metadata service or the federation endpoint for principals, "
            "the token file for session tokens); the next request starts a new refresh."
        )

    def _on_failure(
        self, exc: Exception, fallback: SigningKey | None, *, strict: bool
    ) -> SigningKey:
        # Keep signing with the old key while it is still valid; OCI will say
        # 401 if it is not, and that error carries the fix.
        if strict or fallback is None or self._due(fallback, 0.0):
            raise exc
        return fallback  # the failure was logged when it happened


def _settle(future: concurrent.futures.Future[SigningKey], outcome: Any) -> None:
    """Resolve ``future`` unless it already is (a fork may have restarted its refresh)."""
    try:
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
    except concurrent.futures.InvalidStateError:
        pass


def _log_background_failure(future: concurrent.futures.Future[SigningKey]) -> None:
    exc = future.exception()
    if exc is not None:
        # The type only: messages of credential errors may quote paths or token text.
        logger.warning(
            "agents_oci: credential refresh failed (%s); keeping the current credentials "
            "while they are valid",
            type(exc).__name__,
        )
