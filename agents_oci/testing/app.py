"""The emulated OCI Generative AI service: routes and the rules of each call.

Routes are data (:func:`routes`); each endpoint is small: check the service
rules, normalise the request into a :class:`Turn`, get the answer, render it
in the called API's wire format, as JSON or SSE. The :class:`Gate` around
the routes handles authentication, faults, request ids and the journal.
Data Science model deployments (:mod:`.deployments`) reuse the same serving
with their own rules; OCI's native chat API lives in :mod:`.native`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from . import responder, responses_wire, turns, wire
from .catalogue import ModelCatalogue
from .deployments import DeploymentRegistry, deployment_routes
from .document_routes import document_routes
from .errors import ServiceError
from .events import EventStream, chat_frames, responses_frames
from .faults import Faults
from .gate import Call, Gate, GateConfig
from .journal import Journal
from .mcp_server import MCP_PATH, mcp_routes
from .native import endpoint_ocid, model_ocid, native_routes
from .platform_routes import conversation_routes
from .platform_state import PlatformState
from .replies import Message, RawEvents, Reply, Turn, Usage
from .rules import KNOWN_FIELDS, Family, Guard, ServiceRules, Tenancy
from .scripting import ReplyScript
from .signatures import Verifier
from .store import ResponseStore, StoredResponse

__all__ = ["API_PREFIXES", "Backend", "ServiceRules", "build_app", "routes"]

API_PREFIXES: Final = ("/openai/v1", "/20231130/actions/v1")
"""Where the OpenAI-compatible API is served (the second is the older path)."""

STORE_ON_CHAT: Final = (
    "Unsupported parameter 'store': chat completions are not stored; "
    "use the Responses API (/responses) for stored state."
)
ZDR_PREVIOUS: Final = (
    "Previous response cannot be used for this organization due to Zero Data Retention."
)
ZDR_STORE: Final = (
    "Stored responses cannot be used for this organization due to Zero Data Retention."
)


@dataclass(frozen=True)
class Backend:
    """Everything the app reads, owned by the emulator."""

    rules: ServiceRules
    verifier: Verifier
    journal: Journal
    faults: Faults
    catalogue: ModelCatalogue
    store: ResponseStore
    script: ReplyScript
    clock: Callable[[], float]
    deployments: DeploymentRegistry = field(default_factory=DeploymentRegistry)
    endpoints: DeploymentRegistry = field(default_factory=lambda: DeploymentRegistry(endpoint_ocid))
    """Dedicated AI cluster endpoints of the native chat API: endpoint OCID -> model."""
    platform: PlatformState = field(default_factory=PlatformState)
    """Conversations, files and vector stores of the agent platform."""
    model_ocids: DeploymentRegistry = field(default_factory=lambda: DeploymentRegistry(model_ocid))
    """Imported and fine-tuned models: model OCID -> the base model whose format it takes."""
    tenancy: Tenancy = field(default_factory=lambda: Tenancy("ocid1.tenancy.oc1..aaaaaaaa"))
    """The compartments and projects that exist."""

    @property
    def guard(self) -> Guard:
        """The checks every route runs first: ``backend.guard.check(request, family=...)``."""
        return Guard(self.tenancy, self.rules, KNOWN_FIELDS)


class _Endpoints:
    def __init__(self, backend: Backend) -> None:
        self._b = backend

    async def chat_completions(self, request: Request) -> Response:
        body = self._inference(request, "chat")
        if "store" in body and self._b.rules.strict_fields:
            raise ServiceError(400, "InvalidParameter", STORE_ON_CHAT, param="store")
        model = self._b.catalogue.check(body.get("model"), "chat")
        return await self.serve_chat(body, model)

    async def serve_chat(self, body: dict[str, Any], model: str) -> Response:
        """Answer a chat completion with ``model`` (already checked by the caller)."""
        turn = turns.chat_turn(body)
        answer = await self._answer(turn)
        completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(self._b.clock())
        stream = body.get("stream") is True
        if isinstance(answer, RawEvents):
            return self._raw(answer, stream, chat_frames)
        usage = _usage(turn, answer)
        if not stream:
            return JSONResponse(
                wire.chat_completion_body(
                    answer, model=model, completion_id=completion_id, created=created, usage=usage
                )
            )
        options = body.get("stream_options")
        chunks = wire.chat_completion_chunks(
            answer,
            model=model,
            completion_id=completion_id,
            created=created,
            usage=usage,
            include_usage=isinstance(options, dict) and options.get("include_usage") is True,
        )
        return self._stream(chat_frames([*chunks, "[DONE]"]))

    async def responses(self, request: Request) -> Response:
        body = self._inference(request, "responses")
        rules = self._b.rules
        previous = body.get("previous_response_id")
        if rules.zdr and previous:
            raise ServiceError(400, "InvalidParameter", ZDR_PREVIOUS, param="previous_response_id")
        if rules.zdr and body.get("store") is True:
            raise ServiceError(400, "InvalidParameter", ZDR_STORE, param="store")
        model = self._b.catalogue.check(body.get("model"), "responses")
        project = request.headers.get("openai-project")
        return await self.serve_responses(body, model, project=project)

    async def serve_responses(
        self, body: dict[str, Any], model: str, *, project: str | None = None
    ) -> Response:
        """Answer a Responses call with ``model`` (already checked by the caller)."""
        platform = self._b.platform
        history = self._history(body.get("previous_response_id")) + platform.history(body, project)
        turn = turns.responses_turn(platform.prepared(body), history)
        turn, hosted = platform.hosted(body, turn)
        answer = await self._answer(turn)
        stream = body.get("stream") is True
        if isinstance(answer, RawEvents):
            return self._raw(answer, stream, responses_frames)
        response_id, created = f"resp_{uuid.uuid4().hex}", int(self._b.clock())
        usage = _usage(turn, answer)
        final = responses_wire.response_body(
            answer,
            model=model,
            response_id=response_id,
            created=created,
            usage=usage,
            request=body,
        )
        hosted.apply(final)
        compact = platform.compaction_due(body, usage.input_tokens)
        platform.record(body, final, project, compact)
        self._keep(body, turn, answer, final)
        if not stream:
            return JSONResponse(final)
        return self._stream(responses_frames(responses_wire.body_events(final)))

    async def get_response(self, request: Request) -> Response:
        self._guard(request, family="responses", inference=False)
        response_id = request.path_params["response_id"]
        stored = self._b.store.get(response_id)
        if stored is None:
            raise ServiceError(
                404, "NotAuthorizedOrNotFound", f"Response with id '{response_id}' not found."
            )
        return JSONResponse(dict(stored.body))

    async def list_models(self, request: Request) -> Response:
        self._guard(request, family="models", inference=False)
        data = [
            {"id": name, "object": "model", "created": 0, "owned_by": name.split(".", 1)[0]}
            for name in self._b.catalogue.names()
        ]
        return JSONResponse({"object": "list", "data": data})

    def _guard(self, request: Request, *, family: Family, inference: bool) -> Call:
        return self._b.guard.check(request, family=family, inference=inference)

    def _inference(self, request: Request, family: Family) -> dict[str, Any]:
        call = self._b.guard.check(request, family=family, inference=True, json_body=True)
        body: dict[str, Any] = call.body
        return body

    def _keep(self, body: dict[str, Any], turn: Turn, answer: Reply, final: dict[str, Any]) -> None:
        # Absent `store` means true, as on OpenAI; ZDR tenancies never keep anything.
        if body.get("store", True) is False or self._b.rules.zdr:
            return
        reply = wire.fill_call_ids(answer, final["id"])
        conversation = responder.stored_conversation(turn, reply)
        self._b.store.put(final["id"], StoredResponse(final, conversation))

    def _history(self, previous: object) -> tuple[Message, ...]:
        if not previous:
            return ()
        stored = self._b.store.get(str(previous))
        if stored is None:
            raise ServiceError(
                404,
                "NotAuthorizedOrNotFound",
                f"Previous response with id '{previous}' not found (previous_response_id).",
                param="previous_response_id",
            )
        return stored.conversation

    async def _answer(self, turn: Turn) -> Reply | RawEvents:
        # In a worker thread: a test's handler may block to hold a request in flight.
        return await anyio.to_thread.run_sync(self._b.script.answer, turn)

    def _raw(self, raw: RawEvents, stream: bool, frame: Callable[[Any], list[bytes]]) -> Response:
        if stream:
            return self._stream(frame(raw.events))
        if raw.body is None:
            raise ServiceError(
                500,
                "InternalServerError",
                "RawEvents without a body cannot answer a non-streaming request.",
            )
        return JSONResponse(dict(raw.body))

    def _stream(self, frames: list[bytes]) -> Response:
        cut = self._b.faults.take_cut()
        return EventStream(frames, cut_after=cut, between=self._b.faults.latency.between_events)


def routes(backend: Backend) -> list[BaseRoute]:
    """The service's routes, as data."""
    endpoints = _Endpoints(backend)
    table: list[BaseRoute] = []
    for prefix in API_PREFIXES:
        table.append(
            Route(f"{prefix}/chat/completions", endpoints.chat_completions, methods=["POST"])
        )
        table.append(Route(f"{prefix}/responses", endpoints.responses, methods=["POST"]))
    table.append(
        Route("/openai/v1/responses/{response_id}", endpoints.get_response, methods=["GET"])
    )
    table.append(Route("/openai/v1/models", endpoints.list_models, methods=["GET"]))

    def guard(request: Request, *, family: Family, json_body: bool = False) -> Call:
        # Writes are inference calls (the compartment is required of IAM-signed ones).
        inference = request.method == "POST"
        return backend.guard.check(request, family=family, inference=inference, json_body=json_body)

    platform = backend.platform
    zdr = lambda: backend.rules.zdr  # noqa: E731
    table.extend(conversation_routes(platform.conversations, guard, backend.clock, zdr))
    table.extend(document_routes(platform.documents, guard, backend.clock))
    table.extend(deployment_routes(endpoints, backend.deployments, backend.journal))
    table.extend(native_routes(backend))
    return table


def build_app(backend: Backend) -> ASGIApp:
    """The ASGI app: the gate in front of the routes."""
    rules = backend.rules

    async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
        raise ServiceError(
            404, "NotAuthorizedOrNotFound", f"No route for {scope['method']} {scope['path']}."
        )

    router = Router(routes(backend), redirect_slashes=False, default=not_found)
    config = GateConfig(
        verifier=backend.verifier,
        journal=backend.journal,
        faults=backend.faults,
        verify_signatures=lambda: rules.verify_signatures,
        error_style=lambda: rules.error_style,
    )
    gate = Gate(router, config)
    mcp = Router(mcp_routes())

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # The MCP stand-in is a third-party server to OCI: no OCI signature, no journal.
        if scope["type"] == "http" and scope["path"] == MCP_PATH:
            await mcp(scope, receive, send)
        else:
            await gate(scope, receive, send)

    return app


def _usage(turn: Turn, reply: Reply) -> Usage:
    return reply.usage if reply.usage is not None else responder.estimate_usage(turn, reply)
