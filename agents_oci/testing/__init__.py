"""An offline OCI Generative AI emulator for testing agents.

Example::

    from agents_oci.testing import OCIEmulator

    with OCIEmulator() as emu:
        emu.base_url          # "http://127.0.0.1:PORT/openai/v1"
        emu.config_file       # profiles DEFAULT, SESSION, ENCRYPTED
        emu.compartment_id    # the tenancy OCID of those profiles
        emu.project_id        # a Generative AI project (required on Responses...)
        emu.add_compartment() # another compartment the tenancy knows
        emu.register_bearer_key()                       # a Generative AI API key
        emu.credentials.oke_workload_identity_signer()  # and other principals
        emu.credentials.resource_principal_environment()
        emu.model_deployment_url(emu.add_model_deployment())  # Data Science
        emu.native_chat_url   # OCI's native chat API: Cohere R, dedicated endpoints
        emu.add_dedicated_endpoint()  # an endpoint OCID for DEDICATED serving

Needs the ``testing`` extra: ``pip install "openai-agents-oci[testing]"``.
"""

from __future__ import annotations

try:
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "agents_oci.testing needs the emulator's server dependencies (starlette, uvicorn): "
        'pip install "openai-agents-oci[testing]"'
    ) from exc

from .credentials import CredentialsKit
from .emulator import OCIEmulator
from .errors import ServiceError
from .faults import Faults, StreamCut
from .journal import HeaderView, Journal, JournalEntry
from .principals import (
    FakeFederationClient,
    FakeOkeSigner,
    FakePrincipalSigner,
    FakeSessionKeySupplier,
)
from .replies import Handler, Message, RawEvents, Reply, ToolCall, ToolSpec, Turn, Usage
from .responder import default_responder
from .rules import PROJECT_RULES, ServiceRules, Tenancy
from .signatures import Principal
from .tokens import mint_jwt

__all__ = [
    "PROJECT_RULES",
    "CredentialsKit",
    "FakeFederationClient",
    "FakeOkeSigner",
    "FakePrincipalSigner",
    "FakeSessionKeySupplier",
    "Faults",
    "Handler",
    "HeaderView",
    "Journal",
    "JournalEntry",
    "Message",
    "OCIEmulator",
    "Principal",
    "RawEvents",
    "Reply",
    "ServiceError",
    "ServiceRules",
    "StreamCut",
    "Tenancy",
    "ToolCall",
    "ToolSpec",
    "Turn",
    "Usage",
    "default_responder",
    "mint_jwt",
]
