"""Configuration errors: what was wrong, where we looked, and the fix.

Every mistake a user can make before a request is sent raises a subclass of
:class:`OCIConfigurationError`, which is an :class:`agents.exceptions.UserError`
so the Agents SDK and user code treat it like any other setup mistake.
Messages never contain key material, passphrases, tokens or signatures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .late_bases import adopt, settle, stand_in

# The real bases join when agents (or openai) is imported: importing them here
# would cost `agents-oci doctor` and `--help` ~2.4 s (see late_bases).
if TYPE_CHECKING:
    from agents.exceptions import UserError as _UserErrorBase
    from openai import OpenAIError as _OpenAIErrorBase
else:
    _UserErrorBase = stand_in("agents.exceptions", "UserError")
    _OpenAIErrorBase = stand_in("openai", "OpenAIError")

__all__ = [
    "OCI_CLI_NOTE",
    "OCIConfigurationError",
    "ConfigFileNotFoundError",
    "ProfileNotFoundError",
    "KeyFileError",
    "KeyPassphraseError",
    "InvalidOCIDError",
    "UnknownAuthTypeError",
    "UnknownRegionError",
    "MissingCompartmentError",
    "InvalidModelNameError",
    "ConflictingArgumentsError",
    "InvalidConfigValueError",
    "CredentialsError",
    "UnsupportedClientError",
    "UnsupportedHostedToolError",
    "IAMRequiredError",
]


OCI_CLI_NOTE: Final = (
    "(`oci` is the OCI CLI: `pip install oci-cli`; agents_oci does not install it.)"
)
"""Appended to every fix that runs an ``oci`` command: a new user may not have it."""


class OCIConfigurationError(_UserErrorBase):
    """Base class of every agents_oci configuration mistake.

    Catch this to handle any setup problem at once::

        try:
            model = OCIChatCompletionsModel("meta.llama-3.3-70b-instruct")
        except OCIConfigurationError as exc:
            print(exc)  # says what is wrong and how to fix it
    """

    run_data = None
    """The Agents SDK's run details (set by the SDK; None until then, even before the swap)."""

    def __init__(self, message: str) -> None:
        settle()
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigFileNotFoundError(OCIConfigurationError):
    """The OCI config file does not exist or cannot be read."""


class ProfileNotFoundError(OCIConfigurationError):
    """The requested profile is not a section of the config file."""


class KeyFileError(OCIConfigurationError):
    """The private key file is missing, unreadable, or not a private key."""


class KeyPassphraseError(OCIConfigurationError):
    """The private key is encrypted and the passphrase is missing or wrong."""


class InvalidOCIDError(OCIConfigurationError):
    """A compartment, project or other OCID is malformed."""


class UnknownAuthTypeError(OCIConfigurationError):
    """The auth type is not one agents_oci knows."""


class UnknownRegionError(OCIConfigurationError):
    """The region is not in the OCI SDK's region tables."""


class MissingCompartmentError(OCIConfigurationError):
    """No compartment could be resolved (principal auth with no tenancy)."""


class InvalidModelNameError(OCIConfigurationError):
    """The model name is empty or malformed."""


class ConflictingArgumentsError(OCIConfigurationError):
    """Arguments that cannot be combined were passed together."""


class InvalidConfigValueError(OCIConfigurationError):
    """A config file or environment value is malformed."""


class CredentialsError(OCIConfigurationError):
    """Credentials could not be built (token file, principal signer, ...)."""


class UnsupportedClientError(OCIConfigurationError):
    """An ``openai_client=`` that cannot work under the Agents SDK (Oracle's ``AsyncOciOpenAI``)."""


class UnsupportedHostedToolError(OCIConfigurationError):
    """A hosted tool OCI does not offer, or a hosted tool on a chat completions model."""


class IAMRequiredError(OCIConfigurationError, _OpenAIErrorBase):
    """An operation OCI serves to IAM-signed requests only (vector store CRUD) met an API key.

    Also an ``openai.OpenAIError``: it is raised inside the HTTP client, and the
    openai SDK passes its own errors through as they are, where it would retry
    any other exception and then wrap it in ``APIConnectionError``.
    """


if not TYPE_CHECKING:
    adopt(OCIConfigurationError, _UserErrorBase)
    adopt(IAMRequiredError, _OpenAIErrorBase)

    def __getattr__(name: str) -> object:
        # `from agents_oci.errors import UserError` worked when this module imported it.
        if name == "UserError":
            from agents.exceptions import UserError

            return UserError
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
