"""Explicit compaction (``responses.compact``) with OCI model names.

The SDK's :class:`agents.memory.OpenAIResponsesCompactionSession` refuses
every model whose name does not look like OpenAI's (its
``is_openai_model_name`` accepts ``gpt-*`` and ``o<digit>*`` only), so
``openai.gpt-5.5`` is refused although OCI serves ``/responses/compact``
(Oracle's ``responses-api.htm``). This subclass passes the SDK's check and
then uses the OCI name; every other behaviour (when to compact, how the
session's history is replaced) is the SDK's. Like
:class:`~agents_oci.platform.conversations.OCIConversationsSession` it
needs an OCI client, so it never falls back to the SDK's default OpenAI
client.

When each mode fits:

* explicit (this session): history lives on your side (``SQLiteSession``
  and the like), often with ``ModelSettings(store=False)``; after a turn
  with enough items the session calls ``responses.compact`` and replaces
  the stored history, so the next request sends less.
* automatic (``ModelSettings(context_management=[{"type": "compaction",
  "compact_threshold": N}])``): OCI keeps the state (a conversation or
  ``previous_response_id``) and compacts server-side once the model's input
  passes ``N`` tokens; nothing changes on your side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, cast

from agents.memory import Session
from agents.memory.openai_responses_compaction_session import OpenAIResponsesCompactionSession
from openai import AsyncOpenAI

from ..errors import ConflictingArgumentsError, InvalidModelNameError

__all__ = ["OCIResponsesCompactionSession"]

_SDK_ACCEPTED_NAME: Final = "gpt-4.1"
# Handed to the SDK's constructor only to pass its OpenAI-name check; the OCI
# name replaces it before any request is built.


class OCIResponsesCompactionSession(OpenAIResponsesCompactionSession):
    """The SDK's compaction session, accepting OCI model names and signed for OCI.

    Example::

        session = provider.compaction_session(SQLiteSession("chat"), model="openai.gpt-5.5")
        agent = Agent(name="a", model="responses:openai.gpt-5.5",
                      model_settings=ModelSettings(store=False))
        config = RunConfig(model_provider=provider)
        await Runner.run(agent, "hi", session=session, run_config=config)

    ``model`` may carry the provider's ``responses:`` prefix. Pass exactly
    one of ``provider=`` or ``client=``.
    """

    def __init__(
        self,
        underlying_session: Session,
        *,
        model: str,
        provider: Any | None = None,
        client: AsyncOpenAI | None = None,
        session_id: str | None = None,
        compaction_mode: Any = "auto",
        should_trigger_compaction: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        if (provider is None) == (client is None):
            raise ConflictingArgumentsError(
                "OCIResponsesCompactionSession needs exactly one of provider= (an OCIProvider) "
                "or client= (a client signed for OCI); without one the Agents SDK would fall "
                "back to its default OpenAI client."
            )
        name = model.removeprefix("responses:").strip()
        if not name:
            raise InvalidModelNameError(
                f"model={model!r} names no model: pass an OCI Responses model such as "
                "'openai.gpt-5.5'."
            )
        signed: AsyncOpenAI = client if client is not None else cast(Any, provider).client()
        super().__init__(
            session_id or str(getattr(underlying_session, "session_id", "oci-compaction")),
            underlying_session,
            client=signed,
            model=_SDK_ACCEPTED_NAME,
            compaction_mode=compaction_mode,
            should_trigger_compaction=should_trigger_compaction,
        )
        self.model = name
