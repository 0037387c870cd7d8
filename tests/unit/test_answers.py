"""What the transport expects of an answer, decided from the request alone."""

from __future__ import annotations

import json

import httpx2
import pytest

from agents_oci.http.answers import expected_kind, is_event_stream, media_type


@pytest.mark.parametrize(
    ("header", "media"),
    [
        ("text/event-stream", "text/event-stream"),
        ("Text/Event-Stream", "text/event-stream"),
        ("TEXT/EVENT-STREAM ; charset=UTF-8", "text/event-stream"),
        ("application/json; charset=utf-8", "application/json"),
        ("", None),
        (None, None),
    ],
)
def test_media_types_compare_as_http_does(header: str | None, media: str | None) -> None:
    assert media_type(header) == media
    assert is_event_stream(header) == (media == "text/event-stream")


def request(body: object, **headers: str) -> httpx2.Request:
    return httpx2.Request(
        "POST",
        "https://example.invalid/openai/v1/chat/completions",
        content=json.dumps(body, separators=(",", ":")).encode(),
        headers={"content-type": "application/json", "accept": "application/json", **headers},
    )


def test_a_stream_is_what_the_client_asked_for() -> None:
    assert expected_kind(request({"model": "m", "stream": True})) == "stream"
    assert expected_kind(request({"model": "m", "stream": False})) == "json"
    assert expected_kind(request({"model": "m"}, accept="text/event-stream")) == "stream"


def test_a_nested_stream_key_is_not_a_stream_request() -> None:
    body = {"model": "m", "stream": False, "metadata": {"stream": True}, "tools": [{"stream": True}]}
    assert expected_kind(request(body)) == "json"


def test_quoted_text_cannot_ask_for_a_stream() -> None:
    assert expected_kind(request({"messages": [{"content": '"stream":true'}]})) == "json"


def test_a_request_that_accepts_anything_is_not_checked() -> None:
    assert expected_kind(request({"model": "m"}, accept="application/octet-stream")) is None
