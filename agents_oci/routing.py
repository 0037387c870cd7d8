"""Which OCI API serves a model name: chat completions, Responses or the native API.

Its own module, apart from :mod:`agents_oci.provider`, because ``agents-oci
doctor`` and ``chat`` route names before (or without) building a provider and
must not import the Agents SDK to do it (issue 15, item 13).
"""

from __future__ import annotations

from typing import Final

from .errors import InvalidModelNameError

__all__ = ["DEDICATED_PREFIX", "NATIVE_PREFIX", "RESPONSES_PREFIX", "route"]

RESPONSES_PREFIX: Final = "responses:"
"""Prefix a model name with this to use the Responses API (``responses:openai.gpt-5.5``)."""
NATIVE_PREFIX: Final = "native:"
"""Prefix a model name with this to use OCI's native chat API (``native:meta.llama-...``)."""
DEDICATED_PREFIX: Final = "ocid1.generativeaiendpoint."
"""Dedicated-cluster endpoint OCIDs start with this; the native API serves them."""

_PREFIXES: Final = {RESPONSES_PREFIX: "responses", NATIVE_PREFIX: "native"}
_NATIVE_ONLY: Final = ("cohere.command-r", DEDICATED_PREFIX)
# Names the OpenAI-compatible API does not serve: Cohere R-series models and
# dedicated-cluster endpoint OCIDs go to the native API without a prefix.
# Responses-only models cannot be recognised from their names: the caller says
# so with the prefix.


def route(name: str) -> tuple[str, str]:
    """``(api, model)`` for a model name: ``chat``, ``responses`` or ``native``.

    >>> route("responses:openai.gpt-5.5-pro"), route("cohere.command-r-plus")
    (('responses', 'openai.gpt-5.5-pro'), ('native', 'cohere.command-r-plus'))
    """
    for prefix, api in _PREFIXES.items():
        if name.startswith(prefix):
            model = name[len(prefix) :]
            if not model.strip():
                example = "openai.gpt-5.5-pro" if api == "responses" else "cohere.command-r-plus"
                raise InvalidModelNameError(
                    f"Model name {prefix!r} names no model. Write {prefix}MODEL, "
                    f"e.g. '{prefix}{example}'."
                )
            return api, model
    return ("native" if name.startswith(_NATIVE_ONLY) else "chat"), name
