"""Which API serves a name, and the names no API can serve, refused before any request."""

from __future__ import annotations

import pytest

from agents_oci.errors import InvalidModelNameError
from agents_oci.routing import route


@pytest.mark.parametrize(("name", "expected"), [
    ("meta.llama-3.3-70b-instruct", ("chat", "meta.llama-3.3-70b-instruct")),
    ("responses:openai.gpt-5.5", ("responses", "openai.gpt-5.5")),
    ("native:meta.llama-3.3-70b-instruct", ("native", "meta.llama-3.3-70b-instruct")),
    ("cohere.command-r-plus-08-2024", ("native", "cohere.command-r-plus-08-2024")),
    ("ocid1.generativeaiendpoint.oc1.us-chicago-1.aaa", ("native",
                                                         "ocid1.generativeaiendpoint.oc1.us-chicago-1.aaa")),
    ("cohere.command-a-03-2025", ("chat", "cohere.command-a-03-2025")),
])
def test_route(name: str, expected: tuple[str, str]) -> None:
    assert route(name) == expected


@pytest.mark.parametrize(("name", "said"), [
    ("responses:", "names no model"),
    ("native: ", "names no model"),
    ("responses:native:meta.x", "asks for two APIs"),
    ("native:responses:openai.gpt-5.5", "asks for two APIs"),
    ("responses:native:", "write responses:MODEL or native:MODEL"),
    ("responses:responses:x", "repeats 'responses:'. Fix: write it once: 'responses:x'"),
    ("responses:cohere.command-r-plus", "native chat API only"),
    ("responses: cohere.command-r-plus", "native chat API only"),
])
def test_names_no_api_can_serve_are_refused_with_the_fix(name: str, said: str) -> None:
    with pytest.raises(InvalidModelNameError, match="Fix:") as refused:
        route(name)
    assert said in str(refused.value)
