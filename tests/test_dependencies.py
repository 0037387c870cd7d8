"""Every runtime dependency declared in pyproject.toml is imported by agents_oci."""

from __future__ import annotations

import ast
import importlib.metadata
import re
from collections import defaultdict
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "agents_oci"


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [normalized(re.split(r"[ <>=!~;\[]", spec, maxsplit=1)[0]) for spec in project["dependencies"]]


def imported_modules() -> dict[str, set[str]]:
    """Top-level module names imported anywhere in agents_oci, each with the files importing it."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found[name.split(".", 1)[0]].add(str(path.relative_to(ROOT)))
    return found


def imported_distributions() -> dict[str, set[str]]:
    """Distributions (normalized names) whose modules agents_oci imports, with the files."""
    owners = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = defaultdict(set)
    for module, files in imported_modules().items():
        for distribution in owners.get(module, []):
            found[normalized(distribution)] |= files
    return found


def test_every_declared_runtime_dependency_is_imported_by_the_product() -> None:
    used = imported_distributions()
    unused = [name for name in declared() if name not in used]
    assert not unused, (
        f"declared in [project] dependencies but imported nowhere in agents_oci: {unused}. "
        "Move them to an extra (or drop them)."
    )


def test_the_check_sees_what_it_must() -> None:
    # The scan itself: the SDK is imported under another name than its
    # distribution, and Oracle's auth packages are dev-only, never imported.
    used = imported_distributions()
    assert "openai-agents" in used and "agents_oci/models.py" in used["openai-agents"]
    assert "oci-openai" not in used and "oci-genai-auth" not in used
    assert "oci-openai" not in declared()
