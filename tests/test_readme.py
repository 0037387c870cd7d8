"""The README's offline example runs exactly as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def section_code(heading: str) -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert blocks, f"no python block under {heading!r}"
    return blocks[0]


def test_offline_example_runs(tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(section_code("Testing your agents offline"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "OPENAI_"))}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "Sunny in Paris" in done.stdout


def test_oracle_auth_example_runs(tmp_path: Path) -> None:
    script = tmp_path / "oracle_auth.py"
    script.write_text(section_code("Using Oracle's auth objects"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "OPENAI_"))}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "You said: Hello" in done.stdout


PLATFORM_SECTIONS = {
    "Conversations": ["2", "You said: Hi again"],
    "Compaction": ["compaction"],
    "Hosted tools": ["['code_interpreter_call', 'mcp_list_tools', 'mcp_call']"],
    "Files and vector stores": ["within 30 days of delivery", "policy.txt"],
}


def test_platform_examples_run(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "OPENAI_"))}
    for heading, expected in PLATFORM_SECTIONS.items():
        script = tmp_path / "platform_example.py"  # not platform.py: that shadows the stdlib
        script.write_text(section_code(heading), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env,
            cwd=tmp_path,
        )
        assert done.returncode == 0, f"{heading}: {done.stderr}"
        for text in expected:
            assert text in done.stdout, f"{heading}: {done.stdout}"
