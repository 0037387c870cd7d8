"""Routes of OCI's agent platform: conversations and their items, ``responses/compact``.

Each endpoint passes its request through the app's guard first (the same
signature, compartment and project rules as ``/responses``), then works on
the stores the emulator owns. Sources for each shape are in
:mod:`.conversations` and :mod:`.compaction`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .compaction import compact_items
from .conversations import ConversationStore, item_page
from .errors import ServiceError
from .gate import Call
from .turns import as_mapping, as_mappings

__all__ = ["ZDR_CONVERSATION", "conversation_routes"]

ZDR_CONVERSATION = (
    "Conversations cannot be stored for this organization due to Zero Data Retention."
)
Guard = Callable[..., Call]
"""``guard(request, family=..., json_body=...)``: the app's one guard (``rules.Guard``)."""


class _Conversations:
    def __init__(
        self,
        store: ConversationStore,
        guard: Guard,
        clock: Callable[[], float],
        zdr: Callable[[], bool],
    ) -> None:
        self._store, self._guard, self._clock, self._zdr = store, guard, clock, zdr

    def _call(
        self, request: Request, family: str = "conversations"
    ) -> tuple[dict[str, Any], str | None]:
        call = self._guard(request, family=family, json_body=request.method == "POST")
        body = call.body if isinstance(call.body, dict) else {}
        return body, request.headers.get("openai-project")

    async def create(self, request: Request) -> Response:
        body, project = self._call(request)
        if self._zdr():
            raise ServiceError(400, "InvalidParameter", ZDR_CONVERSATION, param="conversation")
        conversation = self._store.create(
            project,
            int(self._clock()),
            as_mappings(body.get("items")),
            as_mapping(body.get("metadata")),
        )
        return JSONResponse(conversation.body())

    async def retrieve(self, request: Request) -> Response:
        _, project = self._call(request)
        return JSONResponse(self._store.get(request.path_params["cid"], project).body())

    async def update(self, request: Request) -> Response:
        body, project = self._call(request)
        conversation = self._store.get(request.path_params["cid"], project)
        conversation.metadata = dict(as_mapping(body.get("metadata")))
        return JSONResponse(conversation.body())

    async def delete(self, request: Request) -> Response:
        _, project = self._call(request)
        cid = request.path_params["cid"]
        self._store.delete(cid, project)
        return JSONResponse({"id": cid, "object": "conversation.deleted", "deleted": True})

    async def add_items(self, request: Request) -> Response:
        body, project = self._call(request)
        items = as_mappings(body.get("items"))
        if len(items) > 20:
            # OpenAI's documented limit, which the Agents SDK batches for.
            raise ServiceError(400, "InvalidParameter", "At most 20 items per request.")
        added = self._store.append(request.path_params["cid"], project, items)
        return JSONResponse(item_page(added, order="asc", after=None, limit=len(added) or 1))

    async def list_items(self, request: Request) -> Response:
        _, project = self._call(request)
        conversation = self._store.get(request.path_params["cid"], project)
        query = request.query_params
        limit = max(1, min(100, int(query.get("limit", "20"))))
        page = item_page(
            list(conversation.items),
            order=query.get("order", "desc"),
            after=query.get("after"),
            limit=limit,
        )
        return JSONResponse(page)

    async def get_item(self, request: Request) -> Response:
        _, project = self._call(request)
        conversation = self._store.get(request.path_params["cid"], project)
        wanted = request.path_params["iid"]
        for item in conversation.items:
            if item.get("id") == wanted:
                return JSONResponse(item)
        raise ServiceError(404, "NotAuthorizedOrNotFound", f"Item with id '{wanted}' not found.")

    async def delete_item(self, request: Request) -> Response:
        _, project = self._call(request)
        cid = request.path_params["cid"]
        self._store.delete_item(cid, project, request.path_params["iid"])
        return JSONResponse(self._store.get(cid, project).body())

    async def compact(self, request: Request) -> Response:
        """``POST /responses/compact``: ``input`` (or a stored conversation's items) compacted."""
        body, project = self._call(request, "responses")
        items = as_mappings(body.get("input"))
        conversation = body.get("conversation")
        if isinstance(conversation, str):
            items = list(self._store.get(conversation, project).items)
        if not body.get("model"):
            raise ServiceError(400, "MissingParameter", "model is required.", param="model")
        output = compact_items(items)
        chars = sum(len(str(i)) for i in items)
        tokens_in, tokens_out = max(1, chars // 4), max(1, sum(len(str(o)) for o in output) // 4)
        usage = {
            "input_tokens": tokens_in,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": tokens_out,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": tokens_in + tokens_out,
        }
        return JSONResponse(
            {
                "id": f"cmp_{uuid.uuid4().hex}",
                "object": "response.compaction",
                "created_at": int(self._clock()),
                "output": output,
                "usage": usage,
            }
        )


def conversation_routes(
    store: ConversationStore, guard: Guard, clock: Callable[[], float], zdr: Callable[[], bool]
) -> list[BaseRoute]:
    """The Conversations API and ``responses/compact`` under ``/openai/v1``."""
    c = _Conversations(store, guard, clock, zdr)
    base = "/openai/v1/conversations"
    return [
        Route("/openai/v1/responses/compact", c.compact, methods=["POST"]),
        Route(base, c.create, methods=["POST"]),
        Route(base + "/{cid}", c.retrieve, methods=["GET"]),
        Route(base + "/{cid}", c.update, methods=["POST"]),
        Route(base + "/{cid}", c.delete, methods=["DELETE"]),
        Route(base + "/{cid}/items", c.add_items, methods=["POST"]),
        Route(base + "/{cid}/items", c.list_items, methods=["GET"]),
        Route(base + "/{cid}/items/{iid}", c.get_item, methods=["GET"]),
        Route(base + "/{cid}/items/{iid}", c.delete_item, methods=["DELETE"]),
    ]
