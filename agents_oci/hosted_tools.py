"""Hosted tools: the ones OCI offers pass, the others fail before any request.

Oracle's Responses tools page (``tool-support.htm``) lists four tools:
File Search (``file_search``, over OCI vector stores), Code Interpreter
(``code_interpreter``, an OCI-managed Python sandbox), Function Calling and
MCP Calling (``mcp``, remote MCP servers). The Agents SDK offers more hosted
tools (web search, image generation, computer use, shell, ...); sent to OCI
they would fail at the service, after the run started. Chat completions
take function tools only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import agents

from .errors import UnsupportedHostedToolError

__all__ = ["OCI_HOSTED_TOOLS", "check_tools"]

OCI_HOSTED_TOOLS: Final = ("FileSearchTool", "CodeInterpreterTool", "HostedMCPTool")
"""The Agents SDK's hosted tools OCI Responses serves (plus ``FunctionTool``)."""
_SUPPORTED: Final = ", ".join(OCI_HOSTED_TOOLS)


def _hosted_classes() -> tuple[type[Any], ...]:
    return tuple(c for n in OCI_HOSTED_TOOLS if isinstance(c := getattr(agents, n, None), type))


def check_tools(tools: Iterable[Any] | None, api: str, model: str) -> None:
    """Raise :class:`UnsupportedHostedToolError` for a tool ``api`` cannot serve on OCI."""
    supported = _hosted_classes()
    for tool in tools or ():
        if isinstance(tool, agents.FunctionTool):
            continue
        name = type(tool).__name__
        if api == "chat":
            where = (
                f"Use it on OCI's Responses API: model='responses:{model}'."
                if isinstance(tool, supported)
                else f"OCI's Responses API (model='responses:{model}') offers {_SUPPORTED}."
            )
            raise UnsupportedHostedToolError(
                f"{name} is a hosted tool; chat completions models on OCI take function tools "
                f"only. {where}"
            )
        if not isinstance(tool, supported):
            raise UnsupportedHostedToolError(
                f"{name} is not offered by OCI Generative AI. OCI's Responses API serves "
                f"these hosted tools: {_SUPPORTED} (and function tools). Remove {name} from "
                "the agent's tools, or run it as a function tool of your own."
            )
