"""The manifest: every environment as TOML (name, Python, backend, project, packages), written by
`venvreg export` and read by `venvreg import` to recreate the whole set on another machine.

Reading checks every field before anything is created, and names the file, the line and the
env for each bad one (`manifest.toml:12: env "api": python must be a version string`). Lines
come from tomlkit itself: the bad value is swapped for a marker in a fresh parse and the marker
found in the rendering, which tomlkit keeps byte for byte; nothing is re-parsed by hand.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.items
from tomlkit.exceptions import ParseError

from ..backends.base import BACKEND_NAMES
from ..errors import UsageError
from ..names import name_key, name_problem
from ..registry import envs
from .context import Context
from .freeze import freeze

FORMAT_VERSION = 1
ENV_FIELDS = ("name", "python", "backend", "project", "packages")
TOP_FIELDS = ("version", "exported_at", "env")
_PYTHON = re.compile(r"^\d+(?:\.\d+){0,2}$")


@dataclass(frozen=True)
class ManifestEnv:
    """One environment to recreate; `line` is where its table starts in the file."""

    name: str
    python: str
    backend: str | None = None
    project: str | None = None
    packages: list[str] = field(default_factory=list)
    line: int | None = None


class ManifestError(UsageError):
    """Bad fields: every problem, each as `FILE:LINE: env "NAME": what is wrong`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Exported:
    """The manifest text, the same envs as plain data (for --json), and those left out with why."""

    text: str
    count: int
    left_out: list[tuple[str, str]]
    entries: list[dict[str, Any]] = field(default_factory=list)


def export_manifest(context: Context) -> Exported:
    """Every ready env as a manifest; packages read from metadata (nothing is run). The registry
    is reconciled with the disk first, as `ls` does, so a folder made by hand is exported too."""
    from .reconcile import reconcile

    reconcile(context)
    document = tomlkit.document()
    document.add(tomlkit.comment("venvreg manifest: `venvreg import FILE` recreates these envs."))
    document.add(tomlkit.comment("Format: `venvreg import --help`; one [[env]] table per env."))
    document["version"] = FORMAT_VERSION
    document["exported_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    tables = tomlkit.aot()
    left_out: list[tuple[str, str]] = []
    entries: list[dict[str, Any]] = []
    for record in envs.all_records(context.conn):
        if record.status != "ready":
            if record.status == "missing":
                left_out.append((record.name, "its folder is gone"))
            continue
        if not record.python_version:
            left_out.append((record.name, "its Python version is unknown"))
            continue
        table = tomlkit.table()
        table["name"] = record.name
        table["python"] = record.python_version
        backend = record.backend or (record.tool if record.tool in BACKEND_NAMES else None)
        if backend:
            table["backend"] = backend
        if record.project_path:
            table["project"] = record.project_path
        lines = freeze(Path(record.site_packages)) if record.site_packages else []
        packages = tomlkit.array()
        packages.extend(lines)
        packages.multiline(True)
        table["packages"] = packages
        tables.append(table)
        entries.append(
            {
                "name": record.name,
                "python": record.python_version,
                "backend": backend,
                "project": record.project_path,
                "packages": lines,
            }
        )
    document["env"] = tables
    return Exported(tomlkit.dumps(document), len(tables), left_out, entries)


def _locate(text: str, path: tuple[str | int, ...]) -> int | None:
    """The line of the value at `path` (keys and indexes from the top), or None."""
    marker = "venvreg-locate-" + secrets.token_hex(8)
    try:
        document: Any = tomlkit.parse(text)
        container = document
        for step in path[:-1]:
            container = container[step]
        container[path[-1]] = marker
        rendered = tomlkit.dumps(document)
    except Exception:  # any shape tomlkit refuses to edit: no line, the message still stands
        return None
    at = rendered.find(marker)
    return rendered.count("\n", 0, at) + 1 if at >= 0 else None


def _table_lines(text: str) -> list[int]:
    """Lines of the `[[env]]` headers, in order (for problems of a whole table)."""
    header = re.compile(r"^\s*\[\[\s*(?:env|\"env\"|'env')\s*\]\]")
    return [number for number, line in enumerate(text.splitlines(), 1) if header.match(line)]


@dataclass
class _Checker:
    text: str
    source: str
    problems: list[str] = field(default_factory=list)

    def fail(self, line: int | None, where: str, what: str) -> None:
        self.problems.append(f"{self.source}:{line if line else '?'}: {where}{what}")


def parse_manifest(text: str, source: str) -> list[ManifestEnv]:
    """Check a manifest completely; ManifestError lists every bad field."""
    try:
        document = tomlkit.parse(text).unwrap()
    except ParseError as error:
        detail = re.sub(r" at line \d+ col \d+$", "", str(error))
        if "\\x00" in detail:  # tomlkit's way of saying the text ended
            detail = "the file ends in the middle of a value"
        raise ManifestError([f"{source}:{error.line}: not valid TOML: {detail}"]) from None
    check = _Checker(text, source)
    for key in document:
        if key not in TOP_FIELDS:
            check.fail(_locate(text, (key,)), "", f"unknown field {key!r}")
    version = document.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        check.fail(
            _locate(text, ("version",)), "", f"version must be {FORMAT_VERSION} (this venvreg)"
        )
    tables = document.get("env", [])
    if not isinstance(tables, list):
        check.fail(_locate(text, ("env",)), "", "env must be an array of tables ([[env]])")
        tables = []
    headers = _table_lines(text)
    found: list[ManifestEnv] = []
    seen: dict[str, int | None] = {}
    for index, table in enumerate(tables):
        line = headers[index] if index < len(headers) else None
        env = _check_env(check, table, index, line)
        if env is None:
            continue
        key = name_key(env.name)
        if key in seen:
            where = f'env "{env.name}": '
            check.fail(line, where, f"the name is given twice (first at line {seen[key]})")
            continue
        seen[key] = line
        found.append(env)
    if check.problems:
        raise ManifestError(check.problems)
    return found


def _check_env(check: _Checker, table: object, index: int, line: int | None) -> ManifestEnv | None:
    """One `[[env]]` table, or None after recording what is wrong with it."""
    if not isinstance(table, dict):
        line = _locate(check.text, ("env", index)) or line
        check.fail(line, f"env #{index + 1}: ", "must be a table")
        return None
    name = table.get("name")
    label = f'env "{name}": ' if isinstance(name, str) and name else f"env #{index + 1}: "
    before = len(check.problems)

    def at(key: str, *more: int) -> int | None:
        return _locate(check.text, ("env", index, key, *more)) or line

    for key in table:
        if key not in ENV_FIELDS:
            check.fail(at(key), label, f"unknown field {key!r} (known: {', '.join(ENV_FIELDS)})")
    if not isinstance(name, str):
        what = "name is missing" if name is None else "name must be a string"
        check.fail(at("name") if name is not None else line, label, what)
    elif name_problem(name) is not None:
        check.fail(at("name"), label, f"name is not valid: {name_problem(name)}")
    python = table.get("python")
    if python is None:
        check.fail(line, label, 'python is missing (a version string such as "3.12")')
    elif not isinstance(python, str) or not _PYTHON.match(python):
        check.fail(at("python"), label, 'python must be a version string such as "3.12"')
    backend = table.get("backend")
    if backend is not None and backend not in BACKEND_NAMES:
        check.fail(at("backend"), label, f"backend must be one of {', '.join(BACKEND_NAMES)}")
    project = table.get("project")
    if project is not None and (not isinstance(project, str) or not project):
        check.fail(at("project"), label, "project must be a string (a folder path)")
    packages = table.get("packages", [])
    if not isinstance(packages, list):
        check.fail(at("packages"), label, "packages must be an array of strings")
        packages = []
    for number, package in enumerate(packages):
        if not isinstance(package, str) or not package.strip() or "\n" in package:
            what = f'packages[{number}] must be a requirement string such as "six==1.17.0"'
            check.fail(at("packages", number), label, what)
        elif len(package.splitlines()) > 1 or package.rstrip().endswith("\\"):
            # pip splits at \r, \f, \x85, U+2028... and joins a line ending in a backslash
            # with the next: what it reads would not be the line shown.
            what = f"packages[{number}] must be one line (pip would split or join it)"
            check.fail(at("packages", number), label, what)
    if len(check.problems) > before:
        return None
    assert isinstance(name, str) and isinstance(python, str)
    return ManifestEnv(
        name=name,
        python=python,
        backend=backend if isinstance(backend, str) else None,
        project=os.path.expanduser(project) if isinstance(project, str) else None,
        packages=[str(package).strip() for package in packages],
        line=line,
    )


def read_manifest(path: str) -> list[ManifestEnv]:
    """Read and check the manifest file at `path`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ManifestError([f"{path}:?: not valid UTF-8"]) from None
    return parse_manifest(text, path)
