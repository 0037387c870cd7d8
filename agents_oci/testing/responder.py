"""The emulated model: a deterministic default responder.

:mod:`.turns` turns a request body of either API into a
:class:`~agents_oci.testing.replies.Turn`; :func:`default_responder` answers
it. The responder is deterministic and good enough for real agent loops
driven by the Agents SDK Runner:

* tools offered and no tool result yet after the latest user message: call
  one tool, chosen by name when the user text names it (``get_weather`` or
  "get weather"); else a handoff (``transfer_to_<agent>``) when the user
  asks to transfer / hand off (the named agent's, else the first) or names
  the target agent ("the billing agent"); otherwise the first ordinary tool.
  Only the default ``transfer_to_`` names are recognised as handoffs.
  Arguments are a valid instance of the tool's JSON schema, strings taken
  from the user text (a quoted phrase, else the last capitalised word that
  does not start a sentence, else the whole text);
* after a handoff result only, the receiving agent may call one of its own
  ordinary tools (never a handoff, so two agents cannot bounce forever);
* after an ordinary tool result: text that quotes every ordinary result
  verbatim, ``Tool get_weather returned: Sunny, 20C`` (a handoff's own
  result is quoted only when there is no other);
* a requested JSON output schema and no tool call due: a JSON instance,
  strings filled from the tool results or the user text;
* otherwise ``You said: <last user text>``.

``tool_choice`` is honoured (the native API's ``toolChoice`` too):
``"none"`` never calls a tool; ``"required"`` or a named function always
calls one (the Agents SDK resets it after a tool use, as with the real
service).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .replies import Message, Reply, ToolCall, ToolSpec, Turn, Usage
from .schema_instance import schema_instance
from .turns import as_mapping

__all__ = [
    "HANDOFF_PREFIX",
    "default_responder",
    "estimate_usage",
    "reply_messages",
    "stored_conversation",
]

HANDOFF_PREFIX: Final = "transfer_to_"
"""Name prefix of the Agents SDK's default handoff tools."""

_TRANSFER_WORDS: Final = re.compile(r"\b(transfer|hand\s*-?\s*off|hand\s+(?:\w+\s+)?over)\b", re.I)
_QUOTED: Final = re.compile(r"\"([^\"]+)\"|“([^”]+)”|`([^`]+)`|(?<!\w)'([^']+)'(?!\w)")
_CAPITALISED: Final = re.compile(r"(^|[.!?]\s+|\s)([A-Z][\w-]*)")
_CHARS_PER_TOKEN: Final = 4
_TOKENS_PER_MESSAGE: Final = 4


# --- the model ---------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    """What the conversation since the latest user message tells the model."""

    user_text: str
    results: tuple[tuple[str, str], ...]
    """(tool name, output) of every tool result after the latest user message."""

    @property
    def handed_off(self) -> bool:
        return any(_is_handoff(name) for name, _ in self.results)

    @property
    def used_tool(self) -> bool:
        return any(not _is_handoff(name) for name, _ in self.results)


def _state(messages: Sequence[Message]) -> _State:
    users = [i for i, m in enumerate(messages) if m.role == "user"]
    start = users[-1] if users else -1
    names = {c.call_id: c.name for m in messages for c in m.tool_calls}
    results = tuple(
        (names.get(m.tool_call_id or "", m.tool_call_id or "tool"), m.text)
        for m in messages[start + 1 :]
        if m.role == "tool"
    )
    return _State(user_text=messages[start].text if users else "", results=results)


def default_responder(turn: Turn) -> Reply:
    """The deterministic model; see the module docstring for its rules."""
    state = _state(turn.messages)
    call = _due_tool_call(turn, state)
    if call is not None:
        return Reply(tool_calls=(call,))
    # Ordinary tool results are what the answer is about; a handoff's own
    # result ({"assistant": ...}) is quoted only when there is nothing else.
    results = [r for r in state.results if not _is_handoff(r[0])] or state.results
    if turn.output_schema is not None:
        context = " ".join(output for _, output in results) or _subject(state.user_text)
        return Reply(text=json.dumps(schema_instance(turn.output_schema, text=context)))
    if results:
        return Reply(text="\n".join(f"Tool {name} returned: {out}" for name, out in results))
    if state.user_text:
        return Reply(text=f"You said: {state.user_text}")
    return Reply(text="Hello! This is the OCI emulator's default model.")


def _due_tool_call(turn: Turn, state: _State) -> ToolCall | None:
    """The tool call the model makes now, or ``None`` when it should answer."""
    choice = _tool_choice(turn)
    if not turn.tools or choice == "none":
        return None
    forced = _forced_name(choice)
    required = choice == "required" or forced is not None
    if state.used_tool and not required:
        return None
    # Once a handoff happened for this user message, only ordinary tools are
    # candidates: that is what makes every two-agent run terminate.
    pool = [t for t in turn.tools if not (state.handed_off and _is_handoff(t.name))]
    tool = _choose_tool(pool, state.user_text, forced)
    if tool is None and required:
        tool = _choose_tool(list(turn.tools), state.user_text, forced) or turn.tools[0]
    if tool is None:
        return None
    arguments = schema_instance(tool.parameters, text=_subject(state.user_text))
    return ToolCall(name=tool.name, arguments=json.dumps(arguments))


def _tool_choice(turn: Turn) -> Any:
    """The tool choice in chat/Responses shape; native ``toolChoice`` is mapped to it."""
    if turn.api != "native":
        return turn.body.get("tool_choice")
    native = as_mapping(as_mapping(turn.body.get("chatRequest")).get("toolChoice"))
    kind = str(native.get("type", "")).lower()
    if kind == "function":
        return {"type": "function", "name": native.get("name")}
    return kind or None


def _forced_name(choice: Any) -> str | None:
    """The function named by ``tool_choice`` in chat or Responses shape."""
    if not isinstance(choice, Mapping) or choice.get("type") != "function":
        return None
    function = choice.get("function")
    name = function.get("name") if isinstance(function, Mapping) else choice.get("name")
    return str(name) if name else None


def _choose_tool(tools: list[ToolSpec], text: str, forced: str | None) -> ToolSpec | None:
    """Pick by forced name, named tool, transfer request, named agent, then first ordinary."""
    if forced is not None:
        return next((t for t in tools if t.name == forced), None)
    words = f" {_words(text)} "
    named = [t for t in tools if f" {_words(t.name)} " in words]
    if named:
        # The longest name wins: "get weather" also contains "weather".
        return max(named, key=lambda t: len(t.name))
    handoffs = [t for t in tools if _is_handoff(t.name)]
    target = _named_handoff(handoffs, words)
    if handoffs and _TRANSFER_WORDS.search(text):
        return target or handoffs[0]
    return target or next((t for t in tools if not _is_handoff(t.name)), None)


def _named_handoff(handoffs: list[ToolSpec], words: str) -> ToolSpec | None:
    for tool in handoffs:
        agent = _words(tool.name[len(HANDOFF_PREFIX) :])
        if agent and f" {agent} " in words:
            return tool
    return None


def _is_handoff(name: str) -> bool:
    return name.startswith(HANDOFF_PREFIX)


def _words(text: str) -> str:
    """Lower-case words separated by single spaces; underscores count as spaces."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _subject(text: str) -> str:
    """The value a string argument takes from the user text.

    A quoted phrase if any, else the last capitalised word that does not
    start a sentence ("Weather in Paris?" gives "Paris"), else the whole text.
    """
    quoted = _QUOTED.search(text)
    if quoted:
        return next(group for group in quoted.groups() if group)
    inner = [
        m.group(2)
        for m in _CAPITALISED.finditer(text)
        if m.group(1).isspace() and m.group(2) != "I"
    ]
    return inner[-1] if inner else text.strip()


# --- usage and history -------------------------------------------------------


def estimate_usage(turn: Turn, reply: Reply) -> Usage:
    """Plausible token counts: about four characters per token, at least one.

    A reply that carries its own ``usage`` keeps it.
    """
    if reply.usage is not None:
        return reply.usage
    prompt_chars = sum(len(m.text) + _calls_chars(m.tool_calls) for m in turn.messages)
    prompt_chars += sum(
        len(t.name) + len(t.description) + len(_dumps(t.parameters)) for t in turn.tools
    )
    if turn.output_schema is not None:
        prompt_chars += len(_dumps(turn.output_schema))
    completion_chars = len(reply.text or "") + _calls_chars(reply.tool_calls)
    return Usage(
        input_tokens=_tokens(prompt_chars) + _TOKENS_PER_MESSAGE * len(turn.messages),
        output_tokens=_tokens(completion_chars),
    )


def _calls_chars(calls: Iterable[ToolCall]) -> int:
    return sum(len(c.name) + len(c.arguments) for c in calls)


def _tokens(chars: int) -> int:
    return max(1, math.ceil(chars / _CHARS_PER_TOKEN))


def _dumps(value: Any) -> str:
    return json.dumps(value, default=lambda v: dict(v) if isinstance(v, Mapping) else str(v))


def reply_messages(reply: Reply) -> tuple[Message, ...]:
    """The assistant message a reply adds to the conversation.

    The tool call ids must already be filled (``wire.fill_call_ids`` with the
    response id), since later requests answer the calls by id.
    """
    if any(not call.call_id for call in reply.tool_calls):
        raise ValueError(
            "reply has tool calls without call_id; fill them first with "
            "agents_oci.testing.wire.fill_call_ids(reply, response_id)"
        )
    return (Message(role="assistant", text=reply.text or "", tool_calls=reply.tool_calls),)


def stored_conversation(turn: Turn, reply: Reply) -> tuple[Message, ...]:
    """The conversation to store under a response id for ``previous_response_id``.

    That is the turn's messages without its instructions, plus the reply.

    As in the real service, a continuation does not inherit the previous
    request's ``instructions``; it sends its own.
    """
    messages = turn.messages
    instructions = turn.body.get("instructions")
    if isinstance(instructions, str) and instructions and messages:
        messages = messages[1:]
    return (*messages, *reply_messages(reply))
