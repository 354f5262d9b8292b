"""Every SQL statement lives in registry/: a scan of the source for SQL text and for
`.execute(` calls anywhere else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "venvreg"
REGISTRY = SRC / "registry"
# Uppercase keywords, as the registry writes them ("Create an environment" is help text).
SQL_START = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|REPLACE|BEGIN)\b")
EXECUTE = {"execute", "executemany", "executescript"}


def sql_in(folder: Path, skip: Path | None = None) -> list[str]:
    """file:line of each SQL string constant or execute call under `folder`, outside `skip`."""
    found: list[str] = []
    for path in sorted(folder.rglob("*.py")):
        if skip is not None and skip in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(SRC)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if SQL_START.match(node.value):
                    found.append(f"{where} SQL text {node.value[:40]!r}")
            elif isinstance(node, ast.JoinedStr):
                head = node.values[0] if node.values else None
                if isinstance(head, ast.Constant) and SQL_START.match(str(head.value)):
                    found.append(f"{where} SQL f-string")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in EXECUTE
            ):
                found.append(f"{where} .{node.func.attr}(")
    return found


def test_no_sql_outside_registry() -> None:
    assert sql_in(SRC, skip=REGISTRY) == []


def test_the_scan_sees_sql() -> None:
    """The scan is not blind: run over registry/ it finds queries, f-strings and executes."""
    found = sql_in(REGISTRY)
    assert any(".execute(" in hit for hit in found)
    assert any("SQL text 'SELECT" in hit for hit in found)
    assert any("SQL f-string" in hit for hit in found)
