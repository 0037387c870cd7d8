"""``OCIProvider``: model names in, OCI models out, over one shared client."""

from __future__ import annotations

from typing import Any, cast

from agents.models.interface import Model, ModelProvider
from openai import AsyncOpenAI

from .connection import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_REQUEST_TIMEOUT,
    ConnectionOptions,
    OCIConnection,
    check_no_conflict,
)
from .errors import InvalidModelNameError
from .models import OCIChatCompletionsModel, OCIResponsesModel, check_model_name
from .native.format import ApiFormat
from .native.model import OCINativeModel
from .platform.compaction import OCIResponsesCompactionSession
from .platform.conversations import OCIConversationsSession
from .routing import NATIVE_PREFIX, RESPONSES_PREFIX, route

__all__ = ["NATIVE_PREFIX", "RESPONSES_PREFIX", "OCIProvider", "route"]

def _restore_provider(
    options: ConnectionOptions,
    request_timeout: float,
    default_model: str | None,
    native_api_format: ApiFormat | None = None,
    max_retries: int = DEFAULT_MAX_RETRIES,
) -> OCIProvider:
    """Unpickling: a provider with the same keywords, resolved in this process."""
    return OCIProvider(
        request_timeout=request_timeout,
        max_retries=max_retries,
        default_model=default_model,
        native_api_format=native_api_format,
        **options.keywords(),
    )


class OCIProvider(ModelProvider):
    """A ``ModelProvider`` for OCI Generative AI.

    ``responses:NAME`` gives an :class:`OCIResponsesModel`; any other name an
    :class:`OCIChatCompletionsModel`. All models share one signed client,
    built on first use::

        from agents import Agent, Runner, RunConfig
        from agents_oci import OCIProvider

        provider = OCIProvider(profile="DEFAULT", default_model="meta.llama-3.3-70b-instruct")
        agent = Agent(name="assistant", model="responses:openai.gpt-5.5-pro")
        Runner.run_sync(agent, "hi", run_config=RunConfig(model_provider=provider))

    Takes the connection keywords of :class:`OCIChatCompletionsModel`,
    ``auth=`` (one of Oracle's auth objects) and ``max_retries=`` included;
    every model it builds (chat, Responses, native) shares them.

    Settings and credentials are resolved when the provider is constructed, so
    configuration mistakes fail here, not in the middle of a run. A provider
    can be pickled into worker processes: only its keywords travel, and each
    process builds its own client on first use. The Runner
    does not close providers passed in ``RunConfig``: call :meth:`aclose` when
    done.
    """

    def __init__(
        self,
        *,
        auth_type: str | None = None,
        profile: str | None = None,
        config_file: str | None = None,
        region: str | None = None,
        compartment_id: str | None = None,
        project_id: str | None = None,
        base_url: str | None = None,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        openai_client: AsyncOpenAI | None = None,
        signer: Any | None = None,
        api_key: str | None = None,
        auth: Any | None = None,
        default_model: str | None = None,
        native_api_format: ApiFormat | None = None,
    ) -> None:
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
        check_no_conflict(options, openai_client)
        self._client = openai_client
        self._connection = (
            None
            if openai_client is not None
            else OCIConnection(options, request_timeout=request_timeout, max_retries=max_retries)
        )
        self.default_model = None if default_model is None else check_model_name(default_model)
        self._native_format = native_api_format

    def get_model(self, model_name: str | None) -> Model:
        """Build the model for ``model_name`` (``None`` means ``default_model``)."""
        name = model_name if model_name is not None else self.default_model
        if name is None:
            raise InvalidModelNameError(
                "No model name was given and OCIProvider has no default_model. Set "
                "`model=` on the Agent (e.g. 'meta.llama-3.3-70b-instruct'), or create "
                "the provider with OCIProvider(default_model=...)."
            )
        api, name = route(name)
        if api == "native":
            if self._connection is None:
                raise InvalidModelNameError(
                    f"{name!r} is served by OCI's native chat API, which an OCIProvider built "
                    "on openai_client= cannot reach. Build the provider with connection "
                    "keywords (profile=, auth_type=, ...) instead."
                )
            return OCINativeModel(
                name, api_format=self._native_format, _connection=self._connection
            )
        model_class = OCIResponsesModel if api == "responses" else OCIChatCompletionsModel
        if self._connection is None:
            return model_class(name, openai_client=self.client())
        return cast(Model, model_class._on_connection(name, self._connection))

    def client(self) -> AsyncOpenAI:
        """The shared signed client (the caller's, if one was passed)."""
        if self._connection is not None:
            return self._connection.client()
        assert self._client is not None  # exactly one of the two is set
        return self._client

    def conversations_session(
        self, conversation_id: str | None = None, **session_settings: Any
    ) -> OCIConversationsSession:
        """An OCI conversation as an Agents SDK session, signed like this provider's models.

        ``conversation_id`` resumes one; without it, OCI creates one on first
        use. Keywords go to ``SessionSettings`` (e.g. ``limit=20``)::

            session = provider.conversations_session()
            await Runner.run(agent, "hi", session=session,
                             run_config=RunConfig(model_provider=provider))
        """
        return OCIConversationsSession(
            provider=self,
            conversation_id=conversation_id,
            session_settings=session_settings or None,
        )

    def compaction_session(
        self, underlying_session: Any, *, model: str | None = None, **options: Any
    ) -> OCIResponsesCompactionSession:
        """Wrap a client-side session so it compacts with ``responses.compact`` on OCI.

        ``model`` (default: ``default_model``) is an OCI Responses model, with
        or without the ``responses:`` prefix; ``options`` go to
        :class:`OCIResponsesCompactionSession` (``should_trigger_compaction=``, ...).
        """
        name = model if model is not None else self.default_model
        if name is None:
            raise InvalidModelNameError(
                "compaction_session() needs model= (e.g. 'openai.gpt-5.5') or a provider "
                "built with default_model=."
            )
        return OCIResponsesCompactionSession(
            underlying_session, model=name, provider=self, **options
        )

    async def aclose(self) -> None:
        """Close the shared client if this provider built it."""
        if self._connection is not None:
            await self._connection.aclose()

    def __reduce__(self) -> tuple[Any, ...]:
        # A worker process gets the keywords, never a client or key material:
        # it resolves settings and loads credentials itself.
        if self._connection is None:
            raise TypeError(
                "OCIProvider built with openai_client= cannot be pickled: a live client "
                "cannot move to another process. Build it with connection keywords instead."
            )
        connection = self._connection
        options = connection.options.picklable("OCIProvider")
        return (
            _restore_provider,
            (
                options,
                connection.request_timeout,
                self.default_model,
                self._native_format,
                connection.max_retries,
            ),
        )

    def __repr__(self) -> str:
        # getattr: never raise, even half-built (see OCIConnection.__repr__).
        default_model = getattr(self, "default_model", None)
        connection = getattr(self, "_connection", None)
        return f"OCIProvider(default_model={default_model!r}, connection={connection!r})"
