"""The connection flags shared by ``doctor`` and ``chat``, mapped 1:1 to the keywords.

A flag left out is ``None``, which :func:`agents_oci.config.resolve.resolve` treats
as "not passed": the environment and the profile then decide, exactly as
for ``OCIProvider(...)`` without that keyword.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

import click

from ..config.precedence import AUTH_TYPES
from ..connection import ConnectionOptions
from ..errors import InvalidModelNameError
from ..routing import API_FORMATS, route

__all__ = ["FLAGS_BY_KEYWORD", "KEYWORDS", "check_native_format", "connection_flags",
           "connection_options", "native_format_option"]

F = TypeVar("F", bound=Callable[..., Any])

_FLAGS: Final[tuple[tuple[str, str], ...]] = (
    ("--profile", "Profile of the OCI config file (default: OCI_CLI_PROFILE, then DEFAULT)."),
    ("--config-file", "OCI config file (default: OCI_CLI_CONFIG_FILE, then ~/.oci/config)."),
    ("--region", "Region, long (us-chicago-1) or short (ord)."),
    ("--compartment-id", "Compartment or tenancy OCID (default: OCI_COMPARTMENT_ID, then "
                         "the profile's tenancy)."),
    ("--project-id", "Generative AI project OCID (default: OCI_PROJECT_ID)."),
    ("--auth-type", f"One of {', '.join(AUTH_TYPES)} (default: OCI_CLI_AUTH, then inferred "
                    "from the profile). A Generative AI API key comes from OCI_GENAI_API_KEY."),
    ("--base-url", "A custom endpoint, e.g. the emulator's http://127.0.0.1:PORT/openai/v1."),
)
KEYWORDS: Final = tuple(flag[2:].replace("-", "_") for flag, _ in _FLAGS)
FLAGS_BY_KEYWORD: Final = {
    **{kw: flag for kw, (flag, _) in zip(KEYWORDS, _FLAGS, strict=True)},
    "native_api_format": "--native-api-format",
}
"""``config_file`` -> ``--config-file``: the keyword each flag sets."""

native_format_option: Final = click.option(
    "--native-api-format", type=click.Choice(API_FORMATS, case_sensitive=False), default=None,
    help="The request format of OCI's native chat API, for endpoint OCIDs and native:NAME "
         "(default: COHERE for cohere.* models and endpoint OCIDs, else GENERIC). A dedicated "
         "endpoint hosting a Llama or other non-Cohere model needs GENERIC.",
)
"""``--native-api-format``: ``OCIProvider(native_api_format=...)`` on the command line."""


def check_native_format(model: str | None, native_api_format: str | None) -> None:
    """Refuse ``--native-api-format`` where no native request is made (a usage error)."""
    if native_api_format is None:
        return
    if model is None:
        raise click.UsageError("--native-api-format shapes the --live request: pass --live MODEL "
                               "too, or drop --native-api-format.")
    try:
        api = route(model)[0]
    except InvalidModelNameError:
        return  # the name itself is reported where it is used
    if api != "native":
        where = "chat completions" if api == "chat" else "the Responses API"
        raise click.UsageError(
            f"--native-api-format applies to OCI's native chat API only, and {model} goes to "
            f"{where}. Fix: drop --native-api-format, or write native:{model.split(':')[-1]} "
            "to use the native API."
        )


def connection_options(command: F) -> F:
    """Add the connection flags to a click command (as keyword arguments)."""
    for flag, help_text in reversed(_FLAGS):
        command = click.option(flag, default=None, metavar="TEXT", help=help_text)(command)
    return command


def connection_flags(values: dict[str, Any]) -> ConnectionOptions:
    """The :class:`ConnectionOptions` of the flags in ``values`` (a command's kwargs)."""
    return ConnectionOptions(**{name: values.get(name) for name in KEYWORDS})
