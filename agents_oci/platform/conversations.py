"""OCI conversations as an Agents SDK session, signed with an OCI connection.

The SDK's :class:`agents.OpenAIConversationsSession` falls back to the
SDK's default OpenAI client when it is given none; for an OCI user that
would silently send the conversation to api.openai.com. This subclass
always needs an OCI client (a provider's, or one you pass), so that cannot
happen; being a subclass, the Runner treats it exactly as the SDK's own
(it checks ``isinstance(session, OpenAIConversationsSession)``).
"""

from __future__ import annotations

from typing import Any, Protocol

import openai
from agents.items import TResponseInputItem
from agents.memory import OpenAIConversationsSession
from agents.memory.session_settings import SessionSettings
from openai import AsyncOpenAI

from ..errors import ConflictingArgumentsError
from ..service_errors import ErrorContext, translate

__all__ = ["OCIConversationsSession"]


class _HasClient(Protocol):
    def client(self) -> AsyncOpenAI: ...


class OCIConversationsSession(OpenAIConversationsSession):
    """Server-side session memory in an OCI Generative AI conversation.

    Build it from a provider (one line; signed with the provider's
    credentials, compartment and project)::

        session = provider.conversations_session()
        config = RunConfig(model_provider=provider)
        await Runner.run(agent, "hi", session=session, run_config=config)

    or with ``OCIConversationsSession(provider=provider)``, or
    ``openai_client=`` a signed client of your own. ``conversation_id=``
    resumes an existing conversation; without it one is created on first
    use. OCI refusals come out as the typed errors of
    :mod:`agents_oci.service_errors` (a zero-data-retention tenancy raises
    :class:`~agents_oci.service_errors.ZeroDataRetentionError` naming a
    client-side session as the alternative).
    """

    def __init__(
        self,
        *,
        provider: _HasClient | None = None,
        openai_client: AsyncOpenAI | None = None,
        conversation_id: str | None = None,
        session_settings: SessionSettings | dict[str, Any] | None = None,
    ) -> None:
        if (provider is None) == (openai_client is None):
            raise ConflictingArgumentsError(
                "OCIConversationsSession needs exactly one of provider= (an OCIProvider) or "
                "openai_client= (a client signed for OCI, e.g. provider.client()); "
                f"got {'both' if provider is not None else 'neither'}. Without one, the "
                "Agents SDK would fall back to its default OpenAI client."
            )
        client = openai_client if openai_client is not None else _client_of(provider)
        super().__init__(
            conversation_id=conversation_id,
            openai_client=client,
            session_settings=session_settings,
        )

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        """The conversation's items, oldest first (the latest ``limit`` when given)."""
        try:
            return await super().get_items(limit)
        except openai.APIStatusError as exc:
            raise _typed(exc) from exc

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        """Append items to the conversation (20 per request, as the API takes them)."""
        try:
            await super().add_items(items)
        except openai.APIStatusError as exc:
            raise _typed(exc) from exc

    async def pop_item(self) -> TResponseInputItem | None:
        """Remove and return the latest item (``None`` when empty)."""
        try:
            return await super().pop_item()
        except openai.APIStatusError as exc:
            raise _typed(exc) from exc

    async def clear_session(self) -> None:
        """Delete the conversation on OCI; the next use starts a new one."""
        try:
            await super().clear_session()
        except openai.APIStatusError as exc:
            raise _typed(exc) from exc


def _client_of(provider: Any) -> AsyncOpenAI:
    client = provider.client() if callable(getattr(provider, "client", None)) else None
    if not isinstance(client, AsyncOpenAI):
        raise ConflictingArgumentsError(
            f"provider={provider!r} has no client() returning an AsyncOpenAI: pass an "
            "OCIProvider, or openai_client= a signed client."
        )
    return client


def _typed(exc: openai.APIStatusError) -> openai.APIStatusError:
    typed = translate(exc, ErrorContext(api="conversations"))
    if typed is exc:
        raise exc
    return typed
