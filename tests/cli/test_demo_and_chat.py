"""``agents-oci demo`` and ``agents-oci chat`` in subprocesses."""

from __future__ import annotations

import re

import pytest

from agents_oci.testing import OCIEmulator

from .conftest import Run, clean_env, command, run_all

MODEL = "meta.llama-3.3-70b-instruct"


@pytest.fixture(scope="module")
def runs(emu: OCIEmulator) -> dict[str, Run]:
    connection = ["--config-file", emu.config_file, "--base-url", emu.base_url]
    return run_all({
        # A stranger's environment must not steer the demo.
        "demo": (command("demo", script=True), clean_env(OCI_CLI_AUTH="instance_principal",
                                                         OCI_REGION="eu-frankfurt-1")),
        "demo_responses": (command("demo", "--responses"), None),
        "chat": (command("chat", MODEL, "hello there", *connection), None),
        # Responses, like OCI's agent platform, needs a project: the emulator's own.
        "chat_responses": (command("chat", "openai.gpt-5.5", "Say hi", "--responses",
                                   "--no-stream", *connection, "--project-id", emu.project_id,
                                   script=True), None),
        "chat_404": (command("chat", "meta.llama-0-nonexistent", "hi", *connection), None),
    })


@pytest.mark.parametrize("job", ["demo", "demo_responses"])
def test_demo_shows_handoff_tool_result_and_verified_signatures(runs: dict[str, Run], job: str) -> None:
    result = runs[job]
    assert result.returncode == 0, result.output
    out = result.stdout
    assert re.search(r"handoff\s+Triage agent -> Weather agent", out)
    assert re.search(r"tool call\s+get_weather\(\{\"city\": \"Paris\"\}\)", out)
    assert re.search(r"tool result\s+Sunny, 21 degrees in Paris", out)
    assert "Weather agent: Tool get_weather returned: Sunny, 21 degrees in Paris" in out
    summary = re.search(r"(\d+) requests sent, (\d+) of (\d+) signatures verified, (\d+) tokens used", out)
    assert summary, out
    sent, verified, total, tokens = map(int, summary.groups())
    assert sent == verified == total == 3  # triage, weather (tool call), weather (answer)
    assert tokens > 0
    # The handoff is printed before the tool call, which is printed before the answer.
    assert out.index("handoff") < out.index("tool call") < out.index("tool result") < out.index("Summary")
    assert "\x1b[" not in result.output  # not a terminal: plain text, no spinner


def test_chat_streams_the_answer(runs: dict[str, Run]) -> None:
    result = runs["chat"]
    assert result.returncode == 0, result.output
    assert result.stdout == "You said: hello there\n"


def test_chat_on_the_responses_api_without_streaming(runs: dict[str, Run]) -> None:
    result = runs["chat_responses"]
    assert result.returncode == 0, result.output
    assert result.stdout == "You said: Say hi\n"


def test_chat_explains_a_service_error(runs: dict[str, Run]) -> None:
    result = runs["chat_404"]
    assert result.returncode == 1
    assert result.stdout == ""
    assert "HTTP 404" in result.stderr and "NotAuthorizedOrNotFound" in result.stderr
    assert "fix: " in result.stderr and "Traceback" not in result.stderr
