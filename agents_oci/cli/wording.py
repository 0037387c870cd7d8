"""Library messages on the command line: each keyword becomes the flag that sets it.

The library's errors and sources name keywords (``Fix: pass config_file=...``,
``argument profile``), as Python users write them. The command shows the same
messages with the flags a shell user types (``Fix: pass --config-file ...``,
``flag --profile``): one message source, two renderings. The mapping comes
from the flag table in :mod:`.options`, so a new flag is renamed here too.
A GenAI API key has no flag (it would show in ``ps``): ``api_key=`` becomes
its environment variable.

Quoted text is the user's or OCI's, not ours: a path such as
``'/tmp/profile=x/config'`` or OCI's own message, quoted, is left as it is,
and so is a shell command in backticks (`` `chmod 600 PATH` ``).
Only a quote that opens after a space, a bracket or a colon counts (an
apostrophe inside a word, as in "profile's", does not); a keyword's quoted
value (``config_file='...'``) is still the keyword's.
"""

from __future__ import annotations

import re
from typing import Final

from .options import FLAGS_BY_KEYWORD

__all__ = ["for_cli"]

_NO_FLAG: Final = {"api_key": "OCI_GENAI_API_KEY"}
_PYTHON_ONLY: Final = {"openai_client": "OCIProvider(openai_client=...) in Python"}
# Keywords the command line has no counterpart for: named as Python code.
_NAMES: Final = "|".join(sorted({*FLAGS_BY_KEYWORD, *_NO_FLAG}, key=len, reverse=True))
_ARGUMENT: Final = re.compile(rf"\bargument ({_NAMES})\b")
_UNSETTABLE: Final = "signer|api_key|auth|openai_client"
_UNSETTABLE_SOURCE: Final = re.compile(
    rf"\bargument (?:{_UNSETTABLE}), |, argument (?:{_UNSETTABLE})\b(?=[,).;]|$)"
)
# In a list of sources (``argument auth_type, argument signer, ...``): sources
# no flag can set are left out on the command line (the API key's environment
# variable is listed in its own place).
_PYTHON_KEYWORD: Final = re.compile(rf"(?<![\w.-])({'|'.join(_PYTHON_ONLY)})=(?![\w'\"])")
# `name=` then an optional value: 'quoted', "quoted" or a bare word (OCIDs, paths, `...`).
_KEYWORD: Final = re.compile(rf"(?<![\w.-])({_NAMES})=('[^']*'|\"[^\"]*\"|[^\s,;)`]+)?")
_QUOTED: Final = re.compile(r"""(?<![\w=])('[^'\n]*'|"[^"\n]*")|`[^`\n]*`""")
_HELD: Final = re.compile("\x00(\\d+)\x00")


def _flag(keyword: str) -> str:
    return FLAGS_BY_KEYWORD.get(keyword) or _NO_FLAG[keyword]


def _keyword(found: re.Match[str]) -> str:
    name, value = found[1], found[2]
    if name in _NO_FLAG:
        return _NO_FLAG[name] + (f"={value.strip(chr(39))}" if value else "")
    if not value:
        return _flag(name)
    trailing = ""
    if value[-1] in ".:" and not value.endswith("..."):  # the end of the sentence, not the value
        value, trailing = value[:-1], value[-1]
    if value.startswith("'") and value.endswith("'") and " " not in value:
        value = value[1:-1]
    return f"{_flag(name)} {value}{trailing}"


def _argument(found: re.Match[str]) -> str:
    name = found[1]
    return f"environment {_NO_FLAG[name]}" if name in _NO_FLAG else f"flag {_flag(name)}"


def for_cli(text: str) -> str:
    """``text`` with keywords (``profile=``, ``argument profile``) written as flags.

    >>> for_cli("Fix: pass profile= or set OCI_CLI_PROFILE (source: argument profile).")
    'Fix: pass --profile or set OCI_CLI_PROFILE (source: flag --profile).'
    >>> for_cli("No file '/tmp/profile=x'. Fix: pass config_file='/tmp/c'.")
    "No file '/tmp/profile=x'. Fix: pass --config-file /tmp/c."
    """
    held: list[str] = []

    def hold(found: re.Match[str]) -> str:
        held.append(found[0])
        return f"\x00{len(held) - 1}\x00"

    text = _UNSETTABLE_SOURCE.sub("", _QUOTED.sub(hold, text))
    text = _PYTHON_KEYWORD.sub(lambda found: _PYTHON_ONLY[found[1]], text)
    rewritten = _KEYWORD.sub(_keyword, _ARGUMENT.sub(_argument, text))
    return _HELD.sub(lambda found: held[int(found[1])], rewritten)
