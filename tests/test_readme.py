"""Every Python block of the README works as written.

A block is a script unless the line before it marks it otherwise. Each script
runs in its own interpreter (``python -X dev``, so a missing
``if __name__ == "__main__":`` guard under ``spawn`` fails and unclosed
resources show as ``ResourceWarning``), with a timeout, against an emulator
announced through the environment exactly as ``agents-oci emulator`` prints
it. Blocks written against real OCI therefore run verbatim.

Marks, an HTML comment on the line before the opening fence:

- ``<!-- readme: fragment -->``: a piece of a larger program by design (it
  uses names it does not define, or top-level ``await``): compiled, not run.
- ``<!-- readme: prints TEXT -->``: a script whose stdout must contain TEXT.

Marks may be combined with ``;``. New sections need no change here.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agents_oci.testing import OCIEmulator

README = Path(__file__).resolve().parents[1] / "README.md"
TIMEOUT = 180  # seconds; the spawn-pool block starts several interpreters on a loaded 2-core machine

_FENCE = re.compile(
    r"^(?:<!--\s*readme:\s*(?P<marks>.*?)\s*-->\n)?```python\n(?P<code>.*?)^```", re.S | re.M
)
_HEADING = re.compile(r"^#{1,6} (.+)$", re.M)


@dataclass(frozen=True)
class Block:
    """One ``python`` block of the README: where it is, its marks and its code."""

    heading: str
    line: int
    code: str
    fragment: bool
    prints: tuple[str, ...]

    @property
    def id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.heading.lower()).strip("-")
        return f"L{self.line}-{slug}"


def readme_blocks(text: str) -> Iterator[Block]:
    """Every ``python`` block of ``text``, in order."""
    for found in _FENCE.finditer(text):
        headings = _HEADING.findall(text, 0, found.start())
        marks = [m.strip() for m in (found["marks"] or "").split(";") if m.strip()]
        unknown = [m for m in marks if m != "fragment" and not m.startswith("prints ")]
        assert not unknown, f"unknown README mark(s) {unknown}"
        yield Block(
            heading=headings[-1] if headings else "top",
            line=text.count("\n", 0, found.start("code")) + 1,
            code=found["code"],
            fragment="fragment" in marks,
            prints=tuple(m.removeprefix("prints ").strip() for m in marks if m.startswith("prints ")),
        )


BLOCKS = list(readme_blocks(README.read_text(encoding="utf-8")))


def test_every_python_block_is_found() -> None:
    fences = README.read_text(encoding="utf-8").count("```python\n")
    assert fences == len(BLOCKS) > 0


def test_marks_are_read() -> None:
    text = "# A\n<!-- readme: fragment -->\n```python\nawait x\n```\n## B\n" \
           "<!-- readme: prints hi; prints there -->\n```python\nprint('hi there')\n```\n"
    first, second = readme_blocks(text)
    assert (first.heading, first.fragment, first.line) == ("A", True, 4)
    assert (second.heading, second.fragment, second.prints) == ("B", False, ("hi", "there"))


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.fragment], ids=lambda b: b.id)
def test_fragment_compiles(block: Block) -> None:
    compile(block.code, f"README.md:{block.line}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


@pytest.mark.parametrize("block", [b for b in BLOCKS if not b.fragment], ids=lambda b: b.id)
def test_script_runs(block: Block, tmp_path: Path) -> None:
    script = tmp_path / "readme_block.py"
    script.write_text(block.code, encoding="utf-8")
    with OCIEmulator() as emu:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "OPENAI_"))}
        env.update(  # what `agents-oci emulator` tells a user to export
            HOME=str(tmp_path),
            OCI_CLI_CONFIG_FILE=emu.config_file,
            OCI_CLI_PROFILE="DEFAULT",
            OCI_GENAI_BASE_URL=emu.base_url,
            OCI_PROJECT_ID=emu.project_id,
        )
        done = subprocess.run(
            [sys.executable, "-X", "dev", str(script)], capture_output=True, text=True,
            timeout=TIMEOUT, env=env, cwd=tmp_path,
        )
    where = f"README.md line {block.line} ({block.heading})"
    assert done.returncode == 0, f"{where} failed:\n{done.stderr[-4000:]}"
    assert "ResourceWarning" not in done.stderr, f"{where} leaks:\n{done.stderr[-4000:]}"
    for text in block.prints:
        assert text in done.stdout, f"{where}: {text!r} not in its output:\n{done.stdout}"


def section_code(heading: str) -> str:
    """The first ``python`` block under the ``## heading`` section (for section-specific tests)."""
    for block in BLOCKS:
        if block.heading == heading:
            return block.code
    raise AssertionError(f"no python block under {heading!r}")
