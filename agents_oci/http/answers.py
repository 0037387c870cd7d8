"""What an answer must be: the kind the request asked for, never a redirect.

Checked in the transport, for every request of the signed client, so the
three model classes (chat completions, Responses, native) share one
contract on both SDK lines:

- A redirect (3xx) is refused, never followed: OCI does not redirect API
  calls, and following one re-signs the request for wherever it points.
  :class:`RedirectRefusedError` names the ``Location``.
- A request that asked for a stream (``"stream": true`` in its JSON body, or
  ``Accept: text/event-stream``) must get an event stream: a 2xx with no
  ``Content-Type`` or an event-stream one is watched for its final event
  (:mod:`.streams`); any other type is an :class:`UnexpectedResponseError`.
- A request that accepts JSON must get JSON: a 2xx with another type (a
  proxy's or captive portal's HTML page) or a body that does not parse (cut
  short but ended cleanly) is an :class:`UnexpectedResponseError` naming
  what came back.

Media types are compared as HTTP does: case-insensitively, parameters ignored.
Both errors are ``openai.APIError`` subclasses raised from the transport,
which both openai lines pass on as they are, without retrying.
"""

from __future__ import annotations

import importlib
import json
import zlib
from collections.abc import AsyncIterator, Callable
from typing import Any, Final, Literal

import openai

from .streams import decoder, guarded

__all__ = [
    "RedirectRefusedError",
    "UnexpectedResponseError",
    "check",
    "expected_kind",
    "is_event_stream",
    "media_type",
]

_SNIPPET: Final = 160
"""Characters of an unexpected body quoted in the error."""
_SNIPPET_READ: Final = 4096
"""Bytes read from an unexpected body (a page may be large; its start says what it is)."""

Kind = Literal["stream", "json"]


def media_type(content_type: str | None) -> str | None:
    """``Text/Event-Stream; charset=utf-8`` -> ``text/event-stream``; None if absent or empty."""
    if content_type is None:
        return None
    value = content_type.split(";", 1)[0].strip().lower()
    return value or None


def is_event_stream(content_type: str | None) -> bool:
    return media_type(content_type) == "text/event-stream"


def _is_json(media: str | None) -> bool:
    return media is not None and (media == "application/json" or media.endswith("+json"))


def asked_for_stream(request: Any) -> bool:
    """The client asked for an event stream: by ``Accept``, or by ``"stream": true``."""
    headers = request.headers
    if "text/event-stream" in headers.get("accept", "").lower():
        return True
    if not _is_json(media_type(headers.get("content-type"))):
        return False
    try:
        content: bytes = request.content
    except Exception:  # a streamed request body, never read: not an API call of ours
        return False
    # The byte search (0.4 us on a 50 KB body) skips the parse for every
    # non-streaming request; the parse (0.4 ms on 50 KB, measured) makes sure the
    # key is the top-level one (a nested "stream" is not a request).
    if b'"stream":true' not in content and b'"stream": true' not in content:
        return False
    try:
        body = json.loads(content)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("stream") is True


def expected_kind(request: Any) -> Kind | None:
    """What a successful answer to ``request`` must be (None: anything)."""
    if asked_for_stream(request):
        return "stream"
    accept = request.headers.get("accept", "")
    return "json" if media_type(accept) == "application/json" else None


class UnexpectedResponseError(openai.APIResponseValidationError):
    """A 2xx answer that is not what the request asked for (HTML instead of JSON, ...).

    Something between the client and OCI (a proxy, a captive portal, a wrong
    ``base_url``) usually answered instead of OCI.

    Attributes:
        content_type: the answer's ``Content-Type`` (None when it had none).
        opc_request_id: OCI's request id, if the answer carried one.
        hint: one line naming the fix.
    """

    def __init__(self, message: str, *, response: Any, body: object | None = None) -> None:
        super().__init__(response, body, message=message)
        self.content_type: str | None = response.headers.get("content-type")
        self.opc_request_id: str | None = response.headers.get("opc-request-id")
        self.hint = (
            "Check base_url= (it must be OCI's Generative AI endpoint or a model "
            "deployment) and any HTTP(S)_PROXY in the environment."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.message, *_wire(self.response)))


class RedirectRefusedError(openai.APIStatusError):
    """A 3xx answer: refused, because OCI does not redirect API calls.

    Attributes:
        location: where the answer pointed (its ``Location`` header).
        opc_request_id: OCI's request id, if the answer carried one.
        hint: one line naming the fix.
    """

    def __init__(self, message: str, *, response: Any, body: object | None = None) -> None:
        super().__init__(message, response=response, body=body)
        self.location: str | None = response.headers.get("location")
        self.opc_request_id = response.headers.get("opc-request-id")
        self.hint = (
            "A signing client never follows redirects: set base_url= to the final "
            "endpoint, or remove what redirects (a proxy, an http:// URL behind https)."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.message, *_wire(self.response)))


def _wire(response: Any) -> tuple[str, int, dict[str, str], str, str]:
    kept = {
        k: v
        for k, v in response.headers.items()
        if k in ("content-type", "location", "opc-request-id")
    }
    library = type(response).__module__.split(".", 1)[0]  # httpx2 or httpx
    return library, response.status_code, kept, response.request.method, str(response.request.url)


def _restore(
    cls: type[Any], message: str, library: str, status: int, headers: dict[str, str],
    method: str, url: str,
) -> Any:
    """Unpickling (worker processes send errors back): the same error, minus the body."""
    module = importlib.import_module(library)
    request = module.Request(method, url)
    return cls(message, response=module.Response(status, headers=headers, request=request))


def redirect_error(response: Any) -> RedirectRefusedError:
    location = response.headers.get("location")
    where = f" to {location}" if location else " (no Location header)"
    request = response.request
    return RedirectRefusedError(
        f"OCI Generative AI: redirect refused (HTTP {response.status_code}): "
        f"{request.method} {request.url} was redirected{where}. OCI does not redirect API "
        "calls, so something else answered. Fix: set base_url= to the final endpoint, or "
        "remove what redirects (a proxy, an http:// URL behind https).",
        response=response,
    )


def unexpected_error(response: Any, kind: Kind, body: bytes, why: str) -> UnexpectedResponseError:
    """The error for a 2xx answer of the wrong kind, quoting the start of its body."""
    request = response.request
    content_type = response.headers.get("content-type")
    wanted = "an event stream" if kind == "stream" else "JSON"
    text = " ".join(body[: _SNIPPET * 2].decode("utf-8", "replace").split())[:_SNIPPET]
    return UnexpectedResponseError(
        f"OCI Generative AI: unexpected answer to {request.method} {request.url}: expected "
        f"{wanted}, got HTTP {response.status_code} with "
        f"{f'Content-Type {content_type!r}' if content_type else 'no Content-Type'} ({why}); "
        f"it starts {text!r}. Something between you and OCI (a proxy, a captive portal, a "
        "wrong base_url) probably answered. Fix: check base_url= and any HTTP(S)_PROXY.",
        response=response,
        body=text,
    )


async def read_start(stream: Any) -> bytes:
    """The first few KB of an unexpected body (then the rest is dropped with the stream)."""
    start = b""
    try:
        async for chunk in stream:
            start += chunk
            if len(start) >= _SNIPPET_READ:
                break
    except Exception:  # a page cut short still says what it was
        pass
    return start


async def checked_json(
    stream: Any, response: Any, content_encoding: str | None
) -> AsyncIterator[bytes]:
    """Yield ``stream``'s chunks; at its end, raise if the whole body is not JSON.

    Measured here (2 shared CPUs, loaded): ``json.loads`` of a 3.5 KB chat
    answer takes about 40 us, of an 85 KB Responses answer about 1 ms; openai
    parses and validates the same body again, at several times that cost.
    """
    unpack = decoder(content_encoding)
    seen: list[bytes] = []
    async for chunk in stream:
        if unpack is not None:
            try:
                seen.append(unpack.decompress(chunk))
            except zlib.error:
                unpack = None  # the HTTP library reports a bad encoding itself
        yield chunk
    if unpack is None:
        return
    body = b"".join(seen)
    if not body.strip():
        return  # no body at all (a DELETE's answer): openai expects none then
    try:
        json.loads(body)
    except ValueError as exc:
        why = f"the JSON is incomplete or invalid: {exc}"
        raise unexpected_error(response, "json", body, why) from None


async def check(
    request: Any, response: Any, library: Any, wrap: Callable[[AsyncIterator[bytes], Any], Any]
) -> None:
    """Hold ``response`` to what ``request`` asked for (see the module docstring).

    Raises at once for a redirect or a body of the wrong type; otherwise
    replaces ``response.stream`` with ``wrap(checked_chunks, original_stream)``
    when the body must be watched to its end.
    """
    status = response.status_code
    if 300 <= status < 400:
        await response.aclose()
        raise redirect_error(response)
    kind = expected_kind(request)
    if kind is None or not 200 <= status < 300 or status in (204, 205):
        if 200 <= status < 300 and is_event_stream(response.headers.get("content-type")):
            kind = "stream"  # an event stream nobody asked for is still watched
        else:
            return
    headers = response.headers
    media = media_type(headers.get("content-type"))
    encoding = headers.get("content-encoding")
    stream = response.stream
    if kind == "stream" and (media is None or media == "text/event-stream"):
        response.stream = wrap(guarded(stream, request, library, encoding), stream)
    elif kind == "json" and (media is None or _is_json(media)):
        response.stream = wrap(checked_json(stream, response, encoding), stream)
    else:
        start = await read_start(stream)
        await stream.aclose()
        unpack = decoder(encoding)
        try:
            shown = unpack.decompress(start) if unpack is not None else start
        except zlib.error:
            shown = start
        raise unexpected_error(response, kind, shown, "the wrong type")
