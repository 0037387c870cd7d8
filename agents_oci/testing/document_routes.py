"""Routes for files and vector stores, on the two hosts OCI splits them across.

Inference host (``inference.generativeai...``, path ``/openai/v1``): files,
vector-store files, vector-store search. Control-plane host
(``generativeai...``, path ``/20231130/openai/v1``): vector store CRUD, IAM
signatures only (Oracle's ``use-vector-store.htm``: a control-plane client
creates vector stores and a data-plane client calls the models). In
process the two hosts are told apart by the ``Host`` header, as on OCI; on
the loopback socket both live on one port and only the path differs. A
vector-store CRUD call on the inference host gets 404, which is what a plain
``client.vector_stores.create()`` against OCI's inference base URL meets
(the live message is not documented; this one names the right host).
"""

from __future__ import annotations

from collections.abc import Callable
from email.parser import BytesParser
from email.policy import default as email_policy
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .documents import DocumentStore
from .errors import AUTH_MESSAGE, ServiceError
from .gate import Call
from .turns import as_mapping

__all__ = ["CONTROL_PLANE_PREFIX", "document_routes"]

CONTROL_PLANE_PREFIX: Final = "/20231130/openai/v1"
Guard = Callable[..., Call]
"""``guard(request, family=..., json_body=...)``: the app's one guard (``rules.Guard``)."""


def _page(data: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": False,
    }


def _host(request: Request) -> str:
    return (request.headers.get("host") or "").split(":")[0]


class _Documents:
    def __init__(self, store: DocumentStore, guard: Guard, clock: Callable[[], float]) -> None:
        self._store, self._guard, self._clock = store, guard, clock

    def _inference(self, request: Request, family: str = "vector_stores") -> Call:
        if _host(request).startswith("generativeai."):
            raise ServiceError(404, "NotAuthorizedOrNotFound", "Not served on this host.")
        # File uploads are multipart, everything else that writes is JSON.
        json_body = request.method == "POST" and family != "files"
        return self._guard(request, family=family, json_body=json_body)

    def _control(self, request: Request) -> Call:
        if _host(request).startswith("inference."):
            raise ServiceError(404, "NotAuthorizedOrNotFound", "Not served on this host.")
        call = self._guard(request, family="vector_stores", json_body=request.method == "POST")
        if not call.signed:
            # The control plane takes IAM signatures only, never Generative AI API keys.
            raise ServiceError(401, "NotAuthenticated", AUTH_MESSAGE)
        return call

    # --- inference host: files ------------------------------------------------

    async def upload(self, request: Request) -> Response:
        self._inference(request, "files")
        fields = _multipart(request.headers.get("content-type", ""), await request.body())
        if "file" not in fields:
            raise ServiceError(400, "MissingParameter", "file is required.", param="file")
        filename, data = fields["file"]
        purpose = fields.get("purpose", ("", b"assistants"))[1].decode()
        stored = self._store.add_file(
            filename or "upload",
            purpose,
            data,
            int(self._clock()),
            request.headers.get("openai-project"),
        )
        return JSONResponse(stored.body())

    async def list_files(self, request: Request) -> Response:
        self._inference(request, "files")
        return JSONResponse(_page([f.body() for f in list(self._store.files.values())]))

    async def get_file(self, request: Request) -> Response:
        self._inference(request, "files")
        return JSONResponse(self._store.file(request.path_params["fid"]).body())

    async def file_content(self, request: Request) -> Response:
        self._inference(request, "files")
        return Response(self._store.file(request.path_params["fid"]).data)

    async def delete_file(self, request: Request) -> Response:
        self._inference(request, "files")
        fid = request.path_params["fid"]
        self._store.delete_file(fid)
        return JSONResponse({"id": fid, "object": "file", "deleted": True})

    # --- inference host: vector-store files and search ------------------------

    def _vs_file(self, vid: str, fid: str) -> dict[str, Any]:
        return {
            "id": fid,
            "object": "vector_store.file",
            "created_at": self._store.file(fid).created_at,
            "vector_store_id": vid,
            "status": "completed",
            "usage_bytes": len(self._store.file(fid).data),
            "last_error": None,
        }

    async def attach(self, request: Request) -> Response:
        call = self._inference(request)
        vid = request.path_params["vid"]
        fid = str(as_mapping(call.body).get("file_id", ""))
        self._store.attach(vid, fid)
        return JSONResponse(self._vs_file(vid, fid))

    async def list_attached(self, request: Request) -> Response:
        self._inference(request)
        vid = request.path_params["vid"]
        ids = list(self._store.vector_store(vid).file_ids)
        return JSONResponse(_page([self._vs_file(vid, fid) for fid in ids]))

    async def get_attached(self, request: Request) -> Response:
        self._inference(request)
        vid, fid = request.path_params["vid"], request.path_params["fid"]
        if fid not in self._store.vector_store(vid).file_ids:
            raise ServiceError(404, "NotAuthorizedOrNotFound", f"File '{fid}' not in '{vid}'.")
        return JSONResponse(self._vs_file(vid, fid))

    async def detach(self, request: Request) -> Response:
        self._inference(request)
        vid, fid = request.path_params["vid"], request.path_params["fid"]
        store = self._store.vector_store(vid)
        if fid in store.file_ids:
            store.file_ids.remove(fid)
        return JSONResponse({"id": fid, "object": "vector_store.file.deleted", "deleted": True})

    async def search(self, request: Request) -> Response:
        call = self._inference(request)
        body = as_mapping(call.body)
        query = body.get("query")
        text = " ".join(query) if isinstance(query, list) else str(query or "")
        limit = body.get("max_num_results")
        hits = self._store.search(
            [request.path_params["vid"]], text, limit if isinstance(limit, int) else 10
        )
        data = [
            {
                "file_id": h.file_id,
                "filename": h.filename,
                "score": h.score,
                "attributes": {},
                "content": [{"type": "text", "text": h.text}],
            }
            for h in hits
        ]
        return JSONResponse(
            {
                "object": "vector_store.search_results.page",
                "search_query": [text],
                "data": data,
                "has_more": False,
                "next_page": None,
            }
        )

    # --- control-plane host: vector store CRUD --------------------------------

    async def create_store(self, request: Request) -> Response:
        call = self._control(request)
        body = as_mapping(call.body)
        store = self._store.add_vector_store(
            str(body.get("name") or ""),
            int(self._clock()),
            request.headers.get("opc-compartment-id"),
            dict(as_mapping(body.get("metadata"))),
        )
        for fid in body.get("file_ids") or ():
            self._store.attach(store.id, str(fid))
        return JSONResponse(store.body())

    async def list_stores(self, request: Request) -> Response:
        self._control(request)
        return JSONResponse(_page([s.body() for s in list(self._store.vector_stores.values())]))

    async def get_store(self, request: Request) -> Response:
        self._control(request)
        return JSONResponse(self._store.vector_store(request.path_params["vid"]).body())

    async def update_store(self, request: Request) -> Response:
        call = self._control(request)
        store = self._store.vector_store(request.path_params["vid"])
        body = as_mapping(call.body)
        if isinstance(body.get("name"), str):
            store.name = body["name"]
        if isinstance(body.get("metadata"), dict):
            store.metadata = dict(body["metadata"])
        return JSONResponse(store.body())

    async def delete_store(self, request: Request) -> Response:
        self._control(request)
        vid = request.path_params["vid"]
        self._store.delete_vector_store(vid)
        return JSONResponse({"id": vid, "object": "vector_store.deleted", "deleted": True})

    async def wrong_host(self, request: Request) -> Response:
        self._guard(request, family="vector_stores")
        raise ServiceError(
            404,
            "NotAuthorizedOrNotFound",
            "Vector store operations are served on the control-plane host "
            f"(generativeai.<region>.oci.<domain>{CONTROL_PLANE_PREFIX}/vector_stores), "
            "not on the inference host.",
        )


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str, bytes]]:
    """``name -> (filename, bytes)`` of a ``multipart/form-data`` body (stdlib parser)."""
    message = BytesParser(policy=email_policy).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            fields[name] = (part.get_filename() or "", data)
    return fields


def document_routes(
    store: DocumentStore, guard: Guard, clock: Callable[[], float]
) -> list[BaseRoute]:
    """Files and vector-store files/search (inference), vector store CRUD (control plane)."""
    d = _Documents(store, guard, clock)
    files, vs, cp = "/openai/v1/files", "/openai/v1/vector_stores", CONTROL_PLANE_PREFIX
    return [
        Route(files, d.upload, methods=["POST"]),
        Route(files, d.list_files, methods=["GET"]),
        Route(files + "/{fid}", d.get_file, methods=["GET"]),
        Route(files + "/{fid}/content", d.file_content, methods=["GET"]),
        Route(files + "/{fid}", d.delete_file, methods=["DELETE"]),
        Route(vs + "/{vid}/files", d.attach, methods=["POST"]),
        Route(vs + "/{vid}/files", d.list_attached, methods=["GET"]),
        Route(vs + "/{vid}/files/{fid}", d.get_attached, methods=["GET"]),
        Route(vs + "/{vid}/files/{fid}", d.detach, methods=["DELETE"]),
        Route(vs + "/{vid}/search", d.search, methods=["POST"]),
        Route(vs, d.wrong_host, methods=["GET", "POST"]),
        Route(vs + "/{vid}", d.wrong_host, methods=["GET", "POST", "DELETE"]),
        Route(cp + "/vector_stores", d.create_store, methods=["POST"]),
        Route(cp + "/vector_stores", d.list_stores, methods=["GET"]),
        Route(cp + "/vector_stores/{vid}", d.get_store, methods=["GET"]),
        Route(cp + "/vector_stores/{vid}", d.update_store, methods=["POST"]),
        Route(cp + "/vector_stores/{vid}", d.delete_store, methods=["DELETE"]),
    ]
