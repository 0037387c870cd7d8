"""The Agents SDK models, pointed at OCI through a signed client.

Both classes are the SDK's own OpenAI models over a client from
:class:`~agents_oci.connection.OCIConnection`: every conversion, streaming and
tool-calling behaviour is the SDK's. What they add is construction from OCI
connection keywords, ownership (a model closes only a client it built), and
errors at the edge: OCI failures come out as the typed errors of
:mod:`agents_oci.service_errors`, with the fix in the message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any, ClassVar, cast

import openai
from agents import OpenAIChatCompletionsModel, OpenAIResponsesModel
from openai import AsyncOpenAI

from .connection import DEFAULT_REQUEST_TIMEOUT, ConnectionOptions, OCIConnection, check_no_conflict
from .errors import InvalidConfigValueError, InvalidModelNameError
from .service_errors import ErrorContext, translate

__all__ = ["OCIChatCompletionsModel", "OCIResponsesModel", "connect", "check_model_name"]


def check_model_name(model: object) -> str:
    """Reject empty or non-string model names before anything is built."""
    if not isinstance(model, str) or not model.strip():
        raise InvalidModelNameError(
            f"model={model!r} is not a model name. Pass an OCI model id such as "
            "'meta.llama-3.3-70b-instruct' or 'openai.gpt-5.5' (see the OCI console's "
            "Generative AI model list for your region)."
        )
    return model.strip()


def connect(
    options: ConnectionOptions,
    openai_client: AsyncOpenAI | None,
    request_timeout: float,
) -> tuple[AsyncOpenAI, OCIConnection | None]:
    """The client a model should use, and the connection that owns it (if we built it)."""
    check_no_conflict(options, openai_client)
    if openai_client is not None:
        return openai_client, None
    connection = OCIConnection(options, request_timeout=request_timeout)
    return connection.client(), connection


class _OCIModel:
    """Construction and ownership shared by the OCI model classes."""

    _connection: OCIConnection | None
    """The connection whose client this model uses (None for a caller's client)."""
    _owns_connection: bool
    """Whether this model built that connection (and so closes it)."""
    _api: ClassVar[str]

    def __init__(
        self,
        model: str,
        *,
        auth_type: str | None = None,
        profile: str | None = None,
        config_file: str | None = None,
        region: str | None = None,
        compartment_id: str | None = None,
        project_id: str | None = None,
        base_url: str | None = None,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        openai_client: AsyncOpenAI | None = None,
        signer: Any | None = None,
        api_key: str | None = None,
        auth: Any | None = None,
    ) -> None:
        name = check_model_name(model)
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
        client, self._connection = connect(options, openai_client, request_timeout)
        self._owns_connection = self._connection is not None
        # The next class in the MRO is the SDK's model, which takes these two.
        cast(Any, super()).__init__(model=name, openai_client=client)

    @classmethod
    def _on_connection(cls, model: str, connection: OCIConnection) -> Any:
        """A model over a provider's shared connection: it uses it, the provider owns it."""
        instance = cls(model, openai_client=connection.client())
        instance._connection = connection
        return instance

    def __reduce__(self) -> tuple[Any, ...]:
        # Only the model name and the connection keywords travel; the other
        # process resolves settings and loads credentials itself, and builds
        # its own client on first use.
        if self._connection is None:
            raise TypeError(
                f"{type(self).__name__} built with openai_client= cannot be pickled: a live "
                "client cannot move to another process. Build the model with connection "
                "keywords (profile=, auth_type=, ...) instead."
            )
        options = self._connection.options.picklable(type(self).__name__)
        return (
            _restore_model,
            (type(self), cast(Any, self).model, options, self._connection.request_timeout),
        )

    async def get_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await cast(Any, super()).get_response(*args, **kwargs)
        except openai.APIStatusError as exc:
            raise self._typed(exc) from exc

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        try:
            async for event in cast(Any, super()).stream_response(*args, **kwargs):
                yield event
        except openai.APIStatusError as exc:
            raise self._typed(exc) from exc

    def _typed(self, exc: openai.APIStatusError) -> openai.APIStatusError:
        typed = translate(exc, self._error_context())
        # An unknown error passes through as itself, without a chain to itself.
        if typed is exc:
            raise exc
        return typed

    def _error_context(self) -> ErrorContext:
        settings = self._connection.settings if self._connection is not None else None
        model = cast(Any, self).model
        if settings is None:
            return ErrorContext(model=str(model), api=self._api)
        profile_based = settings.auth_type.value in ("api_key", "security_token")
        return ErrorContext(
            model=str(model),
            api=self._api,
            region=settings.region.value,
            compartment_id=settings.compartment_id.value,
            project_id=settings.project_id.value,
            auth_type=settings.auth_type.value,
            profile=settings.profile.value if profile_based else None,
        )

    async def close(self) -> None:
        """Close the HTTP client if this model built it; a caller's client is left open."""
        if self._connection is not None and self._owns_connection:
            await self._connection.aclose()

    def __repr__(self) -> str:
        # getattr: never raise, even for a model whose construction failed half-way
        # (tools that repr the locals of a failed construction call this).
        model = getattr(self, "model", None)
        connection = getattr(self, "_connection", None)
        return f"{type(self).__name__}(model={model!r}, connection={connection!r})"


def _restore_model(
    cls: type[_OCIModel], model: str, options: ConnectionOptions, request_timeout: float
) -> _OCIModel:
    """Unpickling: the same model class and keywords, resolved in this process."""
    return cls(model, request_timeout=request_timeout, **options.keywords())


class OCIChatCompletionsModel(_OCIModel, OpenAIChatCompletionsModel):
    """An Agents SDK model on OCI's OpenAI-compatible chat completions endpoint.

    Credentials, region, compartment and project come from the keywords, the
    environment and ``~/.oci/config`` (see the README's resolution table)::

        from agents import Agent, Runner
        from agents_oci import OCIChatCompletionsModel

        model = OCIChatCompletionsModel("meta.llama-3.3-70b-instruct", profile="DEFAULT")
        agent = Agent(name="assistant", model=model)
        print(Runner.run_sync(agent, "Hello").final_output)

    Keywords: ``auth_type`` (``api_key``, ``security_token``,
    ``instance_principal``, ``resource_principal``), ``profile``,
    ``config_file``, ``region``, ``compartment_id``, ``project_id``,
    ``base_url`` (a custom endpoint, a Data Science model deployment, or the
    emulator), ``request_timeout`` (seconds; generous by default for slow
    reasoning models), ``api_key`` (a Generative AI API key, sent as a bearer
    token instead of a signature). Pass ``openai_client=`` to use a client you
    configured yourself (it is never closed by this model), ``signer=`` to
    sign with any ``oci`` SDK signer, or ``auth=`` with one of Oracle's auth
    objects (``oci_openai.OciSessionAuth(...)`` and the like, from
    ``oci-openai`` or ``oci-genai-auth``): its signer signs and agents_oci
    refreshes it; its own ``httpx`` auth flow never runs.

    Models can be pickled (for multiprocessing, Ray, durable-execution
    workers): only the model name and keywords travel, and the other process
    resolves settings and credentials itself.

    OCI failures raise the typed errors of :mod:`agents_oci.service_errors`
    (also instances of the matching ``openai`` exception).
    """

    _api = "chat"

    # OCI refuses `store` on /chat/completions (400), and never stores chat
    # completions: ModelSettings(store=False), common on agents shared with the
    # Responses path, is dropped; store=True is refused before any request.
    async def get_response(self, *args: Any, **kwargs: Any) -> Any:
        return await super().get_response(*_without_store(args, kwargs), **kwargs)

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async for event in super().stream_response(*_without_store(args, kwargs), **kwargs):
            yield event


_SETTINGS_POSITION = 2  # (system_instructions, input, model_settings, ...)


def _without_store(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """The call's arguments with ``model_settings.store`` unset (``kwargs`` in place)."""
    in_kwargs = "model_settings" in kwargs
    if not in_kwargs and len(args) <= _SETTINGS_POSITION:
        return args
    settings = kwargs["model_settings"] if in_kwargs else args[_SETTINGS_POSITION]
    if getattr(settings, "store", None) is None:
        return args
    if settings.store:
        raise InvalidConfigValueError(
            "ModelSettings(store=True) is not supported on OCI chat completions: OCI refuses "
            "`store` on /chat/completions and keeps no chat state. Fix: use "
            "OCIResponsesModel (or the 'responses:' prefix) for stored state, or drop store=."
        )
    bare = dataclasses.replace(settings, store=None)
    if in_kwargs:
        kwargs["model_settings"] = bare
        return args
    return (*args[:_SETTINGS_POSITION], bare, *args[_SETTINGS_POSITION + 1 :])


class OCIResponsesModel(_OCIModel, OpenAIResponsesModel):
    """An Agents SDK model on OCI's Responses endpoint.

    Use it for Responses-only models (``openai.gpt-5.5-pro``) and to let OCI
    hold conversation state (``previous_response_id``). For zero data
    retention, run with ``ModelSettings(store=False)``::

        from agents import Agent, ModelSettings
        from agents_oci import OCIResponsesModel

        agent = Agent(
            name="assistant",
            model=OCIResponsesModel("openai.gpt-5.5-pro", project_id=PROJECT_OCID),
            model_settings=ModelSettings(store=False),
        )

    Takes the same keywords as :class:`OCIChatCompletionsModel`.
    """

    _api = "responses"
