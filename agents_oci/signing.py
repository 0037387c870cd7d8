"""The OCI request signature (HTTP signature, version 1) as a pure function.

Inputs are plain values, so the function serves any HTTP library and is
trivially testable; the output is the set of headers to put on the request.
The signing string is built here directly rather than through a ``requests``
request and the ``oci`` SDK's signer objects: that detour costs more than the
RSA signature itself on every request (see the benchmark).
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
from collections.abc import Mapping
from typing import Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = ["BODY_METHODS", "sign"]

BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})
_GENERIC: Final = ("date", "(request-target)", "host")
_WITH_BODY: Final = (*_GENERIC, "content-length", "content-type", "x-content-sha256")
_PADDING: Final = padding.PKCS1v15()
_SHA256: Final = hashes.SHA256()


def sign(
    *,
    method: str,
    target: str,
    host: str,
    body: bytes,
    content_type: str | None,
    key_id: str,
    private_key: RSAPrivateKey,
    date: str | None = None,
) -> Mapping[str, str]:
    """Return the headers that sign one request.

    ``target`` is the raw path and query exactly as they go on the wire;
    ``host`` is the Host header exactly as sent (port kept when not default).

    >>> from cryptography.hazmat.primitives.asymmetric import rsa
    >>> key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    >>> headers = sign(method="GET", target="/openai/v1/models", host="example.com",
    ...                body=b"", content_type=None, key_id="t/u/f", private_key=key)
    >>> sorted(headers)
    ['authorization', 'date']
    """
    method = method.upper()
    headers = {"date": date or email.utils.formatdate(usegmt=True)}
    values = {
        "date": headers["date"],
        "(request-target)": f"{method.lower()} {target}",
        "host": host,
    }
    names: tuple[str, ...] = _GENERIC
    if method in BODY_METHODS:
        names = _WITH_BODY
        headers["content-length"] = str(len(body))
        headers["content-type"] = content_type or "application/json"
        headers["x-content-sha256"] = base64.b64encode(hashlib.sha256(body).digest()).decode()
        values.update(headers)
    signing_string = "\n".join(f"{name}: {values[name]}" for name in names).encode()
    signature = base64.b64encode(private_key.sign(signing_string, _PADDING, _SHA256)).decode()
    headers["authorization"] = (
        f'Signature version="1",keyId="{key_id}",algorithm="rsa-sha256",'
        f'headers="{" ".join(names)}",signature="{signature}"'
    )
    return headers
