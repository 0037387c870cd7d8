"""Which OCI API serves a model name: chat completions, Responses or the native API.

Its own module, apart from :mod:`agents_oci.provider`, because ``agents-oci
doctor`` and ``chat`` route names before (or without) building a provider and
must not import the Agents SDK to do it (issue 15, item 13).
"""

from __future__ import annotations

from typing import Final, Literal

from .errors import InvalidModelNameError

__all__ = ["API_FORMATS", "DEDICATED_PREFIX", "NATIVE_PREFIX", "RESPONSES_PREFIX", "ApiFormat",
           "route"]

RESPONSES_PREFIX: Final = "responses:"
"""Prefix a model name with this to use the Responses API (``responses:openai.gpt-5.5``)."""
NATIVE_PREFIX: Final = "native:"
"""Prefix a model name with this to use OCI's native chat API (``native:meta.llama-...``)."""
DEDICATED_PREFIX: Final = "ocid1.generativeaiendpoint."
"""Dedicated-cluster endpoint OCIDs start with this; the native API serves them."""

ApiFormat = Literal["COHERE", "COHEREV2", "GENERIC"]
"""The request formats of OCI's native chat API (``chatRequest.apiFormat``)."""
API_FORMATS: Final = ("COHERE", "COHEREV2", "GENERIC")

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
                    f"Model name {prefix!r} names no model. Fix: write {prefix}MODEL, "
                    f"e.g. '{prefix}{example}'."
                )
            _check_one_api(name, prefix, model)
            return api, model
    return ("native" if name.startswith(_NATIVE_ONLY) else "chat"), name


def _check_one_api(name: str, prefix: str, model: str) -> None:
    """Refuse names that ask for two APIs, or for one that cannot serve the model.

    Sent as they are, these reach OCI as literal model names and come back as
    a 404 that blames the region and the policies.
    """
    for other in _PREFIXES:
        if not model.startswith(other):
            continue
        inner = model[len(other):]
        if other == prefix:
            fix = f"write it once: {prefix + inner!r}" if inner.strip() else f"write {prefix}MODEL"
            raise InvalidModelNameError(f"Model name {name!r} repeats {prefix!r}. Fix: {fix}.")
        fix = (f"keep one prefix, e.g. {other + inner!r} or {prefix + inner!r}"
               if inner.strip() else f"write {prefix}MODEL or {other}MODEL")
        raise InvalidModelNameError(
            f"Model name {name!r} asks for two APIs ({prefix!r} and {other!r}). Fix: {fix}."
        )
    if prefix == RESPONSES_PREFIX and model.strip().startswith("cohere.command-r"):
        # oci-facts: Cohere R-series models are not served on /openai/v1 at all.
        raise InvalidModelNameError(
            f"Model {model.strip()!r} is served by OCI's native chat API only, not by the "
            f"Responses API. Fix: drop the {RESPONSES_PREFIX!r} prefix; OCIProvider routes "
            "cohere.command-r* names to the native API."
        )
