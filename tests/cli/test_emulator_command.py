"""``agents-oci emulator`` serves requests from its own process until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import queue
import re
import shlex
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import openai
import pytest

from agents_oci import OCIProvider
from agents_oci.cli.emulator_cmd import READY

from .conftest import clean_env, command

READY_TIMEOUT = 60.0


@dataclass
class Served:
    """A running ``agents-oci emulator`` and what it printed."""

    process: subprocess.Popen[str]
    env: dict[str, str]
    base_url: str

    def stop(self, signum: int) -> tuple[int, str]:
        """Send ``signum``; the exit status and the request log (stderr)."""
        self.process.send_signal(signum)
        status = self.process.wait(timeout=30)
        # stdout belongs to the reader thread; the log is small enough for the pipe.
        assert self.process.stderr is not None
        return status, self.process.stderr.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def start(*flags: str) -> Served:
    process = subprocess.Popen(
        command("emulator", *flags, script=True), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, text=True, env=clean_env(),
    )
    lines: queue.Queue[str] = queue.Queue()
    # A reader thread, so that waiting for the ready line can time out.
    threading.Thread(target=pump, args=(process.stdout, lines), daemon=True).start()
    block: list[str] = []
    deadline = time.monotonic() + READY_TIMEOUT
    while READY + "\n" not in block:
        try:
            block.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
        except queue.Empty:
            process.kill()
            process.wait()
            pytest.fail(f"the emulator never said it was ready: {block}")
    text = "".join(block)
    for line in block:  # stdout is a shell script: comments and exports only
        assert line.startswith(("# ", "export ")), line
    env = {k: shlex.split(v)[0] for k, v in re.findall(r"^export (\w+)=(.*)$", text, re.M)}
    url = re.search(r"http://127\.0\.0\.1:\d+/openai/v1", text)
    assert url, text
    return Served(process, env, url.group(0))


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Served, Served, int]]:
    port = free_port()
    both = (start("--port", str(port), "--require-project"), start("--zdr"))
    yield (*both, port)
    for one in both:
        if one.process.poll() is None:
            one.process.kill()
            one.process.wait()


async def ask(served: Served, project_id: str | None, *, api: str = "chat") -> str:
    provider = OCIProvider(config_file=served.env["OCI_CLI_CONFIG_FILE"],
                           profile=served.env["OCI_CLI_PROFILE"], base_url=served.base_url,
                           project_id=project_id)
    client = provider.client()
    try:
        if api == "responses":
            response = await client.responses.create(model="openai.gpt-5.5", input="ping", store=True)
            return response.output_text
        completion = await client.chat.completions.create(
            model="meta.llama-3.3-70b-instruct", messages=[{"role": "user", "content": "ping"}])
        return completion.choices[0].message.content or ""
    finally:
        await provider.aclose()


def test_serves_signed_requests_until_ctrl_c(served: tuple[Served, Served, int]) -> None:
    emulator, _, port = served
    assert emulator.base_url == f"http://127.0.0.1:{port}/openai/v1"
    assert emulator.env["OCI_CLI_PROFILE"] == "DEFAULT"
    project = emulator.env["OCI_PROJECT_ID"]
    assert project.startswith("ocid1.generativeaiproject.")
    assert asyncio.run(ask(emulator, project)) == "You said: ping"
    with pytest.raises(openai.NotFoundError):  # --require-project: no project, a 404
        asyncio.run(ask(emulator, None))
    config = Path(emulator.env["OCI_CLI_CONFIG_FILE"])
    assert config.exists()
    status, log = emulator.stop(signal.SIGINT)
    assert status == 0, log
    assert re.search(r"POST /openai/v1/chat/completions -> 200, signed by api_key:ocid1\.user\.", log)
    assert "POST /openai/v1/chat/completions -> 404" in log
    assert "Traceback" not in log
    assert not config.exists()  # the throwaway credentials are gone


def test_zdr_and_a_clean_exit_on_sigterm(served: tuple[Served, Served, int]) -> None:
    _, emulator, _ = served
    project = emulator.env["OCI_PROJECT_ID"]  # always printed: Responses needs a project
    with pytest.raises(openai.NotFoundError, match="project"):
        asyncio.run(ask(emulator, None, api="responses"))
    with pytest.raises(openai.BadRequestError, match="Zero Data Retention"):
        asyncio.run(ask(emulator, project, api="responses"))
    config = Path(emulator.env["OCI_CLI_CONFIG_FILE"])
    status, log = emulator.stop(signal.SIGTERM)
    assert status == 0, log
    assert "POST /openai/v1/responses -> 404, signed by api_key:" in log
    assert "POST /openai/v1/responses -> 400, signed by api_key:" in log
    assert not config.exists()
