"""Event-stream lines are decoded as UTF-8 from bytes, whatever charset the server names."""

from __future__ import annotations

from collections.abc import AsyncIterator

from agents_oci.native.stream import data_lines


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def collect(*parts: bytes) -> list[str]:
    return [line async for line in data_lines(chunks(*parts))]


async def test_multibyte_characters_split_across_chunks() -> None:
    raw = 'data: {"text": "Zürich ☕ 東京"}\n\ndata: [DONE]\n\n'.encode()
    cut = raw.index("☕".encode()) + 1  # inside the three bytes of the cup
    assert await collect(raw[:cut], raw[cut:]) == ['{"text": "Zürich ☕ 東京"}']


async def test_one_byte_at_a_time_and_no_final_newline() -> None:
    raw = 'event: x\ndata: {"a": "é"}\n\n: comment\ndata: {"b": 1}'.encode()
    assert await collect(*(raw[i : i + 1] for i in range(len(raw)))) == [
        '{"a": "é"}',
        '{"b": 1}',
    ]


async def test_crlf_lines() -> None:
    assert await collect(b'data: {"c": 2}\r\n\r\n') == ['{"c": 2}']


async def test_invalid_utf8_becomes_the_replacement_character() -> None:
    # The SSE specification decodes with replacement; a stray byte (a proxy's
    # re-encoding, a cut multibyte sequence) must not end the run.
    assert await collect(b'data: {"d": "caf\xe9"}\n\n') == ['{"d": "caf\ufffd"}']
