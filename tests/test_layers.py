"""The import direction of the house: scrapers → warehouse → models → pipelines → flows → cli.

A module may import its own layer and the layers below it, never one above; and no set of modules may import
each other in a circle (function-level imports count: they are imports all the same)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("scrapers", "warehouse", "models", "pipelines", "flows", "cli")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    files = [ROOT / "flows.py", ROOT / "cli.py"]
    for package in LAYERS[:4]:
        files += sorted((ROOT / package).rglob("*.py"))
    return {_module_name(path): path for path in files}


def _imports(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """The project modules ``path`` imports (``from a import b`` counts as a.b when that is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {module for module in found if module in known}


GRAPH = {name: _imports(path, name, _modules()) for name, path in _modules().items()}


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def test_the_graph_reads_the_project():
    assert {"scrapers.registry", "warehouse.db", "models.fit", "pipelines.scan", "flows", "cli"} <= set(GRAPH)
    assert any(target.startswith("warehouse.") for target in GRAPH["pipelines.scan"])


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_imports_a_higher_layer(module):
    above = sorted(target for target in GRAPH[module] if _layer(target) > _layer(module))
    assert not above, f"{module} ({LAYERS[_layer(module)]}) imports a higher layer: {above}"


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_no_modules_import_each_other_in_a_circle():
    assert _circles(GRAPH) == []


def test_the_checks_catch_what_they_look_for():
    graph = {"scrapers.a": {"pipelines.b"}, "pipelines.b": {"pipelines.c"}, "pipelines.c": {"pipelines.b"}}
    assert _circles(graph) == [["pipelines.b", "pipelines.c"]]
    assert _layer("scrapers.a") < _layer("pipelines.b")
