"""``OCINativeModel``: OCI's native chat API for what ``/openai/v1`` does not serve.

Cohere R-series models (``cohere.command-r*``) and models on a dedicated AI
cluster (addressed by an endpoint OCID) are served by OCI's native chat API,
``POST /20231130/actions/chat``. This model speaks it over the same signed
async HTTP client as the other models (never the blocking ``oci`` SDK client),
with the same connection keywords and resolution.

Conversion reuses the Agents SDK: its items become chat-completions messages
with the SDK's own converter, :mod:`~agents_oci.native.format` turns those into
the native request, and native answers come back as chat-completions objects
that the SDK's converter and stream handler turn into its items and events.

Over 300 lines on purpose: one :class:`agents.models.interface.Model`
(get_response, stream_response, pickling) and its send-with-retries loop, which
share the connection and the error translation; the wire format is elsewhere.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Final, cast

import openai
from agents.items import ModelResponse
from agents.models.chatcmpl_converter import Converter
from agents.models.chatcmpl_stream_handler import ChatCmplStreamHandler
from agents.models.interface import Model
from agents.usage import Usage
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response

from ..config.endpoints import native_chat_url
from ..connection import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_REQUEST_TIMEOUT,
    ConnectionOptions,
    OCIConnection,
)
from ..errors import InvalidConfigValueError, MissingCompartmentError
from ..http.library import http_library
from ..http.retries import is_retried, retry_delay
from ..models import check_model_name
from ..routing import DEDICATED_PREFIX
from ..service_errors import ErrorContext, UnexpectedResponseError, openai_class, translate
from .answer import completion_from_native
from .format import API_FORMATS, ApiFormat, request_body
from .stream import ChunkTranslator, data_lines

__all__ = ["DEDICATED_PREFIX", "OCINativeModel"]

_RETRY_COUNT_HEADER: Final = "x-stainless-retry-count"
# The header openai's client sends on the other paths: the same name lets the
# error translation say how many retries were made on every path.


class OCINativeModel(Model):
    """An Agents SDK model on OCI's native chat API (Cohere R-series, dedicated endpoints).

    ``model`` is an on-demand model id (``cohere.command-r-plus-08-2024``) or a
    dedicated endpoint OCID (``ocid1.generativeaiendpoint...``). The request
    format follows the model: ``COHERE`` for ``cohere.*`` models and, by
    default, for endpoints (dedicated clusters most often host Cohere models);
    ``GENERIC`` for the others. Pass ``api_format=`` to say otherwise;
    ``api_format="COHEREV2"`` (the ``oci`` SDK's ``CohereChatRequestV2``:
    tool calls with ids, JSON-schema tools) serves Command A best::

        from agents import Agent, Runner
        from agents_oci import OCINativeModel

        agent = Agent(name="a", model=OCINativeModel("cohere.command-r-plus-08-2024"))
        command_a = OCINativeModel("cohere.command-a-03-2025", api_format="COHEREV2")
        print(Runner.run_sync(agent, "Hello").final_output)

    Takes the connection keywords of :class:`OCIChatCompletionsModel`; the
    native API needs a compartment (the profile's tenancy by default).
    """

    def __init__(
        self,
        model: str,
        *,
        api_format: ApiFormat | None = None,
        auth_type: str | None = None,
        profile: str | None = None,
        config_file: str | None = None,
        region: str | None = None,
        compartment_id: str | None = None,
        project_id: str | None = None,
        base_url: str | None = None,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        signer: Any | None = None,
        api_key: str | None = None,
        auth: Any | None = None,
        _connection: OCIConnection | None = None,
    ) -> None:
        self.model = check_model_name(model)
        self.api_format: ApiFormat = api_format or _default_format(self.model)
        if self.api_format not in API_FORMATS:
            raise InvalidConfigValueError(
                f"api_format={api_format!r} is not a native request format. Fix: pass "
                "api_format='COHERE' (Cohere models), 'COHEREV2' (Cohere Command A and "
                "later) or 'GENERIC' (the other families)."
            )
        options = ConnectionOptions(
            auth_type=auth_type,
            profile=profile,
            config_file=config_file,
            region=region,
            compartment_id=compartment_id,
            project_id=project_id,
            base_url=base_url,
            signer=signer,
            api_key=api_key,
            auth=auth,
        )
        self._owns_connection = _connection is None
        self._connection = _connection or OCIConnection(
            options, request_timeout=request_timeout, max_retries=max_retries
        )
        settings = self._connection.settings
        if settings.compartment_id.value is None:
            raise MissingCompartmentError(
                f"OCI's native chat API names the compartment in every request, and none was "
                f"resolved for {self.model!r} ({settings.compartment_id.source}). Fix: pass "
                "compartment_id='ocid1.compartment...' or set OCI_COMPARTMENT_ID."
            )
        self._url = native_chat_url(settings.base_url.value)

    # -- the Model interface ----------------------------------------------------

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        call = _Call.of(*args, **kwargs)
        body = self._details(call, stream=False)
        response = await self._send(body)
        result = json.loads(await response.aread())
        seed = uuid.uuid4().hex[:12]
        completion = ChatCompletion.model_validate(completion_from_native(result, self.model, seed))
        items = Converter.message_to_output_items(completion.choices[0].message)
        usage = completion.usage
        return ModelResponse(
            output=items,
            usage=Usage(
                requests=1,
                input_tokens=usage.prompt_tokens if usage else 0,
                output_tokens=usage.completion_tokens if usage else 0,
                total_tokens=usage.total_tokens if usage else 0,
            ),
            response_id=None,
        )

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        call = _Call.of(*args, **kwargs)
        body = self._details(call, stream=True)
        response = await self._send(body, stream=True)
        translator = ChunkTranslator(self.api_format, self.model, uuid.uuid4().hex[:12])
        shell = Response(
            id="__fake_id__",
            created_at=time.time(),
            model=self.model,
            object="response",
            output=[],
            tool_choice="auto",
            tools=[],
            parallel_tool_calls=False,
        )

        async def chunks() -> AsyncIterator[ChatCompletionChunk]:
            try:
                async for data in data_lines(response.aiter_bytes()):
                    try:
                        event = json.loads(data)
                    except ValueError:
                        raise UnexpectedResponseError(
                            "OCI Generative AI: the native event stream carried an event that "
                            f"is not JSON ({data[:80]!r}): something between you and OCI (a "
                            "proxy, a wrong base_url) altered the stream. Fix: check base_url= "
                            "and any HTTP(S)_PROXY.",
                            response=response,
                        ) from None
                    for chunk in translator.translate(event):
                        yield ChatCompletionChunk.model_validate(chunk)
            finally:
                await response.aclose()

        stream = cast(Any, chunks())
        async for event in ChatCmplStreamHandler.handle_stream(shell, stream):
            yield event

    async def close(self) -> None:
        """Close the HTTP client if this model built it."""
        if self._owns_connection:
            await self._connection.aclose()

    def __reduce__(self) -> tuple[Any, ...]:
        options = self._connection.options.picklable("OCINativeModel")
        keywords = {
            **options.keywords(),
            "api_format": self.api_format,
            "max_retries": self._connection.max_retries,
        }
        return (_restore, (self.model, keywords, self._connection.request_timeout))

    def __repr__(self) -> str:
        # getattr: never raise, even half-built (see OCIConnection.__repr__).
        model, api_format = getattr(self, "model", None), getattr(self, "api_format", None)
        return (
            f"OCINativeModel(model={model!r}, api_format={api_format!r}, "
            f"connection={getattr(self, '_connection', None)!r})"
        )

    # -- request and transport ----------------------------------------------------

    def _details(self, call: _Call, *, stream: bool) -> dict[str, Any]:
        messages = Converter.items_to_messages(call.input)
        if call.system_instructions:
            messages = [{"role": "system", "content": call.system_instructions}, *messages]
        tools = [Converter.tool_to_openai(t) for t in call.tools]
        tools += [Converter.convert_handoff_tool(h) for h in call.handoffs]
        response_format = Converter.convert_response_format(call.output_schema)
        chat_request = request_body(
            self.api_format,
            cast(Any, messages),
            cast(Any, tools),
            call.model_settings,
            response_format if isinstance(response_format, dict) else None,
            stream=stream,
        )
        dedicated = self.model.startswith(DEDICATED_PREFIX)
        return {
            "compartmentId": self._connection.settings.compartment_id.value,
            "servingMode": (
                {"servingType": "DEDICATED", "endpointId": self.model}
                if dedicated
                else {"servingType": "ON_DEMAND", "modelId": self.model}
            ),
            "chatRequest": chat_request,
        }

    async def _send(self, body: dict[str, Any], *, stream: bool = False) -> Any:
        """POST under the retry policy of :mod:`agents_oci.http.retries`; typed errors.

        A non-streaming answer is read here, inside the retry loop, so a body
        cut short is retried and then raised as openai does (``APIConnectionError``).
        """
        client = self._connection.http_client()
        max_retries = self._connection.max_retries
        content = json.dumps(body).encode()
        headers = {"content-type": "application/json", "accept": "application/json"}
        if stream:
            headers["accept"] = "text/event-stream"
        library = http_library()
        for attempt in range(max_retries + 1):
            request = client.build_request("POST", self._url, content=content, headers=headers)
            request.headers[_RETRY_COUNT_HEADER] = str(attempt)
            try:
                response = await client.send(request, stream=True)
                if response.status_code < 300 and not stream:
                    await response.aread()
            except library.TransportError as exc:
                # As the openai client does: retry, then the openai error type.
                if attempt < max_retries:
                    await asyncio.sleep(retry_delay({}, attempt) or 0.0)
                    continue
                if isinstance(exc, library.TimeoutException):
                    raise openai.APITimeoutError(request=request) from exc
                raise openai.APIConnectionError(request=request) from exc
            if response.status_code < 300:
                return response
            await response.aread()
            delay = retry_delay(response.headers, attempt)
            if not is_retried(response.status_code) or attempt == max_retries:
                raise self._error(response)
            if delay is None:  # the server asked a longer wait than the policy honours
                raise self._error(response)
            await response.aclose()
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, response: Any) -> openai.APIStatusError:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        message = body.get("message") if isinstance(body, dict) else None
        text = f"Error code: {response.status_code}" + (f" - {message}" if message else "")
        error = openai_class(response.status_code)(text, response=response, body=body)
        settings = self._connection.settings
        context = ErrorContext(
            model=self.model,
            api="native",
            region=settings.region.value,
            compartment_id=settings.compartment_id.value,
            auth_type=settings.auth_type.value,
            profile=settings.profile.value if settings.config_file.value else None,
        )
        return translate(error, context)


class _Call:
    """The arguments of one Model call, by name, on both supported SDK lines."""

    def __init__(
        self,
        system_instructions: str | None,
        input: Any,
        model_settings: Any,
        tools: list[Any],
        output_schema: Any,
        handoffs: list[Any],
        tracing: Any = None,
        **_: Any,
    ) -> None:
        self.system_instructions = system_instructions
        self.input = input
        self.model_settings = model_settings
        self.tools = tools
        self.output_schema = output_schema
        self.handoffs = handoffs

    @classmethod
    def of(cls, *args: Any, **kwargs: Any) -> _Call:
        return cls(*args, **kwargs)


def _default_format(model: str) -> ApiFormat:
    return "COHERE" if model.startswith(("cohere.", DEDICATED_PREFIX)) else "GENERIC"


def _restore(model: str, keywords: dict[str, Any], request_timeout: float) -> OCINativeModel:
    return OCINativeModel(model, request_timeout=request_timeout, **keywords)
