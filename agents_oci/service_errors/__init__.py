"""OCI service errors that say what happened and what to do.

OCI's failures are terse: a 401 ``NotAuthenticated`` may be a wrong
fingerprint, an expired session token, clock skew or a missing policy; a 404
``NotAuthorizedOrNotFound`` may be a policy, a compartment or a model not
offered in the region. :func:`translate` turns an ``openai.APIStatusError``
into a typed error that carries the ``opc-request-id``, the OCI error code
and a one-line hint naming the fix.

Each typed error is *also* an instance of the openai exception for its status
code (``openai.AuthenticationError`` for 401, ``openai.NotFoundError`` for
404, ...), so ``except openai.APIStatusError`` handlers and the Agents SDK's
retry logic keep working::

    try:
        await Runner.run(agent, "hi", run_config=config)
    except ZeroDataRetentionError as exc:
        print(exc.hint)           # use ModelSettings(store=False)
    except openai.NotFoundError:  # still matches NotAuthorizedOrNotFoundError
        ...

Errors that match no rule pass through unchanged.

Two errors come from the transport itself, for answers that are not OCI's
(see :mod:`agents_oci.http.answers`): :class:`UnexpectedResponseError` (a 2xx
of the wrong kind: an HTML page, a body cut short) and
:class:`RedirectRefusedError` (a 3xx; the signing client never follows one).
"""


from __future__ import annotations

from ..http.answers import RedirectRefusedError, UnexpectedResponseError
from .hints import ErrorContext
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
    concrete_class,
    openai_class,
)
from .translate import translate

__all__ = [
    "AuthenticationFailedError",
    "ErrorContext",
    "OCIServerError",
    "RateLimitedError",
    "NotAuthorizedOrNotFoundError",
    "OCIServiceError",
    "ProjectRequiredError",
    "RedirectRefusedError",
    "ResponsesOnlyModelError",
    "ResponsesStateLostError",
    "UnexpectedResponseError",
    "UnsupportedOperationError",
    "ZeroDataRetentionError",
    "concrete_class",
    "openai_class",
    "translate",
]

