"""Per-route rules and the one guard every route passes: compartment, project, body.

Each route belongs to a *family* (``chat``, ``models``, ``responses``,
``conversations``, ``files``, ``vector_stores``, ``containers``,
``native``). The rules say, per family, whether an ``OpenAI-Project``
header is required (:data:`PROJECT_RULES`, switchable on
``emu.rules.projects``); the :class:`Tenancy` knows which compartment and
project OCIDs exist. A route adopts all of it with one call at its top::

    async def list_files(self, request: Request) -> Response:
        call = self._b.guard.check(request, family="files", inference=False)
        ...  # call.body is the parsed JSON body (a dict when json_body=True)

(``self._b`` is the app's :class:`~agents_oci.testing.app.Backend`; its
``guard`` reads the live ``emu.rules`` and ``emu.tenancy``.)
``inference=True`` means an IAM-signed call must name its compartment
(``opc-compartment-id``); ``json_body=True`` means the route takes a JSON
object (content type, syntax and, for families with a known field list in
:data:`KNOWN_FIELDS`, unknown top-level fields are checked); leave it off for
GET/DELETE and multipart uploads (``/files``). A new family is one more
:data:`Family` value and one row of :data:`PROJECT_RULES` (with its source).

The checks, in order, each OCI's answer for the fault:

1. compartment header sent: it must be the tenancy or a compartment of it
   (404 ``NotAuthorizedOrNotFound``, as for a compartment the caller may not
   see); missing on an IAM-signed inference call: 400 ``MissingParameter``;
2. project header sent: it must be a known Generative AI project (404);
   missing where the family requires one: 404 mentioning the project;
3. body: JSON content type (400 ``InvalidParameter``), valid JSON (400
   ``CannotParseRequest``), a JSON object, no unknown top-level fields
   (400 ``InvalidParameter`` naming the field).
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

from starlette.requests import Request

from .errors import ErrorStyle, ServiceError
from .gate import Call

__all__ = [
    "COMPARTMENT_HEADERS",
    "KNOWN_FIELDS",
    "PROJECT_RULES",
    "Family",
    "Guard",
    "GenericStream",
    "ServiceRules",
    "Tenancy",
    "check_family",
    "ocid_kind",
]

Family = Literal[
    "chat",
    "models",
    "responses",
    "conversations",
    "files",
    "vector_stores",
    "containers",
    "native",
]

PROJECT_RULES: Final[Mapping[str, bool]] = {
    # Oracle's docs ("OpenAI-compatible API: projects") call a project required
    # for the agent platform: Responses, Conversations, Files; vector stores and
    # containers belong to the same project-scoped platform. Field reports:
    # many tenancies serve chat completions and /models without one (and some
    # report Responses working without one: switch it off to imitate them).
    "chat": False,
    "models": False,
    "responses": True,
    "conversations": True,
    "files": True,
    "vector_stores": True,
    "containers": True,
    # The native API has no project header: the compartment is in the body.
    "native": False,
}
"""Whether each family requires ``OpenAI-Project`` by default (see the sources above)."""

COMPARTMENT_HEADERS: Final = ("opc-compartment-id", "compartmentid")
"""Where a compartment OCID travels on the OpenAI-compatible routes (oci-openai sends both)."""

def _typed_dict_keys(module: str, name: str, *extra: str) -> frozenset[str]:
    """The keys of one of the openai SDK's request ``TypedDict`` classes, plus ``extra``."""
    params = getattr(importlib.import_module(module), name)
    return frozenset(params.__required_keys__ | params.__optional_keys__ | set(extra))


KNOWN_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    # The request parameters of the installed openai SDK (what any OpenAI client
    # can send), plus `stream`, which the SDK keeps in the streaming subclasses.
    "chat": _typed_dict_keys(
        "openai.types.chat.completion_create_params", "CompletionCreateParamsBase", "stream"
    ),
    "responses": _typed_dict_keys(
        "openai.types.responses.response_create_params", "ResponseCreateParamsBase", "stream"
    ),
}
"""Family -> the top-level body fields accepted when ``strict_fields`` is on."""

_OCID: Final = re.compile(r"^ocid1\.([a-z0-9]+)\.([a-z0-9-]+)\.([a-z0-9-]*)\.[a-z0-9]+$")


def check_family(family: str) -> Family:
    """Return ``family`` if it is a known route family, else raise ``ValueError``."""
    allowed = get_args(Family)
    if family not in allowed:
        raise ValueError(f"family must be one of {allowed!r}, got {family!r}")
    return family  # type: ignore[return-value]


def ocid_kind(value: str) -> str | None:
    """The resource type of a well-formed OCID (``tenancy``, ``compartment``...), else ``None``."""
    match = _OCID.match(value)
    return match.group(1) if match else None


GenericStream = Literal["recorded", "whole"]


@dataclass
class ServiceRules:
    """Service behaviours, each on by default where OCI does it; change them any time."""

    require_compartment: bool = True
    """IAM-signed inference calls must send ``opc-compartment-id`` (or ``CompartmentId``)."""
    require_project: bool | None = None
    """``True``: every OpenAI-compatible family requires ``OpenAI-Project``; ``False``: none
    does; ``None`` (default): :attr:`projects` decides per family."""
    projects: dict[str, bool] = field(default_factory=lambda: dict(PROJECT_RULES))
    """Family -> ``OpenAI-Project`` required (``emu.rules.projects["responses"] = False``)."""
    zdr: bool = False
    """Zero Data Retention: ``store=true`` and ``previous_response_id`` are refused."""
    error_style: ErrorStyle = "oci"
    """``oci`` errors are ``{"code","message"}``; ``openai`` ones ``{"error": {...}}``."""
    verify_signatures: bool = True
    """Check credentials; off, every request is accepted (and no principal recorded).
    Compartment and project values are checked either way."""
    strict_fields: bool = True
    """Refuse unknown top-level body fields, ``store`` on chat completions and non-JSON
    content types (off: accept them, the lenient behaviour)."""
    generic_stream: GenericStream = "recorded"
    """Native GENERIC streams: ``recorded`` (id and name on a call's first event only, bare
    argument pieces, ``pad``, ``[DONE]``) or ``whole`` (the older emulator shape: every
    piece carries the call's index and id)."""

    def project_required(self, family: Family) -> bool:
        """Whether a call of ``family`` must send ``OpenAI-Project``."""
        if family == "native":
            return False
        if self.require_project is not None:
            return self.require_project
        return self.projects.get(family, False)


class Tenancy:
    """The OCIDs the emulated tenancy has: its root, compartments, projects (thread-safe)."""

    def __init__(self, tenancy_id: str, project_ids: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self.tenancy_id = tenancy_id
        self._compartments: set[str] = {tenancy_id}
        self._projects: set[str] = set(project_ids)

    def add_compartment(self, ocid: str) -> str:
        """Know ``ocid`` as a compartment of this tenancy."""
        with self._lock:
            self._compartments.add(ocid)
        return ocid

    def add_project(self, ocid: str) -> str:
        """Know ``ocid`` as a Generative AI project of this tenancy."""
        with self._lock:
            self._projects.add(ocid)
        return ocid

    def has_compartment(self, ocid: str) -> bool:
        with self._lock:
            return ocid in self._compartments

    def has_project(self, ocid: str) -> bool:
        with self._lock:
            return ocid in self._projects

    def check_compartment(self, ocid: str, where: str) -> None:
        """404 unless ``ocid`` is the tenancy or one of its compartments."""
        if not self.has_compartment(ocid):
            kind = ocid_kind(ocid)
            why = "malformed" if kind is None else f"an OCID of a {kind}, not a known compartment"
            if kind in ("tenancy", "compartment"):
                why = "not a compartment of this tenancy"
            raise ServiceError(
                404,
                "NotAuthorizedOrNotFound",
                f"Authorization failed or requested resource not found: compartment "
                f"{ocid!r} ({where}) is {why}.",
                param=where,
            )


_MISSING_COMPARTMENT: Final = (
    "Missing compartment: IAM-signed requests must send the "
    "opc-compartment-id header with a compartment OCID."
)
_MISSING_PROJECT: Final = (
    "Project not found: send the OCID of a Generative AI project in the OpenAI-Project header."
)


@dataclass(frozen=True)
class Guard:
    """The checks every route runs first (see the module docstring)."""

    tenancy: Tenancy
    rules: ServiceRules
    """The live rules (read on every call)."""
    known_fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Family -> the top-level body fields its API accepts (absent: not checked)."""

    def check(
        self,
        request: Request,
        *,
        family: Family,
        inference: bool = False,
        json_body: bool = False,
    ) -> Call:
        """Apply the rules of ``family`` to ``request``; return the gate's :class:`Call`."""
        call: Call = request.scope["state"]["call"]
        headers = request.headers
        self._compartment(call, headers, inference=inference)
        if family != "native":
            self._project(headers.get("openai-project"), family)
        if json_body:
            self._body(call, request, family)
        return call

    def _compartment(self, call: Call, headers: Mapping[str, str], *, inference: bool) -> None:
        sent = next((headers[h] for h in COMPARTMENT_HEADERS if headers.get(h)), None)
        if sent is not None:
            self.tenancy.check_compartment(sent, "opc-compartment-id")
        elif inference and self.rules.require_compartment and call.signed:
            raise ServiceError(400, "MissingParameter", _MISSING_COMPARTMENT,
                               param="opc-compartment-id")

    def _project(self, project: str | None, family: Family) -> None:
        if project:
            if not self.tenancy.has_project(project):
                raise ServiceError(
                    404,
                    "NotAuthorizedOrNotFound",
                    f"Authorization failed or requested resource not found: project "
                    f"{project!r} (OpenAI-Project) is not a Generative AI project of this "
                    "tenancy.",
                )
        elif self.rules.project_required(family):
            raise ServiceError(404, "NotAuthorizedOrNotFound", _MISSING_PROJECT)

    def _body(self, call: Call, request: Request, family: Family) -> None:
        content_type = request.headers.get("content-type", "")
        if self.rules.strict_fields and content_type.split(";")[0].strip().lower() != (
            "application/json"
        ):
            raise ServiceError(
                400,
                "InvalidParameter",
                f"Unsupported content type {content_type!r}: send application/json.",
            )
        if call.raw_size and not call.body_is_json:
            raise ServiceError(400, "CannotParseRequest", "The request body is not valid JSON.")
        if not isinstance(call.body, dict):
            raise ServiceError(400, "InvalidParameter", "The request body must be a JSON object.")
        known = self.known_fields.get(family)
        if self.rules.strict_fields and known is not None:
            unknown = sorted(set(call.body) - known)
            if unknown:
                raise ServiceError(
                    400,
                    "InvalidParameter",
                    f"Unknown parameter {unknown[0]!r} (unrecognized request argument).",
                    param=unknown[0],
                )
