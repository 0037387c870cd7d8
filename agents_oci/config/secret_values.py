"""Secrets bound for an HTTP header: stripped as OCI's tools strip them, checked inside.

A Generative AI API key goes out as ``Authorization: Bearer <key>`` and a
session token inside the signature's ``keyId="ST$<token>"``. A line break in
either (a key read from a file with its newline, a token file with one in the
middle) makes the HTTP library refuse the header and quote its whole value in
its error, which then reaches ``__cause__``, printed tracebacks and openai's
DEBUG log, while the user sees "Connection error.". So:

- surrounding whitespace is stripped, as the ``oci`` SDK strips what it reads
  from files (``load_private_key_from_file``, the OKE service-account token:
  ``read().strip()``) and as ``oci_openai`` / ``oci_genai_auth`` strip the
  session-token file;
- a character left inside that is not printable ASCII (a control character,
  whitespace, anything non-ASCII) is refused before any request, with a
  configuration error that names the setting and the character's position and
  never quotes the value;
- the raising frames hold no copy of the secret: error reporters capture locals.
"""

from __future__ import annotations

from typing import Final

from ..errors import InvalidConfigValueError
from .settings import REDACTED, safe_url
from .sourced import Sourced
from .world import World

__all__ = ["Arguments", "api_key_setting", "header_problem"]

_NAMES: Final = {"\n": "a line break (LF)", "\r": "a carriage return (CR)", "\t": "a tab",
                 " ": "a space", "\x00": "a NUL character"}


def header_problem(value: str) -> str | None:
    """What in ``value`` cannot go into an HTTP header as a token, or None; never quotes it."""
    for index, char in enumerate(value):
        if "!" <= char <= "~":
            continue
        what = _NAMES.get(char) or (
            f"a control character (U+{ord(char):04X})" if char < " " or char == "\x7f"
            else "a character that is not ASCII"
        )
        return f"holds {what} at character {index + 1} of {len(value)}"
    return None


def api_key_setting(world: World) -> Sourced[str | None]:
    """The Generative AI API key, stripped; a configuration error if it cannot be sent."""
    outcome = _api_key(world)
    if isinstance(outcome, str):  # the error message; this frame holds no copy of the key
        raise InvalidConfigValueError(outcome)
    return outcome


def _api_key(world: World) -> Sourced[str | None] | str:
    hit = world.first("api_key")
    if hit is None:
        return Sourced(None, "none")
    key = hit.value.strip()
    setting = "api_key=" if hit.source.startswith("argument") else hit.source
    if not key:
        return (f"The Generative AI API key (from {hit.source}) is only whitespace. Fix: pass "
                "the key itself as api_key= or set OCI_GENAI_API_KEY to it.")
    problem = header_problem(key)
    if problem is not None:
        return (f"The Generative AI API key (from {hit.source}) {problem} (surrounding "
                "whitespace is already stripped). A key is one line of printable ASCII: that "
                "character would break the Authorization header. Fix: give only the key in "
                f"{setting} (when reading it from a file, read the key line alone).")
    return Sourced(key, hit.source)


class Arguments(dict[str, str]):
    """The keywords resolve() was given; its repr hides the API key and URL credentials.

    It is a local of resolve(), and error reporters repr the locals of the
    frames an error passed through.
    """

    def __repr__(self) -> str:
        shown = {k: REDACTED if k == "api_key" else safe_url(v) if k == "base_url" else v
                 for k, v in self.items()}
        return f"Arguments({shown!r})"
