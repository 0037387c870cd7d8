"""Run OpenAI Agents SDK agents on OCI Generative AI, signed with OCI IAM."""

from __future__ import annotations

from .errors import (
    ConfigFileNotFoundError,
    ConflictingArgumentsError,
    CredentialsError,
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
)

__version__ = "0.1.0"

__all__ = [
    "ConfigFileNotFoundError",
    "ConflictingArgumentsError",
    "CredentialsError",
    "InvalidConfigValueError",
    "InvalidModelNameError",
    "InvalidOCIDError",
    "KeyFileError",
    "KeyPassphraseError",
    "MissingCompartmentError",
    "OCIConfigurationError",
    "ProfileNotFoundError",
    "UnknownAuthTypeError",
    "UnknownRegionError",
    "__version__",
]
