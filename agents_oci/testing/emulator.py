"""``OCIEmulator``: the OCI Generative AI double, in process or on a real socket.

Over 300 lines on purpose: this one class is the emulator's documented API
(serving, credentials, projects, compartments, models, deployments, rules,
faults, journal), each method a few lines that delegate to the backend; split,
the API would be spread over mixins that no user imports.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any

import oci.regions

from . import responder
from .app import Backend, build_app
from .catalogue import DEFAULT_MODELS, DEFAULT_NATIVE_ONLY, DEFAULT_RESPONSES_ONLY, ModelCatalogue
from .credentials import CredentialsKit, new_ocid
from .deployments import DeploymentRegistry
from .errors import ErrorStyle, check_error_style
from .faults import Faults
from .journal import Journal, JournalEntry
from .native import NATIVE_CHAT_PATH, endpoint_ocid, model_ocid
from .platform_state import PlatformState
from .replies import Handler, RawEvents, Reply, ToolCall
from .rules import ServiceRules, Tenancy
from .scripting import ReplyScript
from .server import BackgroundServer
from .signatures import MAX_CLOCK_SKEW, TrustStore, Verifier
from .store import ResponseStore

__all__ = ["OCIEmulator"]


class OCIEmulator:
    """An offline OCI Generative AI: signature checks, OpenAI-compatible and native APIs, faults.

    Example::

        with OCIEmulator() as emu:
            key = emu.register_bearer_key()
            client = openai.AsyncOpenAI(base_url=emu.base_url, api_key=key)
            emu.queue_text("hello")
            ...
            assert emu.journal.last.principal == "bearer"

    In process, without a socket: ``httpx2.ASGITransport(app=emu.app)`` with
    ``emu.inprocess_base_url`` (the real OCI host name, so signatures sign a
    realistic ``host``). Every keyword below can also be changed later on
    :attr:`rules`.

    The tenancy is checked by value: compartment OCIDs other than
    :attr:`compartment_id` and those of :meth:`add_compartment`, and project
    OCIDs other than :attr:`project_id` and those of :meth:`add_project`, get
    OCI's 404. A project is required on the agent-platform routes
    (Responses, Conversations, Files, Vector stores, Containers) and not on
    chat completions, ``/models`` or the native API: see
    :data:`~agents_oci.testing.rules.PROJECT_RULES` and ``rules.projects``.
    """

    def __init__(
        self,
        *,
        region: str = "us-chicago-1",
        require_compartment: bool = True,
        require_project: bool | None = None,
        zdr: bool = False,
        error_style: ErrorStyle = "oci",
        verify_signatures: bool = True,
        models: Iterable[str] = DEFAULT_MODELS,
        responses_only_models: Iterable[str] = DEFAULT_RESPONSES_ONLY,
        native_only_models: Iterable[str] = DEFAULT_NATIVE_ONLY,
        clock: Callable[[], float] = time.time,
        max_clock_skew: float = MAX_CLOCK_SKEW,
        session_ttl: float = 3600.0,
    ) -> None:
        self.region = region
        self.rules = ServiceRules(
            require_compartment=require_compartment,
            require_project=require_project,
            zdr=zdr,
            error_style=check_error_style(error_style),
            verify_signatures=verify_signatures,
        )
        self.trust = TrustStore()
        self.credentials = CredentialsKit(
            trust=self.trust, region=region, clock=clock, session_ttl=session_ttl
        )
        self.tenancy = Tenancy(self.credentials.tenancy_id)
        self.project_id = self.add_project()
        self.journal = Journal()
        self.faults = Faults()
        self.catalogue = ModelCatalogue(
            models, responses_only=responses_only_models, native_only=native_only_models
        )
        self.store = ResponseStore()
        self.script = ReplyScript(responder.default_responder)
        self.deployments = DeploymentRegistry()
        self.endpoints = DeploymentRegistry(endpoint_ocid)
        self.platform = PlatformState()
        """Conversations, files and vector stores of the agent platform."""
        self.model_ocids = DeploymentRegistry(model_ocid)
        self.app = build_app(
            Backend(
                rules=self.rules,
                verifier=Verifier(self.trust, clock=clock, max_clock_skew=max_clock_skew),
                journal=self.journal,
                faults=self.faults,
                catalogue=self.catalogue,
                store=self.store,
                script=self.script,
                clock=clock,
                deployments=self.deployments,
                endpoints=self.endpoints,
                platform=self.platform,
                model_ocids=self.model_ocids,
                tenancy=self.tenancy,
            )
        )
        self._server = BackgroundServer(self.app)

    # --- lifecycle -------------------------------------------------------------

    def start(self) -> OCIEmulator:
        """Serve on a free port of 127.0.0.1 (returns once the server accepts)."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop the server (credentials stay until :meth:`close`)."""
        self._server.stop()

    def close(self) -> None:
        """Stop the server and delete the temporary credentials."""
        self.stop()
        self.credentials.close()

    def __enter__(self) -> OCIEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- where to reach it -----------------------------------------------------

    @property
    def port(self) -> int:
        """The server's port (``RuntimeError`` when not started)."""
        if self._server.port is None:
            raise RuntimeError("the emulator is not serving: use `with OCIEmulator()` or start()")
        return self._server.port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/openai/v1`` of the running server."""
        return f"http://127.0.0.1:{self.port}/openai/v1"

    @property
    def inprocess_base_url(self) -> str:
        """The real OCI base URL of :attr:`region`, for use with an ASGI transport."""
        realm = oci.regions.REGION_REALMS.get(self.region, "oc1")
        domain = oci.regions.REALMS.get(realm, "oraclecloud.com")
        return f"https://inference.generativeai.{self.region}.oci.{domain}/openai/v1"

    @property
    def control_plane_url(self) -> str:
        """``http://127.0.0.1:PORT/20231130/openai/v1``: vector store CRUD (IAM only).

        On OCI this is ``https://generativeai.{region}.oci.{domain}/20231130/openai/v1``
        (:attr:`inprocess_control_plane_url`); agents_oci's signed client sends
        vector store CRUD there by itself.
        """
        return f"http://127.0.0.1:{self.port}/20231130/openai/v1"

    @property
    def inprocess_control_plane_url(self) -> str:
        """The real control-plane base URL of :attr:`region`, for an ASGI transport."""
        host = self.inprocess_base_url.removesuffix("/openai/v1").replace("://inference.", "://")
        return host + "/20231130/openai/v1"

    @property
    def mcp_url(self) -> str:
        """``http://127.0.0.1:PORT/mcp``: the emulator's MCP stand-in (``echo``, ``word_count``)."""
        return f"http://127.0.0.1:{self.port}/mcp"

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT``: the service endpoint of the ``oci`` SDK's clients.

        The native chat API is at ``root_url + "/20231130/actions/chat"``
        (:attr:`native_chat_url`).
        """
        return f"http://127.0.0.1:{self.port}"

    @property
    def native_chat_url(self) -> str:
        """``http://127.0.0.1:PORT/20231130/actions/chat``: OCI's native chat API."""
        return self.root_url + NATIVE_CHAT_PATH

    @property
    def inprocess_root_url(self) -> str:
        """The real service endpoint of :attr:`region` (no path), for an ASGI transport."""
        return self.inprocess_base_url.removesuffix("/openai/v1")

    def model_deployment_url(self, ocid: str) -> str:
        """``http://127.0.0.1:PORT/<ocid>/predict/v1``: a Data Science deployment's base URL.

        Any ``ocid`` gives a URL; one not from :meth:`add_model_deployment` gets 404.
        """
        return f"http://127.0.0.1:{self.port}/{ocid}/predict/v1"

    def inprocess_model_deployment_url(self, ocid: str) -> str:
        """The real base URL of deployment ``ocid`` in :attr:`region`, for an ASGI transport.

        ``customer-oci.com`` is the commercial realm's (oc1) domain for model deployments.
        """
        return f"https://modeldeployment.{self.region}.oci.customer-oci.com/{ocid}/predict/v1"

    @property
    def config_file(self) -> str:
        """The OCI config file with profiles ``DEFAULT``, ``SESSION`` and ``ENCRYPTED``."""
        return str(self.credentials.config_file)

    @property
    def compartment_id(self) -> str:
        """The tenancy OCID of the profiles (a valid root compartment)."""
        return self.credentials.tenancy_id

    def add_compartment(self, ocid: str | None = None) -> str:
        """Create a compartment in the tenancy (a fresh OCID when none given); return its OCID."""
        return self.tenancy.add_compartment(ocid or new_ocid("compartment"))

    def add_project(self, ocid: str | None = None) -> str:
        """Create a Generative AI project (a fresh OCID when none given); return its OCID.

        :attr:`project_id` is one made at construction.
        """
        return self.tenancy.add_project(ocid or new_ocid("generativeaiproject", self.region))

    # --- settings --------------------------------------------------------------

    @property
    def verify_signatures(self) -> bool:
        """Whether credentials are checked (off: any request is accepted)."""
        return self.rules.verify_signatures

    @verify_signatures.setter
    def verify_signatures(self, value: bool) -> None:
        self.rules.verify_signatures = value

    def register_bearer_key(self, key: str | None = None) -> str:
        """Accept ``Authorization: Bearer <key>``; a fresh ``sk-...`` key when none given."""
        key = key if key is not None else f"sk-emulator-{secrets.token_hex(16)}"
        self.trust.add_bearer_key(key)
        return key

    def add_model_deployment(self, model: str = "meta.llama-3.3-70b-instruct") -> str:
        """Deploy ``model`` as an OCI Data Science model deployment; return its OCID.

        Its OpenAI-compatible API is at :meth:`model_deployment_url`: IAM
        signature required, no compartment header needed, bearer keys refused,
        and ``model`` answers whatever the request body names.
        """
        return self.deployments.add(model, self.region)

    def add_dedicated_endpoint(self, model: str = "cohere.command-r-plus-08-2024") -> str:
        """Host ``model`` on a dedicated AI cluster endpoint; return the endpoint's OCID.

        The native chat API serves it with ``servingMode`` ``{"servingType":
        "DEDICATED", "endpointId": <OCID>}``, in the format ``model`` takes
        (``COHERE`` for ``cohere.*``, else ``GENERIC``), whether or not the
        catalogue offers ``model`` on demand.
        """
        return self.endpoints.add(model, self.region)

    def add_model_ocid(self, base_model: str = "meta.llama-3.3-70b-instruct") -> str:
        """An imported or fine-tuned model built on ``base_model``; return its model OCID.

        The native chat API serves it on demand with ``modelId`` = that OCID,
        in ``base_model``'s request format; an unknown model OCID is a 404.
        """
        return self.model_ocids.add(base_model, self.region)

    def add_model(self, name: str, *, responses_only: bool = False) -> None:
        """Offer another model in the region."""
        self.catalogue.add(name, responses_only=responses_only)

    # --- what the model says ---------------------------------------------------

    def queue_reply(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order."""
        self.script.queue(*replies)

    def queue_text(self, text: str) -> None:
        """Answer the next request with ``text``."""
        self.script.queue(Reply(text=text))

    def queue_tool_call(
        self, name: str, arguments: Mapping[str, Any] | str | None = None, *, call_id: str = ""
    ) -> None:
        """Answer the next request with one call of tool ``name``."""
        text = arguments if isinstance(arguments, str) else json.dumps(dict(arguments or {}))
        self.script.queue(Reply(tool_calls=(ToolCall(name, text, call_id),)))

    def queue_raw(self, *raw: RawEvents) -> None:
        """Answer the next requests with exact stream events (or body)."""
        self.script.queue(*raw)

    def set_handler(self, handler: Handler | None) -> None:
        """Answer with ``handler(turn)`` when nothing is queued (``None``: the default)."""
        self.script.set_handler(handler)

    # --- what happened ---------------------------------------------------------

    def requests(
        self, path_suffix: str = "", *, method: str | None = None
    ) -> tuple[JournalEntry, ...]:
        """Journal entries whose path ends with ``path_suffix``."""
        return self.journal.find(path_suffix=path_suffix, method=method)

    def reset(self) -> None:
        """Forget the journal, stored responses, faults and scripted replies."""
        self.journal.clear()
        self.store.clear()
        self.platform.clear()
        self.faults.clear()
        self.script.clear()
