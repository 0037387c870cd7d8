"""``repr()`` never raises, even on an object whose construction failed half-way.

Error reporters and debuggers repr the locals of the frames a construction
failed in, ``self`` included: a repr that raises there hides the real error.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from agents_oci import (
    OCIChatCompletionsModel,
    OCIConfigurationError,
    OCINativeModel,
    OCIProvider,
    OCIResponsesModel,
)
from agents_oci.connection import ConnectionOptions, OCIConnection

CLASSES = [OCIProvider, OCIConnection, OCIChatCompletionsModel, OCIResponsesModel, OCINativeModel]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_repr_of_an_unconstructed_object_does_not_raise(cls: type) -> None:
    text = repr(object.__new__(cls))
    assert text.startswith(cls.__name__)


@pytest.mark.parametrize("build", [
    lambda missing: OCIProvider(config_file=missing),
    lambda missing: OCIChatCompletionsModel("meta.llama-3.3-70b-instruct", config_file=missing),
    lambda missing: OCIResponsesModel("openai.gpt-5.5", config_file=missing),
    lambda missing: OCINativeModel("cohere.command-r-plus", config_file=missing),
    lambda missing: OCIConnection(ConnectionOptions(config_file=missing), request_timeout=1),
], ids=["provider", "chat", "responses", "native", "connection"])
def test_locals_of_a_failed_construction_can_be_shown(build: object, tmp_path: Path) -> None:
    with pytest.raises(OCIConfigurationError) as caught:
        build(str(tmp_path / "missing"))  # type: ignore[operator]
    selves = [frame.f_locals["self"] for frame, _ in traceback.walk_tb(caught.value.__traceback__)
              if "self" in frame.f_locals]
    assert selves, "no half-built object in the traceback: the test would prove nothing"
    for obj in selves:
        repr(obj)  # raised AttributeError for a half-built provider or connection
    shown = "".join(traceback.TracebackException.from_exception(
        caught.value, capture_locals=True).format())
    assert "repr() failed" not in shown
