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

# The names below are imported on first use (PEP 562), not with the package:
# `agents-oci --help` and `--version` import `agents_oci.cli`, hence this
# module, and importing the Agents SDK and openai first took 2.4 s of the
# 2.5 s the command needed (issue 15). `from agents_oci import OCIProvider`
# works as before; type checkers read the TYPE_CHECKING imports.
import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .auth.refresher import RefreshTimeoutError
    from .connection import DEFAULT_MAX_RETRIES, DEFAULT_REQUEST_TIMEOUT
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
    from .provider import OCIProvider
    from .routing import NATIVE_PREFIX, RESPONSES_PREFIX
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
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_REQUEST_TIMEOUT",
    "NATIVE_PREFIX",
    "RESPONSES_PREFIX",
    "AuthenticationFailedError",
    "NotAuthorizedOrNotFoundError",
    "OCIServerError",
    "OCIServiceError",
    "ProjectRequiredError",
    "RateLimitedError",
    "RefreshTimeoutError",
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

_HOMES = {
    "DEFAULT_MAX_RETRIES": "connection",
    "DEFAULT_REQUEST_TIMEOUT": "connection",
    "RefreshTimeoutError": "auth.refresher",
    "OCIChatCompletionsModel": "models",
    "OCIResponsesModel": "models",
    "OCINativeModel": "native.model",
    "NATIVE_PREFIX": "routing",
    "RESPONSES_PREFIX": "routing",
    "OCIProvider": "provider",
    "OCIConversationsSession": "platform",
    "OCIResponsesCompactionSession": "platform",
}


def _home(name: str) -> str | None:
    if name in _HOMES:
        return _HOMES[name]
    if name.endswith("Error") and name in __all__:
        errors = importlib.import_module(".errors", __name__)
        return "errors" if hasattr(errors, name) else "service_errors"
    return None


def __getattr__(name: str) -> Any:
    home = _home(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
