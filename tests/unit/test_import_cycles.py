"""No import cycles in venvreg, not even ones hidden by imports inside functions: each module's
imports, wherever they are written, form a graph without a cycle (a cycle means two modules
that cannot be read, tested or moved apart)."""

from __future__ import annotations

import ast
from pathlib import Path

import venvreg

PACKAGE = Path(venvreg.__file__).parent


def _module_names() -> dict[str, Path]:
    names = {}
    for file in PACKAGE.rglob("*.py"):
        parts = ("venvreg", *file.relative_to(PACKAGE).with_suffix("").parts)
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = file
    return names


def _imports(module: str, file: Path, known: dict[str, Path]) -> set[str]:
    """The venvreg modules `module` imports anywhere in its code."""
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in known else target)
    return {name for name in found if name in known and name != module}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as the modules along it, or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        path.append(module)
        for imported in sorted(graph[module]):
            found = visit(imported)
            if found:
                return found
        path.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        found = visit(module)
        if found:
            return found
    return None


def test_the_package_has_no_import_cycle() -> None:
    known = _module_names()
    graph = {module: _imports(module, file, known) for module, file in known.items()}
    assert len(graph) > 50 and graph["venvreg.core.session"]  # the scan sees the package
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
