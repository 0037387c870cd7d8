"""An MCP stand-in served by the emulator itself, at ``/mcp`` on 127.0.0.1.

OCI's MCP Calling (``tool-support.htm``) has the service call a remote MCP
server during a Responses request. The emulator reaches no network, so its
``mcp`` tool only calls this stand-in: a JSON-RPC 2.0 endpoint answering
``initialize``, ``tools/list`` and ``tools/call`` (the method names and
result shapes of the MCP specification, streamable HTTP transport, JSON
responses only). Its tools are deterministic: ``echo`` and ``word_count``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .errors import ServiceError

__all__ = ["MCP_PATH", "MCP_TOOLS", "call_tool", "is_stand_in", "mcp_routes"]

MCP_PATH: Final = "/mcp"
MCP_TOOLS: Final[tuple[dict[str, Any], ...]] = (
    {
        "name": "echo",
        "description": "Repeat the text.",
        "input_schema": {
            "type": "object",
            "properties": {"text": {"type": "string"}},
            "required": ["text"],
        },
    },
    {
        "name": "word_count",
        "description": "Count the words of the text.",
        "input_schema": {
            "type": "object",
            "properties": {"text": {"type": "string"}},
            "required": ["text"],
        },
    },
)


def is_stand_in(server_url: str) -> bool:
    """Whether ``server_url`` names this stand-in (any port of 127.0.0.1 / localhost)."""
    parts = urlsplit(server_url)
    return parts.hostname in ("127.0.0.1", "localhost") and parts.path.rstrip("/") == MCP_PATH


def call_tool(name: str, arguments: Mapping[str, Any]) -> str:
    """Run one stand-in tool; unknown names fail as an MCP server would."""
    text = str(arguments.get("text", ""))
    if name == "echo":
        return text
    if name == "word_count":
        return str(len(text.split()))
    raise ServiceError(400, "InvalidParameter", f"MCP server has no tool named {name!r}.")


def _result(request_id: Any, result: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "result": result}


async def _endpoint(request: Request) -> Response:
    try:
        message = json.loads(await request.body())
    except ValueError:
        return JSONResponse({"jsonrpc": "2.0", "id": None, "error": {"code": -32700}}, 400)
    method, rid = message.get("method"), message.get("id")
    params = message.get("params") or {}
    if method == "initialize":
        return JSONResponse(
            _result(
                rid,
                {
                    "protocolVersion": params.get("protocolVersion", "2025-06-18"),
                    "capabilities": {"tools": {}},
                    "serverInfo": {"name": "oci-emulator-mcp", "version": "1"},
                },
            )
        )
    if method == "tools/list":
        tools = [
            {"name": t["name"], "description": t["description"], "inputSchema": t["input_schema"]}
            for t in MCP_TOOLS
        ]
        return JSONResponse(_result(rid, {"tools": tools}))
    if method == "tools/call":
        output = call_tool(str(params.get("name")), params.get("arguments") or {})
        return JSONResponse(_result(rid, {"content": [{"type": "text", "text": output}]}))
    if rid is None:  # a notification
        return Response(status_code=202)
    error = {"code": -32601, "message": f"Method not found: {method}"}
    return JSONResponse({"jsonrpc": "2.0", "id": rid, "error": error})


def mcp_routes() -> list[BaseRoute]:
    """The stand-in's one route (no OCI signature: MCP servers have their own auth)."""
    return [Route(MCP_PATH, _endpoint, methods=["POST"])]
