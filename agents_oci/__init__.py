"""Run OpenAI Agents SDK agents on OCI Generative AI, signed with OCI IAM.

Three ways in::

    from agents import Agent, RunConfig, Runner
    from agents_oci import OCIProvider

    agent = Agent(name="assistant", model="meta.llama-3.3-70b-instruct")
    Runner.run_sync(agent, "hi", run_config=RunConfig(model_provider=OCIProvider()))

or build :class:`OCIChatCompletionsModel` / :class:`OCIResponsesModel`
directly. The offline emulator lives in :mod:`agents_oci.testing`.
"""

from __future__ import annotations

from .connection import DEFAULT_REQUEST_TIMEOUT
from .errors import (
    ConfigFileNotFoundError,
    ConflictingArgumentsError,
    CredentialsError,
    IAMRequiredError,
    InvalidConfigValueError,
    InvalidModelNameError,
    InvalidOCIDError,
    KeyFileError,
    KeyPassphraseError,
    MissingCompartmentError,
    OCIConfigurationError,
    ProfileNotFoundError,
    UnknownAuthTypeError,
    UnknownRegionError,
    UnsupportedClientError,
    UnsupportedHostedToolError,
)
from .models import OCIChatCompletionsModel, OCIResponsesModel
from .native.model import OCINativeModel
from .platform import OCIConversationsSession, OCIResponsesCompactionSession
from .provider import NATIVE_PREFIX, RESPONSES_PREFIX, OCIProvider
from .service_errors import (
    AuthenticationFailedError,
    NotAuthorizedOrNotFoundError,
    OCIServerError,
    OCIServiceError,
    ProjectRequiredError,
    RateLimitedError,
    RedirectRefusedError,
    ResponsesOnlyModelError,
    ResponsesStateLostError,
    UnexpectedResponseError,
    UnsupportedOperationError,
    ZeroDataRetentionError,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_REQUEST_TIMEOUT",
    "NATIVE_PREFIX",
    "RESPONSES_PREFIX",
    "AuthenticationFailedError",
    "NotAuthorizedOrNotFoundError",
    "OCIServerError",
    "OCIServiceError",
    "ProjectRequiredError",
    "RateLimitedError",
    "RedirectRefusedError",
    "ResponsesOnlyModelError",
    "ResponsesStateLostError",
    "UnexpectedResponseError",
    "UnsupportedOperationError",
    "ZeroDataRetentionError",
    "ConfigFileNotFoundError",
    "ConflictingArgumentsError",
    "CredentialsError",
    "IAMRequiredError",
    "InvalidConfigValueError",
    "InvalidModelNameError",
    "InvalidOCIDError",
    "KeyFileError",
    "KeyPassphraseError",
    "MissingCompartmentError",
    "OCIChatCompletionsModel",
    "OCIConfigurationError",
    "OCIConversationsSession",
    "OCINativeModel",
    "OCIProvider",
    "OCIResponsesCompactionSession",
    "OCIResponsesModel",
    "ProfileNotFoundError",
    "UnknownAuthTypeError",
    "UnknownRegionError",
    "UnsupportedClientError",
    "UnsupportedHostedToolError",
    "__version__",
]
