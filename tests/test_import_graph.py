"""No module of dlquiz/ imports, directly or through others, a module that imports it back.

The graph is read from the source with ``ast``: every ``import`` anywhere in a
module counts, including imports inside functions and under ``TYPE_CHECKING``,
because a cycle hidden in a function is still a cycle in the design.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dlquiz"


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module name → the dlquiz modules it imports.

    ``from dlquiz.x import y`` points at ``dlquiz.x.y`` when that is a module
    (a submodule import) and at ``dlquiz.x`` otherwise.
    """
    files = {module_name(p, package): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    targets.add(sub if sub in files else node.module)
        graph[name] = {t for t in targets if t in files and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path ``[a, b, ..., a]``, or None (depth-first search, three colours)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_dlquiz_package_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path):
    pkg = tmp_path / "dlquiz"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from dlquiz.b import thing\n")
    (pkg / "b.py").write_text("def thing():\n    from dlquiz import c\n")
    (pkg / "c.py").write_text("import dlquiz.a\n")
    graph = import_graph(pkg)
    assert graph["dlquiz.a"] == {"dlquiz.b"} and graph["dlquiz.b"] == {"dlquiz.c"}
    assert find_cycle(graph) == ["dlquiz.a", "dlquiz.b", "dlquiz.c", "dlquiz.a"]
    (pkg / "c.py").write_text("import dlquiz\n")
    assert find_cycle(import_graph(pkg)) is None


@pytest.mark.parametrize("core", ["dlquiz.grading", "dlquiz.variants", "dlquiz.schedule", "dlquiz.store"])
def test_core_modules_never_import_the_terminal_or_the_command_line(core):
    graph = import_graph()
    seen, todo = set(), [core]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    assert not {m for m in seen if m.startswith(("dlquiz.ui", "dlquiz.cli"))}
