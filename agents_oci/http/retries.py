"""The one retry policy of every path: how many retries, how long to wait.

Also the checks of the two client keywords, ``max_retries`` and
``request_timeout``, made when a connection is built.

The OpenAI-compatible paths (chat completions, Responses) retry inside the
``openai`` client; the native path retries in :mod:`agents_oci.native.model`.
Both follow this policy, which is openai's own (openai 2.x and 3.x alike,
``openai._constants.MAX_RETRY_AFTER_DELAY``; tests/unit/test_retries.py checks
that the two stay equal):

- retried: connection errors and timeouts, 408, 409, 429 and 5xx;
- the wait is the server's ``retry-after-ms`` / ``retry-after`` (seconds or an
  HTTP date) when it is above 0 and at most :data:`MAX_RETRY_AFTER` seconds,
  else exponential backoff from 0.5 s, at most 8 s;
- a ``retry-after`` above :data:`MAX_RETRY_AFTER` is not retried at all: the
  error is raised at once (retrying sooner than the server asked only earns
  another 429), and its hint names the wait the server asked for.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Mapping
from typing import Final

from ..errors import InvalidConfigValueError

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "MAX_RETRY_AFTER",
    "is_retried",
    "check_max_retries",
    "check_request_timeout",
    "retry_after",
    "retry_delay",
]

DEFAULT_MAX_RETRIES: Final = 2
"""openai's default: two retries after the first attempt."""
MAX_RETRY_AFTER: Final = 120.0
"""The longest server-asked wait honoured (seconds); above it, no retry."""
_INITIAL_DELAY: Final = 0.5
_MAX_BACKOFF: Final = 8.0


def is_retried(status: int) -> bool:
    """Whether a response with this status is retried (as openai's client decides)."""
    return status in (408, 409, 429) or status >= 500


def check_max_retries(value: object) -> int:
    """``max_retries`` as given, or a configuration error naming the fix."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidConfigValueError(
            f"max_retries={value!r} is not a number of retries. Fix: pass a whole number "
            f">= 0 (0 turns client retries off, as Temporal recommends; the default is "
            f"{DEFAULT_MAX_RETRIES})."
        )
    return value


def check_request_timeout(value: object) -> float:
    """``request_timeout`` in seconds, or a configuration error naming the fix."""
    seconds: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        raise InvalidConfigValueError(
            f"request_timeout={value!r} is not a timeout. Fix: pass a number of seconds "
            "above 0, e.g. request_timeout=120 (the default is 900, for slow reasoning models)."
        )
    return seconds


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The wait the server asked for, in seconds, or ``None`` when it asked none (or unreadably)."""
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return float(value) / divisor
        except ValueError:
            continue
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_tz(value)
        return None if parsed is None else float(email.utils.mktime_tz(parsed) - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


def retry_delay(headers: Mapping[str, str], retries_done: int) -> float | None:
    """Seconds to wait before the next retry, or ``None``: the server asked too long a wait."""
    asked = retry_after(headers)
    if asked is not None and math.isfinite(asked):
        if asked > MAX_RETRY_AFTER:
            return None
        if asked > 0:
            return asked
    backoff = min(_INITIAL_DELAY * 2.0 ** min(retries_done, 1000), _MAX_BACKOFF)
    return backoff * (1 - 0.25 * random.random())
