"""What the emulated model hears and says, independent of the wire format.

A request on any API (chat completions, Responses, OCI's native chat) is
normalised into a :class:`Turn`; a responder answers it with a :class:`Reply` (or
:class:`RawEvents` for tests that need exact stream events); the wire module
turns the reply into the JSON body or the SSE events of the API that was
called. Keeping the model's "thinking" free of wire details is what lets one
responder serve every API.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "Api",
    "Handler",
    "Message",
    "RawEvents",
    "Reply",
    "ToolCall",
    "ToolSpec",
    "Turn",
    "Usage",
]

Api = Literal["chat", "responses", "native"]
"""Which API a turn came from: chat completions, Responses, or OCI's native chat."""


@dataclass(frozen=True)
class ToolCall:
    """A function call the model makes. ``arguments`` is JSON text."""

    name: str
    arguments: str = "{}"
    call_id: str = ""
    """Filled with a fresh id by the wire layer when empty."""


@dataclass(frozen=True)
class Usage:
    """Token counts reported with a reply."""

    input_tokens: int
    output_tokens: int

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class Reply:
    """What the model says: text, tool calls, or both.

    ``usage`` left as ``None`` is estimated from the turn and the reply.
    """

    text: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage | None = None


@dataclass(frozen=True)
class RawEvents:
    """Stream events sent verbatim, for tests that need exact wire control.

    For chat completions each item is a chunk payload (a dict, sent as
    ``data: <json>``) or a literal string sent as the data line (``"[DONE]"``).
    For Responses each item is an event dict with a ``type`` key.
    For the native chat API each item is an event payload (``data: <json>``).
    A non-streaming request answered with raw events gets ``body`` as JSON.
    """

    events: tuple[Mapping[str, Any] | str, ...] = ()
    body: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Message:
    """One conversation entry, normalised across both APIs.

    ``role`` is ``system``, ``developer``, ``user``, ``assistant`` or ``tool``.
    An assistant message may carry ``tool_calls``; a ``tool`` message is the
    result of the call named by ``tool_call_id``.
    """

    role: str
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None


@dataclass(frozen=True)
class ToolSpec:
    """A function tool offered to the model."""

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Turn:
    """One model call: the whole conversation so far and what was offered.

    For Responses calls continuing with ``previous_response_id`` the
    emulator rebuilds ``messages`` from its stored history plus the new input,
    as the real service does server-side.
    """

    api: Api
    model: str
    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...] = ()
    output_schema: Mapping[str, Any] | None = None
    """JSON schema the final answer must satisfy, when one was requested."""
    body: Mapping[str, Any] = field(default_factory=dict)
    """The parsed request body, for handlers that need more (native: the whole
    ``ChatDetails``, the format-specific request under ``chatRequest``)."""


Handler = Callable[[Turn], "Reply | RawEvents"]
"""A function that answers a turn; installed with ``OCIEmulator.set_handler``."""
