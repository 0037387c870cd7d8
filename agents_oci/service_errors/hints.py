"""The hints: which typed error a failure is, and the one line that names its fix.

:data:`RULES` is read in order; the first whose test matches a :class:`Failure`
decides the kind and writes the hint from the caller's :class:`ErrorContext`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from ..errors import OCI_CLI_NOTE
from ..http.retries import MAX_RETRY_AFTER
from .kinds import (
    AuthenticationFailedError,
    NotAuthorizedOrNotFoundError,
    OCIServerError,
    OCIServiceError,
    ProjectRequiredError,
    RateLimitedError,
    ResponsesOnlyModelError,
    ResponsesStateLostError,
    UnsupportedOperationError,
    ZeroDataRetentionError,
)


@dataclass(frozen=True)
class ErrorContext:
    """What the caller was doing, so a hint can name the region, model and profile."""

    model: str | None = None
    api: str | None = None
    """``chat`` or ``responses``."""
    region: str | None = None
    compartment_id: str | None = None
    project_id: str | None = None
    auth_type: str | None = None
    profile: str | None = None


@dataclass(frozen=True)
class Failure:
    """The parts of an error response the rules look at."""

    status: int
    code: str
    message: str
    context: ErrorContext
    retries: int | None = None
    """Retries the client made before giving up (``None``: not known)."""
    retry_after: float | None = None
    """The wait the server asked for (``retry-after``), in seconds."""

    def says(self, *patterns: str) -> bool:
        text = self.message.lower()
        return any(re.search(pattern, text) for pattern in patterns)


def _auth_hint(f: Failure) -> str:
    ctx = f.context
    profile = ctx.profile or "DEFAULT"
    clock = "Also check this machine's clock: OCI rejects requests more than 5 minutes off."
    if ctx.auth_type == "security_token":
        return (
            f"The session token of profile [{profile}] has probably expired: run "
            f"`oci session refresh --profile {profile}` (or `oci session authenticate`; "
            f"{OCI_CLI_NOTE[1:-2]}). {clock}"
        )
    if ctx.auth_type == "api_key":
        return (
            f"Check that the fingerprint in profile [{profile}] is that of an API key uploaded "
            "for this user in the console (Identity > Users > API keys), that key_file is its "
            f"private key, and that the user's group has a policy for generative-ai-family. {clock}"
        )
    if ctx.auth_type == "genai_api_key":
        return (
            "The Generative AI API key was refused: it may be revoked or expired, or it belongs "
            f"to another region than {ctx.region or 'this one'} (keys work only in their own "
            "region: pass region=). Create or check the key in the console."
        )
    if ctx.auth_type in ("instance_principal", "resource_principal", "oke_workload_identity"):
        return (
            f"Check that a dynamic group matches this {ctx.auth_type.replace('_', ' ')} and "
            "that a policy allows it: `allow dynamic-group <group> to use generative-ai-family "
            f"in compartment <name>`. {clock}"
        )
    return (
        "Check the credentials of your signer and the IAM policy for generative-ai-family. "
        f"{clock}"
    )


def _not_found_hint(f: Failure) -> str:
    ctx = f.context
    model = ctx.model or "the model"
    region = ctx.region or "this region"
    compartment = ctx.compartment_id or "the compartment"
    return (
        f"One of: {model} is not offered in {region} (see the console's Generative AI model "
        f"list for that region, or pass region=); compartment {compartment} is wrong (pass "
        "compartment_id= or set OCI_COMPARTMENT_ID); or no IAM policy allows "
        f"`use generative-ai-family` in {compartment}."
    )


def _project_hint(f: Failure) -> str:
    project = f.context.project_id
    if project is None:
        return (
            "This call needs a Generative AI project: pass "
            "project_id='ocid1.generativeaiproject...' or set OCI_PROJECT_ID (create one in "
            "the console under Generative AI > Projects)."
        )
    return (
        f"OCI refused project {project}: check that it exists in "
        f"{f.context.region or 'this region'} (projects are regional) and that a policy lets "
        "you use it; fix project_id= or OCI_PROJECT_ID."
    )


def _responses_only_hint(f: Failure) -> str:
    model = f.context.model or "MODEL"
    return (
        f"{model} is served only by the Responses API: use model 'responses:{model}' with "
        f"OCIProvider, or OCIResponsesModel('{model}')."
    )


def _unsupported_hint(f: Failure) -> str:
    model = f.context.model or "MODEL"
    return (
        f"{model} is not served by OCI's OpenAI-compatible API: this model family (Cohere "
        f"R-series) needs OCI's native chat API. Use OCINativeModel('{model}'), or give the "
        "name to OCIProvider, which routes cohere.command-r* models there."
    )


def _retries(f: Failure, what: str) -> str:
    # Say what happened: how many retries, and why no more.
    if f.retry_after is not None and f.retry_after > MAX_RETRY_AFTER:
        done = (
            f" OCI asked to wait {f.retry_after:g} s (retry-after), longer than the "
            f"{MAX_RETRY_AFTER:g} s agents_oci waits, so it did not retry; wait that long "
            "before trying again, or lower the concurrency."
        )
        return what + done
    if f.retries is None:
        done = " How many retries the client made is not known;"
    elif f.retries == 0:
        done = " The client made no retry (max_retries=0);"
    else:
        plural = "retry" if f.retries == 1 else "retries"
        done = f" The client made {f.retries} {plural} with backoff;"
    return (
        f"{what}{done} lower the concurrency, raise max_retries= (on OCIProvider or the "
        "model), or use the Agents SDK's ModelSettings(retry=...)."
    )


_Rule = tuple[type[OCIServiceError], Callable[[Failure], bool], Callable[[Failure], str]]
RULES: Final[tuple[_Rule, ...]] = (
    # Order matters: the specific message patterns come before the status-only rules.
    (
        ZeroDataRetentionError,
        lambda f: f.says("zero data retention"),
        lambda f: (
            "This tenancy keeps no data: keep the conversation on your side with a "
            "client-side session (agents.SQLiteSession) and ModelSettings(store=False) "
            "instead of an OCI conversation."
            if f.context.api == "conversations"
            else "This tenancy keeps no data: run with ModelSettings(store=False) (full "
            "history each turn) instead of stored Responses state."
        ),
    ),
    (
        ResponsesStateLostError,
        lambda f: f.status in (400, 404) and f.says(r"previous_response_id", r"response not found"),
        lambda f: "OCI no longer has the previous response (expired, deleted, or from another "
        "region or project): restart the conversation without previous_response_id, or run "
        "with ModelSettings(store=False) and send the full history.",
    ),
    (
        ProjectRequiredError,
        lambda f: f.status in (400, 403, 404) and f.says(r"\bproject"),
        _project_hint,
    ),
    (
        UnsupportedOperationError,
        lambda f: f.status == 400 and f.says(r"unsupported openai operation"),
        _unsupported_hint,
    ),
    (
        ResponsesOnlyModelError,
        lambda f: f.status == 400
        and f.context.api not in ("responses", "native")
        and f.says(r"model .*only (supported|served|available)[^.;]*responses api"),
        _responses_only_hint,
    ),
    (AuthenticationFailedError, lambda f: f.status == 401, _auth_hint),
    (
        NotAuthorizedOrNotFoundError,
        lambda f: f.status == 404 and (f.code == "NotAuthorizedOrNotFound" or f.says("not found")),
        _not_found_hint,
    ),
    (
        RateLimitedError,
        lambda f: f.status == 429,
        lambda f: _retries(f, "OCI is throttling this tenancy or model."),
    ),
    (
        OCIServerError,
        lambda f: f.status >= 500,
        lambda f: _retries(f, "OCI failed to serve the request; quote the opc-request-id to "
                           "Oracle support if it persists."),
    ),
)

