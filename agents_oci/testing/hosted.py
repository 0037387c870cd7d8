"""Hosted Responses tools: File Search, Code Interpreter and MCP calling, deterministically.

OCI lists four Responses tools (``tool-support.htm``): ``file_search``
(``vector_store_ids``), ``code_interpreter`` (a container), ``function`` and
``mcp``. Any other type is refused with a 400 (the message shape is the
emulator's; Oracle does not document the live wording). Output items are the
``openai`` SDK's shapes: ``file_search_call`` (results only when
``include`` asks for ``file_search_call.results``, as OpenAI does),
``code_interpreter_call`` (``outputs`` logs), ``mcp_list_tools``,
``mcp_call`` and ``mcp_approval_request``; the message cites searched files
with ``file_citation`` annotations.

When a user message is the latest input, each hosted tool runs once and the
model (the responder) reads its result as a tool message named after the
tool. The code interpreter does not run code: it evaluates a plain
arithmetic expression found in the user text, else reports the text's
length. MCP calls go only to the emulator's stand-in (:mod:`.mcp_server`).
"""

from __future__ import annotations

import ast
import json
import operator
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .documents import DocumentStore
from .errors import ServiceError
from .mcp_server import MCP_TOOLS, call_tool, is_stand_in
from .replies import Message
from .schema_instance import schema_instance
from .turns import as_mapping, as_mappings

__all__ = ["SUPPORTED_TOOLS", "HostedOutcome", "check_tool_types", "run_hosted"]

SUPPORTED_TOOLS: Final = ("file_search", "code_interpreter", "function", "mcp")


def check_tool_types(body: Mapping[str, Any]) -> None:
    """Refuse a request offering a tool type OCI does not serve."""
    for tool in as_mappings(body.get("tools")):
        kind = str(tool.get("type"))
        if kind not in SUPPORTED_TOOLS:
            raise ServiceError(
                400,
                "InvalidParameter",
                f"Tool type '{kind}' is not supported. Supported tool types: "
                f"{', '.join(SUPPORTED_TOOLS)}.",
                param="tools",
            )


@dataclass
class HostedOutcome:
    """What the hosted tools did for one request."""

    items: list[dict[str, Any]] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    awaiting_approval: bool = False

    def apply(self, final: dict[str, Any]) -> None:
        """Put the tool items before the answer, and the citations on its text."""
        output = final["output"]
        if self.awaiting_approval:
            output[:] = [o for o in output if o.get("type") != "message"]
        for item in output:
            if item.get("type") == "message" and self.citations:
                item["content"][0]["annotations"] = list(self.citations)
        output[:0] = self.items


def run_hosted(body: Mapping[str, Any], user_text: str, documents: DocumentStore) -> HostedOutcome:
    """Run the request's hosted tools for a new user message (or an MCP approval)."""
    outcome = HostedOutcome()
    items = as_mappings(body.get("input"))
    last = items[-1] if items else {}
    approval = last if last.get("type") == "mcp_approval_response" else None
    fresh = isinstance(body.get("input"), str) or last.get("role") == "user"
    if not fresh and approval is None:
        return outcome
    for tool in as_mappings(body.get("tools")):
        kind = tool.get("type")
        if kind == "file_search" and fresh:
            _file_search(tool, body, user_text, documents, outcome)
        elif kind == "code_interpreter" and fresh:
            _code_interpreter(tool, user_text, outcome)
        elif kind == "mcp":
            _mcp(tool, items, user_text, approval, outcome)
    return outcome


def _file_search(
    tool: Mapping[str, Any],
    body: Mapping[str, Any],
    query: str,
    documents: DocumentStore,
    outcome: HostedOutcome,
) -> None:
    ids = [str(i) for i in tool.get("vector_store_ids") or ()]
    limit = tool.get("max_num_results")
    hits = documents.search(ids, query, limit if isinstance(limit, int) else 10)
    include = body.get("include") or ()
    results = [
        {
            "file_id": h.file_id,
            "filename": h.filename,
            "score": h.score,
            "text": h.text,
            "attributes": {},
        }
        for h in hits
    ]
    outcome.items.append(
        {
            "type": "file_search_call",
            "id": f"fs_{uuid.uuid4().hex}",
            "status": "completed",
            "queries": [query],
            "results": results if "file_search_call.results" in include else None,
        }
    )
    if hits:  # nothing found: the model answers from what it already knows
        outcome.messages.append(Message(role="tool", text=hits[0].text, tool_call_id="file_search"))
    for index, hit in enumerate(hits[:1]):
        outcome.citations.append(
            {
                "type": "file_citation",
                "file_id": hit.file_id,
                "filename": hit.filename,
                "index": index,
            }
        )


_OPS: Final[dict[type[ast.AST], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_EXPRESSION: Final = re.compile(r"\d[\d\s.+\-*/()]*[\d)]")


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return float(_OPS[type(node.op)](_evaluate(node.left), _evaluate(node.right)))
    raise ValueError("not plain arithmetic")


def _code_interpreter(tool: Mapping[str, Any], text: str, outcome: HostedOutcome) -> None:
    container = tool.get("container")
    container_id = container if isinstance(container, str) else "cntr_emulator_auto"
    found = _EXPRESSION.search(text)
    code, logs = f"print(len({text!r}))", str(len(text))
    if found:
        try:
            value = _evaluate(ast.parse(found.group(0).strip(), mode="eval"))
            code = f"print({found.group(0).strip()})"
            logs = str(int(value)) if value.is_integer() else str(value)
        except (ValueError, SyntaxError, ZeroDivisionError):
            pass
    outcome.items.append(
        {
            "type": "code_interpreter_call",
            "id": f"ci_{uuid.uuid4().hex}",
            "status": "completed",
            "container_id": container_id,
            "code": code,
            "outputs": [{"type": "logs", "logs": logs}],
        }
    )
    outcome.messages.append(Message(role="tool", text=logs, tool_call_id="code_interpreter"))


def _mcp(
    tool: Mapping[str, Any],
    items: list[Mapping[str, Any]],
    text: str,
    approval: Mapping[str, Any] | None,
    outcome: HostedOutcome,
) -> None:
    label, url = str(tool.get("server_label", "")), str(tool.get("server_url", ""))
    if not is_stand_in(url):
        raise ServiceError(
            424,
            "FailedDependency",
            f"Cannot reach MCP server {label!r} at {url!r}: the emulator serves only its "
            "own MCP stand-in (emu.mcp_url).",
        )
    if approval is not None:
        _approved_call(label, items, approval, outcome)
        return
    allowed = tool.get("allowed_tools")
    tools = [t for t in MCP_TOOLS if not isinstance(allowed, list) or t["name"] in allowed]
    if not any(i.get("type") == "mcp_list_tools" and i.get("server_label") == label for i in items):
        outcome.items.append(
            {
                "type": "mcp_list_tools",
                "id": f"mcpl_{uuid.uuid4().hex}",
                "server_label": label,
                "tools": [{**t, "annotations": None} for t in tools],
            }
        )
    chosen = next((t for t in tools if t["name"] in text.lower()), tools[0] if tools else None)
    if chosen is None:
        return
    quoted = re.search(r"\"([^\"]+)\"", text)
    arguments = json.dumps(
        schema_instance(chosen["input_schema"], text=quoted.group(1) if quoted else text)
    )
    if tool.get("require_approval", "always") != "never":
        outcome.items.append(
            {
                "type": "mcp_approval_request",
                "id": f"mcpr_{uuid.uuid4().hex}",
                "server_label": label,
                "name": chosen["name"],
                "arguments": arguments,
            }
        )
        outcome.awaiting_approval = True
        return
    _record_call(label, str(chosen["name"]), arguments, outcome)


def _approved_call(
    label: str, items: list[Mapping[str, Any]], approval: Mapping[str, Any], outcome: HostedOutcome
) -> None:
    wanted = approval.get("approval_request_id")
    request = next(
        (i for i in items if i.get("type") == "mcp_approval_request" and i.get("id") == wanted),
        None,
    )
    if request is None or request.get("server_label") != label:
        return
    if approval.get("approve") is not True:
        outcome.messages.append(
            Message(role="tool", text="The MCP call was not approved.", tool_call_id="mcp")
        )
        return
    _record_call(label, str(request.get("name")), str(request.get("arguments") or "{}"), outcome)


def _record_call(label: str, name: str, arguments: str, outcome: HostedOutcome) -> None:
    output = call_tool(name, as_mapping(json.loads(arguments)))
    outcome.items.append(
        {
            "type": "mcp_call",
            "id": f"mcp_{uuid.uuid4().hex}",
            "server_label": label,
            "name": name,
            "arguments": arguments,
            "output": output,
            "error": None,
            "status": "completed",
        }
    )
    outcome.messages.append(Message(role="tool", text=output, tool_call_id=f"mcp {name}"))
