"""The front door: what happens to every request before and around the routes.

In order: read the body, assign the request id, journal the request, verify
its credentials (recording the principal or the reason for refusal), apply an
injected failure, refuse unauthenticated requests with OCI's 401, then hand
the request to the routes. Around the routes it adds ``opc-request-id`` (only
that: OCI sends no ``x-request-id``) to every response, delays the first byte when asked, turns
:class:`ServiceError` into an error response, and journals the outcome.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import AUTH_MESSAGE, ErrorStyle, ServiceError, default_error, error_body
from .faults import Failure, Faults, StreamCut
from .journal import HeaderView, Journal
from .signatures import AuthFailure, IncomingRequest, Principal, Verifier

__all__ = ["Call", "Gate", "GateConfig"]

_log = logging.getLogger("agents_oci.testing")


@dataclass(frozen=True)
class Call:
    """What the gate learned about a request, for the endpoints (``scope["state"]["call"]``)."""

    seq: int
    request_id: str
    signed: bool
    """The request used ``Authorization: Signature`` (whether or not it was verified)."""
    principal: Principal | None
    auth_error: str | None
    """Why verification failed; such a request gets OCI's 401 and never reaches a route."""
    body: Any
    body_is_json: bool
    raw_size: int = 0
    """Length of the body as sent (a non-empty body that is not JSON cannot be parsed)."""


@dataclass(frozen=True)
class GateConfig:
    """What the gate reads on each request; the callables see live settings."""

    verifier: Verifier
    journal: Journal
    faults: Faults
    verify_signatures: Callable[[], bool]
    error_style: Callable[[], ErrorStyle]


class Gate:
    """ASGI wrapper applying the per-request steps above to ``app``."""

    def __init__(self, app: ASGIApp, config: GateConfig) -> None:
        self._app = app
        self._config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        call = self._admit(scope, body)
        journal = self._config.journal
        sender = _Sender(send, call.request_id, journal, call.seq, self._config.faults)
        try:
            await self._dispatch(scope, _replay(body, receive), sender, call)
        except ServiceError as exc:
            if sender.started:
                raise
            response = JSONResponse(exc.body(self._config.error_style()), exc.status)
            await response(scope, receive, sender)
        except HTTPException as exc:  # the router: a known path, the wrong method
            refusal = self._error(exc.status_code, *default_error(exc.status_code))
            refusal.headers.update(exc.headers or {})
            await refusal(scope, receive, sender)
        except StreamCut as exc:
            journal.update(call.seq, fault=str(exc))
            raise
        except Exception as exc:
            # A bug in a handler or the responder: tell the test, don't hang it.
            _log.exception("emulator failed on %s %s", scope["method"], scope["path"])
            journal.update(call.seq, error=repr(exc))
            if sender.started:
                raise
            await self._error(500, "InternalServerError", repr(exc))(scope, receive, sender)

    def _admit(self, scope: Scope, body: bytes) -> Call:
        """Journal the request and verify its credentials."""
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        target = scope["raw_path"].decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        view = HeaderView(headers)
        parsed, is_json = _parse_json(body)
        entry = self._config.journal.add(
            request_id=_request_id(view.get("opc-request-id")),
            method=scope["method"],
            target=target,
            path=scope["path"],
            headers=view,
            body=parsed,
            raw_body=body,
        )
        principal, reason = self._authenticate(
            IncomingRequest(scope["method"], target, headers, body)
        )
        scheme = _auth_scheme(view.getlist("authorization"))
        claims = dict(principal.claims) if principal and principal.kind == "session" else None
        self._config.journal.update(
            entry.seq,
            principal=str(principal) if principal else None,
            auth_error=reason,
            auth_scheme=scheme,
            token_claims=claims,
        )
        signed = scheme == "signature"
        return Call(
            entry.seq, entry.request_id, signed, principal, reason, parsed, is_json, len(body)
        )

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send, call: Call) -> None:
        """An injected failure, else OCI's 401, else the routes."""
        failure = self._config.faults.take_failure(scope["path"])
        if failure is not None:
            self._config.journal.update(call.seq, fault=f"injected {failure.status}")
            await self._failure(failure)(scope, receive, send)
        elif call.auth_error is not None:
            await self._error(401, "NotAuthenticated", AUTH_MESSAGE)(scope, receive, send)
        else:
            # With an "app" in scope, starlette's routes raise HTTPException(405)
            # for a wrong method instead of answering plain text: OCI's body is JSON.
            state = {**scope.get("state", {}), "call": call}
            scope = {**scope, "state": state, "app": scope.get("app", self._app)}
            await self._app(scope, receive, send)

    def _authenticate(self, request: IncomingRequest) -> tuple[Principal | None, str | None]:
        if not self._config.verify_signatures():
            return None, None
        try:
            return self._config.verifier.verify(request), None
        except AuthFailure as exc:
            return None, exc.reason

    def _error(self, status: int, code: str, message: str) -> Response:
        return JSONResponse(
            error_body(status, code, message, style=self._config.error_style()), status
        )

    def _failure(self, failure: Failure) -> Response:
        if failure.body is not None:
            response: Response = JSONResponse(dict(failure.body), failure.status)
        else:
            response = self._error(failure.status, *default_error(failure.status))
        response.headers.update(failure.headers)
        return response


class _Sender:
    """Wraps ``send``: request-id headers, first-byte latency, outcome in the journal."""

    def __init__(self, send: Send, request_id: str, journal: Journal, seq: int, faults: Faults):
        self._send = send
        self._request_id = request_id.encode("latin-1")
        self._journal = journal
        self._seq = seq
        self._faults = faults
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            delay = self._faults.latency.first_byte
            if delay:
                await anyio.sleep(delay)
            headers = [
                *message.get("headers", []),
                # OCI sends only opc-request-id (no x-request-id: the openai SDK's
                # `_request_id` stays None live, so it does here too).
                (b"opc-request-id", self._request_id),
            ]
            content_type = dict(headers).get(b"content-type", b"")
            self._journal.update(
                self._seq,
                status=message["status"],
                streamed=content_type.startswith(b"text/event-stream"),
            )
            message = {**message, "headers": headers}
            self.started = True
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            self._journal.update(self._seq, completed=True)
        await self._send(message)


def _auth_scheme(values: tuple[str, ...]) -> str | None:
    # The first header's scheme: a request with two is refused anyway.
    if not values or not values[0].strip():
        return None
    return values[0].strip().split(" ", 1)[0].lower()


def _request_id(client_id: str | None) -> str:
    # OCI keeps a client-supplied opc-request-id as the prefix of its own.
    own = uuid.uuid4().hex.upper()
    return f"{client_id}/{own}" if client_id else own


def _parse_json(body: bytes) -> tuple[Any, bool]:
    if not body:
        return None, False
    try:
        return json.loads(body), True
    except ValueError:
        return None, False


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that yields the already-read body once, then the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
