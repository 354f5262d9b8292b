"""Every third-party module that src/ imports is provided by a distribution pyproject.toml
declares, so no install that the declared ranges allow dies with ModuleNotFoundError (as
`venvreg create -p 3.11` once did with virtualenv 20.26, which does not bring python_discovery).

An import inside `try: ... except ImportError:` is optional (the code has a fallback) and is
not required to be declared."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "venvreg"


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    """The distribution names in [project.dependencies], normalized."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        normalized(re.split(r"[\s;<>=!~\[(]", spec, maxsplit=1)[0])
        for spec in project["dependencies"]
    }


def _catches_import_error(node: ast.Try) -> bool:
    for handler in node.handlers:
        names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for name in names:
            if isinstance(name, ast.Name) and name.id in {"ImportError", "ModuleNotFoundError"}:
                return True
    return False


def imports(tree: ast.AST) -> list[tuple[str, int, bool]]:
    """(top-level module, line, optional) for each absolute import in the tree."""
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, optional: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend((alias.name.split(".")[0], node.lineno, optional) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], node.lineno, optional))
        guarded = optional or (isinstance(node, ast.Try) and _catches_import_error(node))
        for child in ast.iter_child_nodes(node):
            inside_body = isinstance(node, ast.Try) and child in node.body
            visit(child, guarded if inside_body else optional)

    visit(tree, False)
    return found


def third_party_imports() -> dict[str, list[str]]:
    """Module -> the places (file:line) that import it without a fallback."""
    places: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for module, line, optional in imports(tree):
            if optional or module in sys.stdlib_module_names or module == "venvreg":
                continue
            places.setdefault(module, []).append(f"{path.relative_to(ROOT)}:{line}")
    return places


def test_every_imported_module_comes_from_a_declared_distribution() -> None:
    providers = packages_distributions()
    wanted = declared()
    missing = []
    for module, where in sorted(third_party_imports().items()):
        # A module not installed here (tomli on Python 3.11+) is judged by its own name.
        names = {normalized(dist) for dist in providers.get(module, [])} or {normalized(module)}
        if not wanted & names:
            missing.append(f"{module} (imported at {', '.join(where)})")
    assert not missing, "declare in pyproject.toml the distributions of: " + "; ".join(missing)


def test_the_scan_sees_the_imports_it_must_judge() -> None:
    places = third_party_imports()
    for module in ("typer", "rich", "tomlkit", "virtualenv", "python_discovery"):
        assert module in places, f"the scan no longer finds `import {module}` in src/"
    assert "uv" not in places  # backends/base.py falls back to uv on PATH


def test_an_optional_import_is_told_apart_from_a_plain_one() -> None:
    tree = ast.parse(
        "import a\ntry:\n    import b\nexcept ImportError:\n    b = None\n"
        "try:\n    import c\nexcept OSError:\n    pass\n"
        "try:\n    pass\nexcept ImportError:\n    import d\n"
    )
    assert imports(tree) == [("a", 1, False), ("b", 3, True), ("c", 7, False), ("d", 13, False)]
