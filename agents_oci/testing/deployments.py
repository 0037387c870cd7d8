"""OCI Data Science model deployments: OpenAI-compatible routes under a deployment OCID.

The real service answers at
``https://modeldeployment.{region}.oci.customer-oci.com/<deployment OCID>/predict/v1``
(and ``/predictWithResponseStream/v1``) with the API of the server inside the
deployment (vLLM, TGI, ...). Unlike Generative AI it takes no compartment
header and no Generative AI API key: requests are IAM-signed, and the
deployment, not the body's ``model``, decides which model answers.
"""

from __future__ import annotations

import base64
import secrets
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Final, Protocol

import oci.regions
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .errors import AUTH_MESSAGE, ServiceError
from .gate import Call
from .journal import Journal

__all__ = [
    "DEPLOYMENT_BASES",
    "DeploymentRegistry",
    "Serving",
    "deployment_ocid",
    "deployment_routes",
]

DEPLOYMENT_BASES: Final = ("predict", "predictWithResponseStream")
"""The path segments after the OCID where the OpenAI-style ``/v1`` API is served."""
BEARER_REFUSED: Final = "model deployments accept only IAM-signed requests, not bearer keys"


class Serving(Protocol):
    """The service's inference endpoints, for a body whose model is already decided."""

    async def serve_chat(self, body: dict[str, Any], model: str) -> Response: ...

    async def serve_responses(self, body: dict[str, Any], model: str) -> Response: ...


def deployment_ocid(region: str) -> str:
    """A well-formed OCID: ``ocid1.datasciencemodeldeployment.<realm>.<region key>.amaaaaaa...``."""
    realm = oci.regions.REGION_REALMS.get(region, "oc1")
    # OCIDs name the region by its short key (``ord``) when it has one.
    keys = [key for key, name in oci.regions.REGIONS_SHORT_NAMES.items() if name == region]
    unique = base64.b32encode(secrets.token_bytes(32)).decode().lower().rstrip("=")
    where = keys[0] if keys else region
    return f"ocid1.datasciencemodeldeployment.{realm}.{where}.amaaaaaa{unique[:52]}"


class DeploymentRegistry:
    """Deployment OCID -> the model it serves (thread-safe; tests add while serving).

    ``mint`` makes a new OCID for a region; the native chat API's dedicated
    endpoints use the same registry with Generative AI endpoint OCIDs.
    """

    def __init__(self, mint: Callable[[str], str] = deployment_ocid) -> None:
        self._lock = threading.Lock()
        self._models: dict[str, str] = {}
        self._mint = mint

    def add(self, model: str, region: str) -> str:
        """Register a deployment of ``model``; return its new OCID."""
        ocid = self._mint(region)
        with self._lock:
            self._models[ocid] = model
        return ocid

    def model(self, ocid: str) -> str | None:
        """The model deployment ``ocid`` serves, or ``None`` when unknown."""
        with self._lock:
            return self._models.get(ocid)

    def ids(self) -> tuple[str, ...]:
        """Every deployment OCID, oldest first."""
        with self._lock:
            return tuple(self._models)


class _DeploymentEndpoints:
    def __init__(self, serving: Serving, registry: DeploymentRegistry, journal: Journal) -> None:
        self._serving = serving
        self._registry = registry
        self._journal = journal

    async def chat_completions(self, request: Request) -> Response:
        body, model = self._admit(request)
        return await self._serving.serve_chat(body, model)

    async def responses(self, request: Request) -> Response:
        body, model = self._admit(request)
        return await self._serving.serve_responses(body, model)

    def _admit(self, request: Request) -> tuple[dict[str, Any], str]:
        call: Call = request.scope["state"]["call"]
        if call.principal is not None and call.principal.kind == "bearer":
            # The gate accepted the key (Generative AI would); Data Science does not.
            self._journal.update(call.seq, principal=None, auth_error=BEARER_REFUSED)
            raise ServiceError(401, "NotAuthenticated", AUTH_MESSAGE)
        ocid = request.path_params["deployment_id"]
        model = self._registry.model(ocid)
        if model is None:
            raise ServiceError(
                404,
                "NotAuthorizedOrNotFound",
                f"Authorization failed or requested resource not found: model deployment {ocid}.",
            )
        if not isinstance(call.body, dict):
            raise ServiceError(400, "InvalidParameter", "The request body must be a JSON object.")
        # Whatever `model` the client sent, the deployment's model answers.
        return {**call.body, "model": model}, model


def deployment_routes(
    serving: Serving, registry: DeploymentRegistry, journal: Journal
) -> list[BaseRoute]:
    """``POST /{ocid}/{predict|predictWithResponseStream}/v1/{chat/completions|responses}``."""
    endpoints = _DeploymentEndpoints(serving, registry, journal)
    table: list[BaseRoute] = []
    handlers: tuple[tuple[str, Callable[[Request], Awaitable[Response]]], ...] = (
        ("chat/completions", endpoints.chat_completions),
        ("responses", endpoints.responses),
    )
    for base in DEPLOYMENT_BASES:
        for suffix, handler in handlers:
            table.append(Route(f"/{{deployment_id}}/{base}/v1/{suffix}", handler, methods=["POST"]))
    return table
