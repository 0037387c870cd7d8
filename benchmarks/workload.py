"""What both clients are asked to do, and the two clients themselves.

``ours`` is the package as a user gets it: an :class:`agents_oci.OCIProvider`
built from the emulator's config file and base URL, every request signed.
``baseline`` is a plain ``openai.AsyncOpenAI`` with a bearer key registered at
the same emulator: no signing at all. The emulator runs with signature
verification off, so both cost the server the same.
"""

from __future__ import annotations

import base64
import configparser
import email.utils
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final

import openai
from agents import Agent, RunConfig, function_tool
from agents.models.openai_provider import OpenAIProvider
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from agents_oci import OCIProvider

__all__ = [
    "BODY_BYTES",
    "CHAT_MODEL",
    "RESPONSES_MODEL",
    "Clients",
    "Ticker",
    "chat_body",
    "chat_messages",
    "load_api_key",
    "load_profile",
    "signature_work",
    "tool_agent",
]

CHAT_MODEL: Final = "meta.llama-3.3-70b-instruct"
RESPONSES_MODEL: Final = "openai.gpt-5.5"
BODY_BYTES: Final = 4096
"""The size of the chat-completions request body in the latency figures."""
_DATE: Final = "Thu, 01 Jan 2026 00:00:00 GMT"
_PADDING: Final = padding.PKCS1v15()
_SHA256: Final = hashes.SHA256()


def chat_messages(size: int = BODY_BYTES) -> list[dict[str, str]]:
    """A realistic conversation whose request body is ``size`` bytes as openai sends it."""
    messages = [
        {
            "role": "system",
            "content": "You are the support assistant of an online store. "
            "Answer in two sentences, quote order numbers exactly, never invent dates.",
        },
    ]
    for turn in range(4):
        messages.append(
            {
                "role": "user",
                "content": f"Order A-{turn}17: where is it? "
                "It was due on Monday and the tracking page has not changed since.",
            }
        )
        messages.append(
            {
                "role": "assistant",
                "content": f"Order A-{turn}17 left the "
                "central warehouse yesterday and is with the courier; delivery is "
                "expected within two working days.",
            }
        )
    messages.append({"role": "user", "content": ""})
    body = {"messages": messages, "model": CHAT_MODEL}
    # As httpx sends it: compact separators, UTF-8.
    missing = size - len(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    if missing < 0:
        raise ValueError(f"the base conversation is already over {size} bytes")
    messages[-1]["content"] = ("Thanks. " * (missing // 8 + 1))[:missing]
    return messages


def chat_body(size: int = BODY_BYTES) -> bytes:
    """The request body of :func:`chat_messages`, as it goes on the wire."""
    body = {"messages": chat_messages(size), "model": CHAT_MODEL}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


@function_tool
def get_weather(city: str) -> str:
    """Report the weather in a city."""
    return f"Sunny, 21C in {city}"


def tool_agent(model: str = CHAT_MODEL) -> Agent[Any]:
    """An agent whose runs take two turns: a tool call, then the answer."""
    return Agent(
        name="weather",
        instructions="Use get_weather to answer weather questions.",
        model=model,
        tools=[get_weather],
    )


def load_profile(config_file: str, profile: str = "DEFAULT") -> dict[str, str]:
    """One profile of the emulator's config file."""
    parser = configparser.ConfigParser()
    parser.read(config_file)
    return dict(parser[profile])


def load_api_key(config_file: str, profile: str = "DEFAULT") -> RSAPrivateKey:
    """The profile's private key, to time the signature floor with the very same key."""
    with open(load_profile(config_file, profile)["key_file"], "rb") as handle:
        key = serialization.load_pem_private_key(handle.read(), password=None)
    if not isinstance(key, RSAPrivateKey):
        raise TypeError("the emulator's API key is not an RSA key")
    return key


def _signing_string(body: bytes, digest: bytes, date: str) -> bytes:
    return (
        f"date: {date}\n(request-target): post /openai/v1/chat/completions\n"
        f"host: 127.0.0.1:65535\ncontent-length: {len(body)}\n"
        f"content-type: application/json\nx-content-sha256: {base64.b64encode(digest).decode()}"
    ).encode()


def signature_work(key: RSAPrivateKey) -> Callable[[bytes], bytes]:
    """The unavoidable cost per request: SHA-256 of the body and one RSA-2048 signature.

    The signing string has the size and shape of a real one (six headers).
    """

    def work(body: bytes) -> bytes:
        digest = hashlib.sha256(body).digest()
        return key.sign(_signing_string(body, digest, _DATE), _PADDING, _SHA256)

    return work


class Clients:
    """Our signed client and the unsigned baseline, against one emulator."""

    def __init__(self, *, base_url: str, config_file: str, bearer_key: str) -> None:
        self.base_url = base_url
        self.config_file = config_file
        self.bearer_key = bearer_key
        self.provider = OCIProvider(config_file=config_file, base_url=base_url)
        self.ours: openai.AsyncOpenAI = self.provider.client()
        self.baseline = openai.AsyncOpenAI(base_url=base_url, api_key=bearer_key)
        self.key = load_api_key(config_file)

    def baseline_with_signature(self) -> openai.AsyncOpenAI:
        """The baseline plus the floor's work, done the plainest way: a request hook.

        The hook hashes the body, signs a signing string with the same key and
        puts on the request the same headers, of the same sizes, as a signed
        request carries (so the server parses exactly what it parses for ours).
        It shows what the signature itself costs in place, inside a real
        request, as opposed to the floor timed in a tight loop.
        """
        work_key = self.key
        profile = load_profile(self.config_file)
        key_id = f"{profile['tenancy']}/{profile['user']}/{profile['fingerprint']}"
        names = "date (request-target) host content-length content-type x-content-sha256"

        async def hook(request: Any) -> None:
            body = request.content
            date = email.utils.formatdate(usegmt=True)
            digest = hashlib.sha256(body).digest()
            signature = work_key.sign(_signing_string(body, digest, date), _PADDING, _SHA256)
            request.headers["date"] = date
            request.headers["x-content-sha256"] = base64.b64encode(digest).decode()
            request.headers["opc-compartment-id"] = profile["tenancy"]
            request.headers["authorization"] = (
                f'Signature version="1",keyId="{key_id}",algorithm="rsa-sha256",'
                f'headers="{names}",signature="{base64.b64encode(signature).decode()}"'
            )

        http = openai.DefaultAsyncHttpxClient(event_hooks={"request": [hook]})
        return openai.AsyncOpenAI(base_url=self.base_url, api_key=self.bearer_key, http_client=http)

    def run_config(self, which: str) -> RunConfig:
        """A RunConfig whose provider is ours (``"ours"``) or the baseline's."""
        if which == "ours":
            return RunConfig(model_provider=self.provider, tracing_disabled=True)
        provider = OpenAIProvider(openai_client=self.baseline, use_responses=False)
        return RunConfig(model_provider=provider, tracing_disabled=True)

    async def aclose(self) -> None:
        await self.provider.aclose()
        await self.baseline.close()


class Ticker:
    """The longest gap between the ticks of a 1 ms ``asyncio.sleep`` loop."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.ticks = 0

    @contextmanager
    def running(self) -> Iterator[Ticker]:
        import asyncio

        async def tick() -> None:
            last = time.perf_counter()
            while True:
                await asyncio.sleep(0.001)
                now = time.perf_counter()
                self.longest = max(self.longest, now - last)
                self.ticks += 1
                last = now

        task = asyncio.ensure_future(tick())
        try:
            yield self
        finally:
            task.cancel()
