"""OCI's native chat API: ``POST /20231130/actions/chat`` in both request formats.

This is the API the ``oci`` SDK's ``GenerativeAiInferenceClient.chat`` calls,
and the only one serving Cohere R-series models and models hosted on a
dedicated AI cluster. Its rules, as the emulator applies them:

* IAM-signed requests only (the gate verifies the signature as on every
  route); Generative AI API keys (bearer) are refused with 401;
* the body is a ``ChatDetails``: ``compartmentId`` (required, no header
  needed; the tenancy or a compartment of it, else 404), ``servingMode`` and
  ``chatRequest``;
* ``servingMode`` is ``ON_DEMAND`` with a ``modelId`` from the catalogue, or
  ``DEDICATED`` with the ``endpointId`` of a registered endpoint
  (:func:`endpoint_ocid`); an unknown one is a 404;
* ``cohere.*`` models take ``apiFormat: COHERE`` or ``COHEREV2`` (the
  ``oci`` SDK's ``CohereChatRequestV2``), every other model ``GENERIC``; the
  wrong one is a 400;
* ``modelId`` may be a model OCID (an imported or fine-tuned model,
  :meth:`~agents_oci.testing.OCIEmulator.add_model_ocid`); an unknown one is
  a 404.

The answer comes from the same script (queue, handler, default responder)
as the other APIs, through :class:`Turn` (``api="native"``), and is
rendered by :mod:`.native_wire` as JSON or as server-sent events.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import anyio.to_thread
import oci.regions
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from . import native_wire, responder
from .errors import AUTH_MESSAGE, ServiceError
from .events import EventStream, chat_frames
from .gate import Call
from .native_turn import cohere_turn, coherev2_turn, generic_turn
from .native_wire import ApiFormat
from .replies import RawEvents, Reply, Turn

if TYPE_CHECKING:  # app.py imports this module to build its routes.
    from .app import Backend

__all__ = [
    "BEARER_REFUSED",
    "DEDICATED_PREFIX",
    "NATIVE_CHAT_PATH",
    "MODEL_OCID_PREFIX",
    "endpoint_ocid",
    "model_ocid",
    "native_format",
    "native_routes",
]

NATIVE_CHAT_PATH: Final = "/20231130/actions/chat"
DEDICATED_PREFIX: Final = "ocid1.generativeaiendpoint."
MODEL_OCID_PREFIX: Final = "ocid1.generativeaimodel."
BEARER_REFUSED: Final = "the native chat API accepts only IAM-signed requests, not bearer keys"


def endpoint_ocid(region: str) -> str:
    """A well-formed endpoint OCID: ``ocid1.generativeaiendpoint.<realm>.<region>.amaaaaaa...``."""
    realm = oci.regions.REGION_REALMS.get(region, "oc1")
    unique = base64.b32encode(secrets.token_bytes(32)).decode().lower().rstrip("=")
    return f"{DEDICATED_PREFIX}{realm}.{region}.amaaaaaa{unique[:52]}"


def model_ocid(region: str) -> str:
    """A well-formed model OCID: ``ocid1.generativeaimodel.<realm>.<region>.amaaaaaa...``."""
    return endpoint_ocid(region).replace(DEDICATED_PREFIX, MODEL_OCID_PREFIX, 1)


def native_format(model: str) -> ApiFormat:
    """The request format ``model`` takes: ``COHERE`` for ``cohere.*``, else ``GENERIC``."""
    return "COHERE" if model.startswith("cohere.") else "GENERIC"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _required(holder: Mapping[str, Any], key: str, where: str) -> str:
    value = holder.get(key)
    if not isinstance(value, str) or not value:
        raise ServiceError(
            400, "MissingParameter", f"Missing parameter: {where} is required.", param=where
        )
    return value


class _NativeChat:
    def __init__(self, backend: Backend) -> None:
        self._b = backend

    async def chat(self, request: Request) -> Response:
        details = self._admit(request)
        compartment = _required(details, "compartmentId", "compartmentId")
        self._b.tenancy.check_compartment(compartment, "compartmentId")
        model, where = self._serving_model(details.get("servingMode"))
        chat_request = details.get("chatRequest")
        if not isinstance(chat_request, Mapping):
            raise ServiceError(
                400,
                "MissingParameter",
                "Missing parameter: chatRequest is required.",
                param="chatRequest",
            )
        api_format = _check_format(model, where, chat_request.get("apiFormat"))
        normalise = {"COHERE": cohere_turn, "COHEREV2": coherev2_turn}.get(
            api_format, generic_turn
        )
        turn = normalise(details, chat_request, model)
        # In a worker thread: a test's handler may block to hold a request in flight.
        answer = await anyio.to_thread.run_sync(self._b.script.answer, turn)
        stream = chat_request.get("isStream") is True
        if isinstance(answer, RawEvents):
            return self._raw(answer, stream)
        return self._render(turn, answer, api_format, chat_request, stream=stream)

    def _admit(self, request: Request) -> Mapping[str, Any]:
        call: Call = request.scope["state"]["call"]
        if call.principal is not None and call.principal.kind == "bearer":
            # The gate accepted the key (the OpenAI-compatible routes would); this API does not.
            self._b.journal.update(call.seq, principal=None, auth_error=BEARER_REFUSED)
            raise ServiceError(401, "NotAuthenticated", AUTH_MESSAGE)
        call = self._b.guard.check(request, family="native", json_body=True)
        body: Mapping[str, Any] = call.body
        return body

    def _serving_model(self, serving: Any) -> tuple[str, str]:
        """The model that answers, and how to name it in errors."""
        if not isinstance(serving, Mapping):
            raise ServiceError(
                400,
                "MissingParameter",
                "Missing parameter: servingMode is required.",
                param="servingMode",
            )
        kind = serving.get("servingType")
        if kind == "ON_DEMAND":
            model_id = serving.get("modelId")
            if isinstance(model_id, str) and model_id.startswith(MODEL_OCID_PREFIX):
                base = self._b.model_ocids.model(model_id)
                if base is None:
                    raise ServiceError(
                        404,
                        "NotAuthorizedOrNotFound",
                        f"Authorization failed or requested resource not found: model {model_id}.",
                        param="servingMode.modelId",
                    )
                return base, f"Model {model_id} ({base})"
            model = self._b.catalogue.check_native(model_id)
            return model, f"Model {model}"
        if kind == "DEDICATED":
            endpoint = _required(serving, "endpointId", "servingMode.endpointId")
            hosted = self._b.endpoints.model(endpoint)
            if hosted is None:
                raise ServiceError(
                    404,
                    "NotAuthorizedOrNotFound",
                    f"Authorization failed or requested resource not found: endpoint {endpoint}.",
                    param="servingMode.endpointId",
                )
            return hosted, f"Model {hosted} (endpoint {endpoint})"
        raise ServiceError(
            400,
            "InvalidParameter",
            f"servingMode.servingType must be ON_DEMAND or DEDICATED, got {kind!r}.",
            param="servingMode.servingType",
        )

    def _render(
        self,
        turn: Turn,
        answer: Reply,
        api_format: ApiFormat,
        chat_request: Mapping[str, Any],
        *,
        stream: bool,
    ) -> Response:
        usage = responder.estimate_usage(turn, answer)
        include_usage = _mapping(chat_request.get("streamOptions")).get("isIncludeUsage") is True
        # A fresh seed per reply: generic tool call ids are new for each reply
        # and identical in its body and its events.
        seed = f"native-{uuid.uuid4().hex}"
        created = self._b.clock()
        if api_format == "COHERE":
            if stream:
                return self._stream(
                    native_wire.cohere_events(
                        answer, chat_request, usage, include_usage=include_usage
                    )
                )
            body = native_wire.cohere_response(answer, chat_request, usage)
        elif api_format == "COHEREV2":
            if stream:
                return self._stream(
                    native_wire.coherev2_events(
                        answer, usage, seed=seed, include_usage=include_usage
                    )
                )
            body = native_wire.coherev2_response(answer, usage, seed=seed)
        else:
            if stream:
                return self._stream(
                    native_wire.generic_events(
                        answer,
                        usage,
                        seed=seed,
                        include_usage=include_usage,
                        shape=self._b.rules.generic_stream,
                    )
                )
            body = native_wire.generic_response(answer, usage, created=created, seed=seed)
        return JSONResponse(native_wire.chat_result(turn.model, body))

    def _raw(self, raw: RawEvents, stream: bool) -> Response:
        if stream:
            return self._stream(raw.events)
        if raw.body is None:
            raise ServiceError(
                500,
                "InternalServerError",
                "RawEvents without a body cannot answer a non-streaming request.",
            )
        return JSONResponse(dict(raw.body))

    def _stream(self, events: Any) -> Response:
        faults = self._b.faults
        return EventStream(
            chat_frames(events), cut_after=faults.take_cut(), between=faults.latency.between_events
        )


def _check_format(model: str, where: str, api_format: Any) -> ApiFormat:
    if api_format not in ("COHERE", "COHEREV2", "GENERIC"):
        raise ServiceError(
            400,
            "InvalidParameter",
            f"chatRequest.apiFormat must be COHERE, COHEREV2 or GENERIC, got {api_format!r}.",
            param="chatRequest.apiFormat",
        )
    expected = native_format(model)
    if expected == "COHERE" and api_format == "COHEREV2":
        return "COHEREV2"
    if api_format != expected:
        raise ServiceError(
            400,
            "InvalidParameter",
            f"{where} takes chatRequest.apiFormat {expected}, not {api_format}.",
            param="chatRequest.apiFormat",
        )
    return expected


def native_routes(backend: Backend) -> list[BaseRoute]:
    """``POST /20231130/actions/chat``."""
    return [Route(NATIVE_CHAT_PATH, _NativeChat(backend).chat, methods=["POST"])]
