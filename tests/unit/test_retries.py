"""One retry-after policy: the native path's and the openai client's decisions agree."""

from __future__ import annotations

import email.utils
import time
from typing import Any

import pytest
from openai import AsyncOpenAI, _constants

from agents_oci.http.library import http_library
from agents_oci.http.retries import MAX_RETRY_AFTER, is_retried, retry_delay


def test_the_cap_is_openais() -> None:
    # Chat completions and Responses retry inside openai's client: if openai
    # moves its cap, agents_oci's documented policy must move with it.
    assert MAX_RETRY_AFTER == _constants.MAX_RETRY_AFTER_DELAY


def client_decision(headers: dict[str, str]) -> float | None:
    """What openai's client does with a 429 carrying ``headers``: the wait, or None (no retry)."""
    client: Any = AsyncOpenAI(api_key="x", base_url="http://127.0.0.1:9/v1")
    library = http_library()
    response = library.Response(429, headers=headers, request=library.Request("POST", "http://127.0.0.1:9/v1"))
    if not client._should_retry(response):
        return None
    options: Any = type("Options", (), {"get_max_retries": lambda self, default: 2})()
    return float(client._calculate_retry_timeout(2, options, response.headers))


@pytest.mark.parametrize(
    "headers",
    [
        {"retry-after": "0.3"},
        {"retry-after": "61"},
        {"retry-after": "120"},
        {"retry-after": "121"},
        {"retry-after": "3600"},
        {"retry-after-ms": "61000"},
        {"retry-after-ms": "200000"},
        {"retry-after": email.utils.formatdate(time.time() + 600, usegmt=True)},
    ],
)
def test_retry_after_is_decided_alike_on_every_path(headers: dict[str, str]) -> None:
    ours, theirs = retry_delay(headers, 0), client_decision(headers)
    if theirs is None:
        assert ours is None
    else:
        assert ours == pytest.approx(theirs, abs=1.0)


def test_61_and_120_seconds_are_honoured_121_is_not() -> None:
    # The native path ignored retry-after past 60 s and retried after its own backoff.
    assert retry_delay({"retry-after": "61"}, 0) == 61.0
    assert retry_delay({"retry-after": "120"}, 1) == 120.0
    assert retry_delay({"retry-after": "121"}, 0) is None


def test_without_retry_after_the_backoff_grows_to_8_seconds() -> None:
    assert 0.375 <= (retry_delay({}, 0) or 0) <= 0.5
    assert 6.0 <= (retry_delay({}, 10) or 0) <= 8.0
    assert retry_delay({"retry-after": "soon"}, 0) is not None


@pytest.mark.parametrize(("status", "retried"), [(400, False), (401, False), (404, False), (408, True), (409, True), (429, True), (500, True), (501, True), (503, True)])
def test_the_retried_statuses_are_openais(status: int, retried: bool) -> None:
    client: Any = AsyncOpenAI(api_key="x", base_url="http://127.0.0.1:9/v1")
    library = http_library()
    response = library.Response(status, request=library.Request("POST", "http://127.0.0.1:9/v1"))
    assert is_retried(status) is retried is client._should_retry(response)
