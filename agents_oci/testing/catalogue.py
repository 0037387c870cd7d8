"""The model catalogue: which models the emulated region serves, and where.

OCI refuses models the way the catalogue says: Cohere R-series models are not
served on the OpenAI-compatible routes, Responses-only models are refused by
chat completions, and a model the region does not offer is a 404. The native
chat API (``/20231130/actions/chat``) serves on demand every model of the
catalogue that is not Responses-only, plus the native-only models (older
Cohere R-series names).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Final

from .errors import ServiceError
from .replies import Api

__all__ = [
    "DEFAULT_MODELS",
    "DEFAULT_NATIVE_ONLY",
    "DEFAULT_RESPONSES_ONLY",
    "UNSUPPORTED_PREFIXES",
    "ModelCatalogue",
]

DEFAULT_MODELS: Final = (
    "meta.llama-3.3-70b-instruct",
    "meta.llama-4-maverick-17b-128e-instruct-fp8",
    "openai.gpt-4.1",
    "openai.gpt-4.1-mini",
    "openai.gpt-5.5",
    "openai.gpt-5.5-pro",
    "openai.gpt-oss-120b",
    "xai.grok-4",
    "cohere.command-a-03-2025",
    "cohere.command-r-08-2024",
    "cohere.command-r-plus-08-2024",
    "google.gemini-2.5-pro",
    "google.gemini-2.5-flash",
)
DEFAULT_RESPONSES_ONLY: Final = ("openai.gpt-5.5-pro",)
DEFAULT_NATIVE_ONLY: Final = (
    "cohere.command-r-plus",
    "cohere.command-r-plus-08-2024",
    "cohere.command-r-08-2024",
    "cohere.command-r-16k",
)
"""Served on demand by the native chat API only (not listed by ``/openai/v1/models``)."""
UNSUPPORTED_PREFIXES: Final = ("cohere.command-r",)
"""Served only by the native API (``/20231130/actions/chat``), never OpenAI-style."""


class ModelCatalogue:
    """The models of one emulated region (thread-safe; tests may add models)."""

    def __init__(
        self,
        models: Iterable[str] = DEFAULT_MODELS,
        *,
        responses_only: Iterable[str] = DEFAULT_RESPONSES_ONLY,
        native_only: Iterable[str] = DEFAULT_NATIVE_ONLY,
    ) -> None:
        self._lock = threading.Lock()
        self._models: dict[str, bool] = dict.fromkeys(models, False)
        for name in responses_only:
            self._models[name] = True
        self._native_only = frozenset(native_only)

    def add(self, name: str, *, responses_only: bool = False) -> None:
        """Offer ``name``; ``responses_only`` models are refused by chat completions."""
        with self._lock:
            self._models[name] = responses_only

    def names(self) -> tuple[str, ...]:
        """Every model offered, in catalogue order."""
        with self._lock:
            return tuple(self._models)

    def check(self, model: object, api: Api) -> str:
        """Return ``model`` if ``api`` may serve it, else raise :class:`ServiceError`."""
        if not isinstance(model, str) or not model:
            raise ServiceError(
                400, "MissingParameter", "The 'model' parameter is required.", param="model"
            )
        if model.startswith(UNSUPPORTED_PREFIXES):
            raise ServiceError(
                400,
                "InvalidParameter",
                f"Unsupported OpenAI operation: model {model} is only served by the "
                "native chat API (/20231130/actions/chat).",
                param="model",
            )
        with self._lock:
            responses_only = self._models.get(model)
        if responses_only is None:
            raise ServiceError(
                404,
                "NotAuthorizedOrNotFound",
                f"Authorization failed or requested resource not found: model {model} "
                "is not available in this region or compartment.",
                param="model",
            )
        if responses_only and api == "chat":
            raise ServiceError(
                400,
                "InvalidParameter",
                f"Model {model} is only supported by the Responses API; "
                "use /responses instead of /chat/completions.",
                param="model",
            )
        return model

    def check_native(self, model: object) -> str:
        """Return ``model`` if the native chat API serves it on demand, else raise.

        Served: the native-only models and every catalogue model that is not
        Responses-only.
        """
        if not isinstance(model, str) or not model:
            raise ServiceError(
                400,
                "MissingParameter",
                "servingMode.modelId is required for ON_DEMAND serving.",
                param="servingMode.modelId",
            )
        with self._lock:
            responses_only = self._models.get(model)
            native_only = model in self._native_only
        if responses_only is None and not native_only:
            raise ServiceError(
                404,
                "NotAuthorizedOrNotFound",
                f"Authorization failed or requested resource not found: model {model} "
                "is not available on demand in this region or compartment.",
                param="servingMode.modelId",
            )
        if responses_only and not native_only:
            raise ServiceError(
                400,
                "InvalidParameter",
                f"Model {model} is only supported by the Responses API "
                "(/openai/v1/responses), not by the native chat API.",
                param="servingMode.modelId",
            )
        return model
