"""Running the ``agents-oci`` command as a user does: in a subprocess, with a clean environment.

Starting Python and importing the package costs about two seconds, so tests
that only read a command's output start their subprocesses together
(:func:`run_all`) in a module-scoped fixture and assert on the results one
by one. The emulator they talk to runs in the test process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from agents_oci.testing import OCIEmulator

TIMEOUT = 120
PARALLEL = max(2, min(6, (os.cpu_count() or 2) + 1))


def clean_env(**extra: str) -> dict[str, str]:
    """The host's environment without OCI_* and OPENAI_* variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "OPENAI_"))}
    env.update(extra)
    return env


def console_script() -> str:
    """The installed ``agents-oci`` script next to this interpreter."""
    found = shutil.which("agents-oci", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("the agents-oci console script is not installed: run `pip install -e .`")
    return found


def command(*args: str, script: bool = False) -> list[str]:
    """``agents-oci ARGS`` as the console script or as ``python -m agents_oci``."""
    head = [console_script()] if script else [sys.executable, "-m", "agents_oci"]
    return [*head, *args]


@dataclass(frozen=True)
class Run:
    """A finished command: its exit status and output."""

    args: Sequence[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(args: Sequence[str], env: Mapping[str, str] | None = None) -> Run:
    done = subprocess.run(
        list(args), capture_output=True, text=True, timeout=TIMEOUT,
        env=dict(env) if env is not None else clean_env(), stdin=subprocess.DEVNULL,
    )
    return Run(args, done.returncode, done.stdout, done.stderr)


def run_all(jobs: Mapping[str, tuple[Sequence[str], Mapping[str, str] | None]]) -> dict[str, Run]:
    """Run every job at once (a few at a time); results by name."""
    with ThreadPoolExecutor(PARALLEL) as pool:
        futures = {name: pool.submit(run, args, env) for name, (args, env) in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


@pytest.fixture(scope="module")
def emu() -> Iterator[OCIEmulator]:
    with OCIEmulator() as emulator:
        yield emulator
