"""The install commands of the README work from a fresh clone, without the network.

A fresh clone holds the tracked files only: everything ``pyproject.toml``
needs to build (readme, license, package) must be among them, and the URLs
and extras the README tells a newcomer to type must be the project's own.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _tracked(*paths: str) -> list[str]:
    """Which of ``paths`` are tracked at HEAD: what `git clone` gives a newcomer."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", "HEAD", "--",
                           *paths], check=True, capture_output=True, text=True, timeout=60)
    return done.stdout.splitlines()


def test_a_fresh_clone_has_everything_the_build_reads() -> None:
    meta = PROJECT["project"]
    needed = ["pyproject.toml", meta["readme"], *meta["license-files"]]
    for package in PROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]:
        needed += [f"{package}/__init__.py", f"{package}/py.typed", f"{package}/cli/__init__.py"]
    assert sorted(_tracked(*needed)) == sorted(needed)
    assert meta["scripts"]["agents-oci"] == "agents_oci.cli:main"


def test_readme_install_commands_name_this_project() -> None:
    project = PROJECT
    source = project["project"]["urls"]["Source"]
    name = project["project"]["name"]
    assert f"git clone {source} " in README
    assert f'pip install "{name} @ git+{source}"' in README
    for extra in re.findall(r'pip install -e "\.\[(\w+)\]"', README):
        assert extra in project["project"]["optional-dependencies"], extra


@pytest.mark.skipif(importlib.util.find_spec("hatchling") is None,
                    reason="hatchling is not installed (building offline needs it)")
def test_a_fresh_clone_builds_a_wheel_offline(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)],
                   check=True, timeout=300)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet",
                    _head()], check=True, timeout=300)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(tmp_path / "wheels"), str(clone)], capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "wheels").glob("openai_agents_oci-*.whl"))


def _head() -> str:
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True, timeout=60).stdout.strip()
