"""Issue 15, second pass: the command paths a review of the first fixes still found broken.

Every test drives ``agents-oci`` in a subprocess, as a user would.
"""

from __future__ import annotations

import pytest

from agents_oci.testing import OCIEmulator

from .conftest import Run, command, run_all

LLAMA = "meta.llama-3.3-70b-instruct"
COHERE = "cohere.command-r-plus-08-2024"


@pytest.fixture(scope="module")
def runs(emu: OCIEmulator) -> dict[str, Run]:
    endpoint = emu.add_dedicated_endpoint(LLAMA)  # a Llama on a dedicated cluster: GENERIC
    connection = ["--config-file", emu.config_file, "--base-url", emu.base_url]
    return run_all({
        # Defect 2: a dedicated endpoint hosting a non-Cohere model was unreachable.
        "chat_endpoint": (command("chat", endpoint, "hello endpoint", "--native-api-format",
                                  "generic", "--no-stream", *connection), None),
        "live_endpoint": (command("doctor", *connection, "--live", endpoint,
                                  "--native-api-format", "GENERIC"), None),
        "live_endpoint_default": (command("doctor", *connection, "--live", endpoint), None),
        "bad_format": (command("chat", endpoint, "hi", "--native-api-format", "LLAMA",
                               *connection), None),
        # --responses with a name only the native API serves: refused, nothing sent.
        "responses_native": (command("chat", f"native:{LLAMA}", "hi", "--responses",
                                     *connection), None),
        "responses_cohere": (command("chat", COHERE, "hi", "--responses", *connection), None),
        "live_two_apis": (command("doctor", *connection, "--live", f"responses:native:{LLAMA}"),
                          None),
        # Defect 9: the command line names flags, not Python.
        "auth_bogus": (command("doctor", *connection, "--auth-type", "bogus"), None),
        "empty_profile": (command("doctor", *connection, "--profile", ""), None),
        "responses_only": (command("chat", "openai.gpt-5.5-pro", "hi", *connection), None),
        "format_on_chat": (command("chat", LLAMA, "hi", "--native-api-format", "cohere",
                                   *connection), None),
        "format_without_live": (command("doctor", *connection, "--native-api-format", "generic"),
                                None),
        "repeated_prefix": (command("chat", "responses:responses:openai.gpt-5.5", "hi",
                                    *connection), None),
        # A failed run: our error: and fix: lines, without the SDK's own log line first.
        "failed_stream": (command("chat", "responses:openai.gpt-5.5", "hi", *connection), None),
        "failed_whole": (command("chat", "responses:openai.gpt-5.5", "hi", "--no-stream",
                                 *connection), None),
    })


def test_native_api_format_flag_reaches_a_dedicated_generic_endpoint(
    runs: dict[str, Run],
) -> None:
    chat = runs["chat_endpoint"]
    assert chat.returncode == 0, chat.output
    assert "hello endpoint" in chat.stdout
    live = runs["live_endpoint"]
    assert live.returncode == 0, live.output
    assert "answered over OCI's native chat API" in live.stdout
    assert "opc-request-id" not in live.stdout  # the native model surfaces none: no "(no ...)"
    default = runs["live_endpoint_default"]  # COHERE by default for endpoint OCIDs
    assert default.returncode == 1 and "GENERIC" in default.stdout, default.output
    bad = runs["bad_format"]
    assert bad.returncode == 2 and "--native-api-format" in bad.stderr, bad.output


def test_responses_with_a_native_only_name_is_refused_before_any_request(
    runs: dict[str, Run], emu: OCIEmulator,
) -> None:
    for job in ("responses_native", "responses_cohere"):
        done = runs[job]
        assert done.returncode == 2, (job, done.output)
        assert "drop --responses" in done.stderr, (job, done.stderr)
    live = runs["live_two_apis"]
    assert live.returncode == 1, live.output
    assert "asks for two APIs" in live.stdout
    sent = [(e.path, e.body.get("model") if isinstance(e.body, dict) else None)
            for e in emu.journal.entries]
    assert not [m for _, m in sent if m and m.startswith(("native:", "responses:"))], sent
    assert not [m for p, m in sent if p.endswith("/responses") and m and "cohere" in m], sent


def test_messages_name_flags_and_leave_out_python_only_sources(runs: dict[str, Run]) -> None:
    bogus = runs["auth_bogus"].stdout
    assert "flag --auth-type" in bogus
    assert "argument" not in bogus and bogus.count("OCI_GENAI_API_KEY") <= 1, bogus
    empty = runs["empty_profile"].stdout
    assert "--profile" in empty and "(None)" not in empty and "profile=" not in empty, empty
    only = runs["responses_only"]
    assert only.returncode == 1, only.output
    assert "responses:openai.gpt-5.5-pro" in only.stderr, only.stderr
    assert "OCIResponsesModel" not in only.stderr and "OCIProvider" not in only.stderr


def test_a_failed_chat_says_it_once(runs: dict[str, Run]) -> None:
    for job in ("failed_stream", "failed_whole"):
        done = runs[job]
        assert done.returncode == 1, (job, done.output)
        assert done.stderr.startswith("error: "), (job, done.stderr)
        assert "Error getting response" not in done.stderr
        assert "Error streaming response" not in done.stderr


def test_flags_and_names_that_cannot_apply_are_refused_before_any_request(
    runs: dict[str, Run],
) -> None:
    # The review of the first pass: --native-api-format on a chat-completions
    # model was silently ignored; a repeated prefix was called "two APIs".
    on_chat = runs["format_on_chat"]
    assert on_chat.returncode == 2 and "applies to OCI's native chat API only" in on_chat.stderr
    assert "native:meta.llama-3.3-70b-instruct" in on_chat.stderr
    alone = runs["format_without_live"]
    assert alone.returncode == 2 and "--live" in alone.stderr, alone.output
    repeated = runs["repeated_prefix"]
    assert repeated.returncode == 2, repeated.output
    assert "repeats 'responses:'" in repeated.stderr and "'responses:openai.gpt-5.5'" in repeated.stderr
