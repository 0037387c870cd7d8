"""Loading a profile's private key (``key_file`` or ``key_content``), errors naming the fix.

The key file is read as the ``oci`` SDK reads it (``read().strip()``), but
through :func:`~agents_oci.config.reading.read_regular_file`: regular files
only, size-capped, never blocking. It is decoded as
``oci.signer.load_private_key`` decodes it (the same ``cryptography`` calls,
the same retry without a pass phrase; a test holds the two side by side),
without importing ``oci``: that import took 388 ms of ``agents-oci
doctor``'s run here, and of every process's first connection. Errors are
raised outside any ``except`` block and from frames that hold neither key
bytes nor the passphrase: the decoder's own exceptions (whose frames hold the
key) never hang on ``__context__``, and error reporters that capture locals
find nothing secret.
"""

from __future__ import annotations

import os
import warnings
from typing import Literal

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from ..config.reading import Unreadable, denied_fix, read_regular_file
from ..errors import OCI_CLI_NOTE, KeyFileError, KeyPassphraseError

__all__ = ["InsecureKeyFileWarning", "key_from_content", "load_private_key"]

_Problem = Literal["no passphrase", "wrong passphrase", "not a key", "not rsa"]


class InsecureKeyFileWarning(UserWarning):
    """A private key file can be read by other users of this machine."""


def load_private_key(path: str, pass_phrase: str | None, *, profile: str) -> RSAPrivateKey:
    """Load a PEM private key, turning every failure into an error that names the fix."""
    where = f"key_file {path!r} of profile [{profile}]"
    data = read_regular_file(path)
    if isinstance(data, Unreadable):
        if data.denied:  # it is there: pointing elsewhere or a new key would mislead
            raise KeyFileError(f"The {where} {data.reason}. {denied_fix(path)}")
        raise KeyFileError(
            f"The {where} {data.reason}. Point key_file in the profile at the private key "
            f"file, or run `oci setup config` to create a key. {OCI_CLI_NOTE}"
        )
    _warn_if_shared(path, where)
    outcome = _decode(data.strip(), pass_phrase)
    del data, pass_phrase  # neither key bytes nor the passphrase in this frame when it raises
    if isinstance(outcome, RSAPrivateKey):
        return outcome
    if outcome == "no passphrase":
        raise KeyPassphraseError(
            f"The {where} is encrypted and no passphrase was given. "
            f"Add `pass_phrase=...` to profile [{profile}]."
        )
    if outcome == "wrong passphrase":
        raise KeyPassphraseError(
            f"The {where} could not be decrypted: the pass_phrase of profile "
            f"[{profile}] is wrong, or the file is not a private key. "
            "Correct pass_phrase in the profile."
        )
    if outcome == "not rsa":
        raise KeyFileError(f"The {where} is not an RSA key; OCI API keys are RSA keys.")
    raise KeyFileError(
        f"The {where} is not a PEM private key. Point key_file at the private key "
        f"(not the public key) created by `oci setup config`. {OCI_CLI_NOTE}"
    )


def key_from_content(content: str, pass_phrase: str | None, *, profile: str) -> RSAPrivateKey:
    """The profile's ``key_content`` as a private key."""
    outcome = _decode(content.encode("utf-8").strip(), pass_phrase)
    del content, pass_phrase  # see load_private_key
    if isinstance(outcome, RSAPrivateKey):
        return outcome
    if outcome == "not rsa":
        raise KeyFileError(f"The key_content of profile [{profile}] is not an RSA key.")
    raise KeyFileError(
        f"The key_content of profile [{profile}] is not a usable PEM private key (or its "
        "pass_phrase is missing or wrong). Fix key_content, or use key_file= instead."
    )


def _decode(pem: bytes, pass_phrase: str | None) -> RSAPrivateKey | _Problem:
    """The key, or what is wrong with it; returns instead of raising (see the module doc)."""
    # Bytes: the oci SDK would encode a str passphrase as ASCII and crash on "é".
    secret = None if pass_phrase is None else pass_phrase.encode("utf-8")
    try:
        try:
            key = serialization.load_pem_private_key(pem, secret)
        except TypeError:  # encrypted without a pass phrase, or one given for a plain key
            if secret is None:
                return "no passphrase"
            # A pass_phrase left over (from DEFAULT, say) for a key that has none:
            # the oci SDK tries again without it, and so do we.
            key = serialization.load_pem_private_key(pem, None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return "not a key" if pass_phrase is None else "wrong passphrase"
    return key if isinstance(key, RSAPrivateKey) else "not rsa"


def _warn_if_shared(path: str, where: str) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if mode & 0o077:
        warnings.warn(
            f"The {where} can be read by other users (mode {mode & 0o777:o}). "
            f"Run `chmod 600 {path}`.",
            InsecureKeyFileWarning,
            stacklevel=4,
        )
