"""The folder tree draws the flow: these tests keep the drawing true.

ARCHITECTURE.md says data flows config -> auth -> http -> connection ->
models/native -> provider and nothing calls back up. Read from the source
with ``ast`` (module-level and function-level imports alike), so a lazy import
that crosses a layer upwards fails here too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "agents_oci"

# Lower number = lower layer. A module may import its own layer or lower ones.
LAYERS = {
    "errors": 0,
    "late_bases": -1,
    "forks": -1,  # what a forked child resets: auth and http both register  # errors get their agents/openai bases late (issue 15, item 13)
    "config": 1,
    "auth": 2,
    "http": 3,
    "service_errors": 4,
    "connection": 4,
    "hosted_tools": 4,
    "routing": 4,  # which API serves a name: the CLI asks before building a provider  # the models refuse hosted tools OCI lacks before any request
    "models": 5,
    "native": 6,
    "platform": 6,
    "provider": 7,
    "testing": 8,
    "cli": 9,  # the demo and `agents-oci emulator` serve the emulator
    "__init__": 10,
    "__main__": 10,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:`` (no import at run time)."""
    nodes: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return nodes


def _imports(path: Path) -> set[str]:
    """Every agents_oci module ``path`` imports, as absolute dotted names."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("agents_oci"):
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("agents_oci"))
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    # A module importing its own package (``from . import sibling``) is Python's
    # package machinery, not a dependency.
    return {t for t in found if t in modules and not (name + ".").startswith(t + ".")}


def _layer(module: str) -> tuple[str, int]:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    return top, LAYERS[top]


GRAPH = {
    _module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))
}


def test_every_top_level_room_has_a_layer() -> None:
    tops = {_module_name(p).split(".")[1] for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE
            or p.stem != "__init__"}
    assert tops <= set(LAYERS), f"place {sorted(tops - set(LAYERS))} in LAYERS and ARCHITECTURE.md"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_flow_one_way(module: str) -> None:
    top, layer = _layer(module)
    upward = sorted(
        target for target in GRAPH[module]
        if _layer(target)[0] != top and _layer(target)[1] >= layer
    )
    assert not upward, f"{module} imports up or sideways into {upward}"


def test_runtime_never_imports_the_emulator() -> None:
    runtime = [m for m in GRAPH if _layer(m)[0] not in {"testing", "cli"}]
    offenders = {m: sorted(t for t in GRAPH[m] if t.startswith("agents_oci.testing"))
                 for m in runtime}
    assert not any(offenders.values()), offenders


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in GRAPH.get(node, ()):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for module in GRAPH:
        if module not in state:
            visit(module)
