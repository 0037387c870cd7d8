"""The verifier, proven against the ``oci`` SDK's reference signers.

Requests are signed by ``oci.signer.Signer`` and
``oci.auth.signers.SecurityTokenSigner`` (never by code of this project) and
sent over real HTTP with ``requests`` to the running emulator, or checked
directly with :class:`Verifier`. Every refusal is a 401 with OCI's body, and
the journal says why.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import json
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from oci.auth.signers import SecurityTokenSigner
from oci.signer import Signer, load_private_key_from_file

from agents_oci.testing import OCIEmulator, mint_jwt
from agents_oci.testing.signatures import IncomingRequest, TrustStore, Verifier
from agents_oci.testing.tokens import new_rsa_key, private_pem, public_jwk

GENERIC_401 = {
    "code": "NotAuthenticated",
    "message": "The required information to complete authentication was not provided "
    "or was incorrect.",
}
CHAT = {"model": "openai.gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}


def post(emu: OCIEmulator, signer: Any, body: bytes | None = None, **kwargs: Any) -> Any:
    """POST a chat completion over real HTTP, signed by ``signer``."""
    headers = {"content-type": "application/json", "opc-compartment-id": emu.compartment_id}
    headers.update(kwargs.pop("headers", {}))
    return requests.post(
        f"{emu.base_url}/chat/completions",
        data=json.dumps(CHAT).encode() if body is None else body,
        headers=headers,
        auth=signer,
        timeout=10,
        **kwargs,
    )


def send_prepared(emu: OCIEmulator, prepared: requests.PreparedRequest) -> Any:
    with requests.Session() as session:
        return session.send(prepared, timeout=10)


def signed_chat(emu: OCIEmulator, signer: Any) -> requests.PreparedRequest:
    prepared = requests.Request(
        "POST",
        f"{emu.base_url}/chat/completions",
        data=json.dumps(CHAT).encode(),
        headers={"content-type": "application/json", "opc-compartment-id": emu.compartment_id},
    ).prepare()
    signer(prepared)
    return prepared


def assert_refused(emu: OCIEmulator, response: Any, reason: str) -> None:
    assert response.status_code == 401, response.text
    assert response.json() == GENERIC_401
    entry = emu.journal.last
    assert entry.status == 401
    assert entry.principal is None
    assert entry.auth_error is not None and reason in entry.auth_error, entry.auth_error


# --- valid requests pass -----------------------------------------------------------


@pytest.mark.parametrize("profile", ["DEFAULT", "ENCRYPTED"])
def test_api_key_signer_passes(emu: OCIEmulator, profile: str) -> None:
    response = post(emu, emu.credentials.api_key_signer(profile))
    assert response.status_code == 200, response.text
    entry = emu.journal.last
    assert entry.principal == f"api_key:{emu.credentials.user_id}"
    assert entry.auth_error is None
    assert entry.headers["authorization"].startswith("Signature ")


def test_session_token_signer_passes(emu: OCIEmulator) -> None:
    response = post(emu, emu.credentials.session_token_signer())
    assert response.status_code == 200, response.text
    assert emu.journal.last.principal == f"session:{emu.credentials.user_id}"


def test_signed_get_with_raw_query_passes(emu: OCIEmulator) -> None:
    # %2F and %20 must reach the verifier undecoded: that is what was signed.
    url = f"{emu.base_url}/models?after=a%2Fb&q=x%20y"
    response = requests.get(url, auth=emu.credentials.api_key_signer(), timeout=10)
    assert response.status_code == 200, response.text
    assert emu.journal.last.target == "/openai/v1/models?after=a%2Fb&q=x%20y"
    assert 'headers="date (request-target) host"' in emu.journal.last.headers["authorization"]


def test_x_date_may_replace_date(emu: OCIEmulator) -> None:
    private_key = load_private_key_from_file(str(emu.credentials.session_key_file))
    signer = SecurityTokenSigner(
        emu.credentials.session_token,
        private_key,
        generic_headers=["x-date", "(request-target)", "host"],
    )
    stale = email.utils.formatdate(time.time() - 3600, usegmt=True)
    now = email.utils.formatdate(usegmt=True)
    # Only x-date is signed, so a stale Date header does not matter.
    response = post(emu, signer, headers={"x-date": now, "date": stale})
    assert response.status_code == 200, emu.journal.last.auth_error


def test_skew_within_five_minutes_passes(emu: OCIEmulator) -> None:
    four_minutes_ago = email.utils.formatdate(time.time() - 240, usegmt=True)
    response = post(emu, emu.credentials.api_key_signer(), headers={"date": four_minutes_ago})
    assert response.status_code == 200, emu.journal.last.auth_error


# --- every kind of bad request gets 401 with its reason --------------------------------


def test_tampered_body(emu: OCIEmulator) -> None:
    prepared = signed_chat(emu, emu.credentials.api_key_signer())
    assert isinstance(prepared.body, bytes)
    prepared.body = prepared.body.replace(b'"hi"', b'"yo"')  # same length
    assert_refused(emu, send_prepared(emu, prepared), "x-content-sha256 does not match")


def test_tampered_body_with_matching_digest(emu: OCIEmulator) -> None:
    # An attacker who also fixes x-content-sha256 breaks the signature instead.
    prepared = signed_chat(emu, emu.credentials.api_key_signer())
    assert isinstance(prepared.body, bytes)
    prepared.body = prepared.body.replace(b'"hi"', b'"yo"')
    digest = base64.b64encode(hashlib.sha256(prepared.body).digest()).decode()
    prepared.headers["x-content-sha256"] = digest
    assert_refused(emu, send_prepared(emu, prepared), "signature does not verify")


def test_wrong_content_length_is_refused() -> None:
    trust, key = TrustStore(), new_rsa_key()
    trust.add_api_key("t/u/f", key.public_key())
    prepared = requests.Request(
        "POST", "https://h/p", data=b"{}", headers={"content-type": "application/json"}
    ).prepare()
    prepared.headers["content-length"] = "3"  # signed, but not the body's length
    Signer("t", "u", "f", None, private_key_content=private_pem(key).decode())(prepared)
    with pytest.raises(Exception, match="content-length"):
        Verifier(trust, clock=time.time).verify(incoming(prepared))


def test_wrong_key(emu: OCIEmulator) -> None:
    kit = emu.credentials
    other = private_pem(new_rsa_key()).decode()
    # The right keyId, but signed with a key the tenancy never uploaded.
    signer = Signer(
        kit.tenancy_id, kit.user_id, kit.fingerprints["DEFAULT"], None, private_key_content=other
    )
    assert_refused(emu, post(emu, signer), "signature does not verify")


def test_unknown_key_id(emu: OCIEmulator) -> None:
    kit = emu.credentials
    signer = Signer(kit.tenancy_id, kit.user_id, "00:" * 15 + "00", str(kit.api_key_file))
    assert_refused(emu, post(emu, signer), "unknown keyId")


def test_missing_signed_header_on_post(emu: OCIEmulator) -> None:
    private_key = load_private_key_from_file(str(emu.credentials.session_key_file))
    signer = SecurityTokenSigner(emu.credentials.session_token, private_key, body_headers=[])
    response = post(emu, signer)
    assert_refused(emu, response, "POST must sign content-length, content-type, x-content-sha256")


def test_missing_host_in_signed_headers(emu: OCIEmulator) -> None:
    private_key = load_private_key_from_file(str(emu.credentials.session_key_file))
    signer = SecurityTokenSigner(
        emu.credentials.session_token, private_key, generic_headers=["date", "(request-target)"]
    )
    response = requests.get(f"{emu.base_url}/models", auth=signer, timeout=10)
    assert_refused(emu, response, "GET must sign host")


def test_signed_header_absent_from_request(emu: OCIEmulator) -> None:
    prepared = signed_chat(emu, emu.credentials.api_key_signer())
    del prepared.headers["content-type"]
    assert_refused(emu, send_prepared(emu, prepared), "signed header 'content-type' is absent")


def test_skewed_date(emu: OCIEmulator) -> None:
    ten_minutes_ago = email.utils.formatdate(time.time() - 600, usegmt=True)
    response = post(emu, emu.credentials.api_key_signer(), headers={"date": ten_minutes_ago})
    assert_refused(emu, response, "date skew")


def test_decoded_target_does_not_verify(emu: OCIEmulator) -> None:
    # Signed for %2F, sent as a literal slash: a verifier that normalised the
    # received target (re-quoting it) would wrongly accept this.
    prepared = requests.Request("GET", f"{emu.base_url}/models?after=a%2Fb").prepare()
    emu.credentials.api_key_signer()(prepared)
    prepared.url = f"{emu.base_url}/models?after=a/b"
    assert_refused(emu, send_prepared(emu, prepared), "signature does not verify")


def test_host_is_signed(emu: OCIEmulator) -> None:
    # Signed for localhost (the SDK signs the URL's netloc), sent to 127.0.0.1.
    prepared = requests.Request("GET", f"http://localhost:{emu.port}/openai/v1/models").prepare()
    emu.credentials.api_key_signer()(prepared)
    prepared.url = f"{emu.base_url}/models"
    del prepared.headers["host"]
    assert_refused(emu, send_prepared(emu, prepared), "signature does not verify")


def test_expired_session_token(fresh_emu: OCIEmulator) -> None:
    fresh_emu.credentials.expire_session_token()
    response = post(fresh_emu, fresh_emu.credentials.session_token_signer())
    assert_refused(fresh_emu, response, "security token expired")


def test_token_from_a_foreign_issuer(emu: OCIEmulator) -> None:
    kit = emu.credentials
    session_key = load_private_key_from_file(str(kit.session_key_file))
    claims = json.loads(base64.urlsafe_b64decode(kit.session_token.split(".")[1] + "=="))
    # Same claims and issuer name, signed by somebody else's key.
    forged = mint_jwt(new_rsa_key(), claims)
    assert_refused(
        emu, post(emu, SecurityTokenSigner(forged, session_key)), "signature is not the issuer's"
    )
    stranger = mint_jwt(new_rsa_key(), {**claims, "iss": "someone.else"})
    assert_refused(
        emu,
        post(emu, SecurityTokenSigner(stranger, session_key)),
        "issuer 'someone.else' is not trusted",
    )


def test_token_signed_request_with_another_session_key(emu: OCIEmulator) -> None:
    # A valid token, but the request is signed with a key other than its jwk.
    signer = SecurityTokenSigner(emu.credentials.session_token, new_rsa_key())
    assert_refused(emu, post(emu, signer), "signature does not verify")


def test_revoked_tokens(fresh_emu: OCIEmulator) -> None:
    kit = fresh_emu.credentials
    fresh_emu.credentials.revoke_tokens()
    assert_refused(fresh_emu, post(fresh_emu, kit.session_token_signer()), "revoked")
    kit.rotate_session_token()  # like `oci session refresh`
    assert post(fresh_emu, kit.session_token_signer()).status_code == 200


def test_unsigned_request(emu: OCIEmulator) -> None:
    response = requests.post(f"{emu.base_url}/chat/completions", json=CHAT, timeout=10)
    assert_refused(emu, response, "missing Authorization header")


def test_verification_can_be_switched_off(emu: OCIEmulator) -> None:
    emu.verify_signatures = False
    response = requests.post(f"{emu.base_url}/chat/completions", json=CHAT, timeout=10)
    assert response.status_code == 200
    assert emu.journal.last.principal is None and emu.journal.last.auth_error is None


# --- bearer keys -----------------------------------------------------------------


def test_registered_bearer_key_passes(emu: OCIEmulator, bearer_key: str) -> None:
    headers = {"authorization": f"Bearer {bearer_key}"}
    response = requests.post(
        f"{emu.base_url}/chat/completions", json=CHAT, headers=headers, timeout=10
    )
    assert response.status_code == 200, response.text
    assert emu.journal.last.principal == "bearer"


def test_unknown_bearer_key(emu: OCIEmulator) -> None:
    headers = {"authorization": "Bearer sk-not-registered"}
    response = requests.post(
        f"{emu.base_url}/chat/completions", json=CHAT, headers=headers, timeout=10
    )
    assert_refused(emu, response, "unknown bearer key")


def test_bearer_and_signature_together(emu: OCIEmulator, bearer_key: str) -> None:
    prepared = signed_chat(emu, emu.credentials.api_key_signer())
    request = incoming(prepared)
    both = IncomingRequest(
        request.method,
        request.target,
        [*request.headers, ("Authorization", f"Bearer {bearer_key}")],
        request.body,
    )
    with pytest.raises(Exception, match="both a bearer key and a signature"):
        Verifier(emu.trust, clock=time.time).verify(both)
    # Without the extra header the same request verifies: the refusal is about the mix.
    assert str(Verifier(emu.trust, clock=time.time).verify(request)).startswith("api_key:")


# --- a property: whatever is signed verifies, any body change does not --------------------

_KEY = new_rsa_key()
_TRUST = TrustStore()
_TRUST.add_api_key("ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa", _KEY.public_key())
_SIGNER = Signer(
    "ocid1.tenancy.oc1..t",
    "ocid1.user.oc1..u",
    "aa",
    None,
    private_key_content=private_pem(_KEY).decode(),
)


def incoming(prepared: requests.PreparedRequest) -> IncomingRequest:
    parts = urlsplit(prepared.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    body = prepared.body or b""
    return IncomingRequest(
        str(prepared.method),
        target,
        list(prepared.headers.items()),
        body.encode() if isinstance(body, str) else body,
    )


@settings(max_examples=40, deadline=None, database=None)
@given(
    segments=st.lists(st.text(alphabet="abcXYZ019-._~%20", min_size=1, max_size=8), max_size=3),
    query=st.dictionaries(
        st.text("ab/ &=é", min_size=1, max_size=4), st.text(max_size=6), max_size=3
    ),
    body=st.binary(min_size=1, max_size=200),
    flip=st.integers(min_value=0),
)
def test_property_signed_requests_verify(
    segments: list[str], query: dict[str, str], body: bytes, flip: int
) -> None:
    path = "/" + "/".join(segments)
    prepared = requests.Request(
        "POST",
        f"https://inference.example.com{path}",
        params=query,
        data=body,
        headers={"content-type": "application/octet-stream"},
    ).prepare()
    _SIGNER(prepared)
    verifier = Verifier(_TRUST, clock=time.time)
    assert verifier.verify(incoming(prepared)).subject == "ocid1.user.oc1..u"
    mutated = bytearray(body)
    mutated[flip % len(body)] ^= 0x01
    prepared.body = bytes(mutated)
    with pytest.raises(Exception, match="x-content-sha256"):
        verifier.verify(incoming(prepared))


def test_jwk_claim_is_a_json_string(emu: OCIEmulator) -> None:
    claims = json.loads(
        base64.urlsafe_b64decode(emu.credentials.session_token.split(".")[1] + "==")
    )
    session_key = load_private_key_from_file(str(emu.credentials.session_key_file))
    assert isinstance(claims["jwk"], str)
    assert json.loads(claims["jwk"])["n"] == public_jwk(session_key.public_key())["n"]
    assert {"sub", "tenant", "iss", "iat", "exp"} <= claims.keys()
    assert claims["tenant"] == emu.compartment_id
