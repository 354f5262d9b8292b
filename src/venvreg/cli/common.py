"""What every command shares: opening the registry and the env views JSON and tables use."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..envdir.venv import BROKEN, env_state
from ..names import require_utf8
from ..registry.envs import EnvRecord
from .fit import FIXED, KEY, PATH, TEXT, Column, set_wide
from .output import ago, human_size, iso_time

TYPE_CHECKING = False  # typing itself costs start-up; the names below are for mypy only
if TYPE_CHECKING:
    from typing import Any

    import typer

    from ..core.case_twins import CaseTwin
    from ..core.context import Context

# The parameters that carry environment names, in every command that has them (`run` takes its
# NAME among free words: its lookup refuses a bad one).
NAME_ARGUMENTS = frozenset({"name", "names", "old", "new", "source", "target"})
NAME_OPTIONS = frozenset({"--name"})


@contextlib.contextmanager
def opened() -> Iterator[Context]:
    from ..core.session import open_context

    context = open_context()
    try:
        yield context
    finally:
        context.close()


def env_json(record: EnvRecord, problems: tuple[str, ...] | None = None) -> dict[str, Any]:
    """One environment as the documented JSON object (docs/json.md); the health verdict is the
    one cached at the last listing unless `problems` gives a fresh one."""
    data: dict[str, Any] = {
        "name": record.name,
        "path": record.path,
        "status": record.status,
        "python_version": record.python_version,
        "interpreter": record.interpreter,
        "project_path": record.project_path,
        "origin": record.origin,
        "tool": record.tool,
        "backend": record.backend,
        "created_at": iso_time(record.created_at),
        "last_used_at": iso_time(record.last_used_at),
        "use_count": record.use_count,
        "size_bytes": record.size_bytes,
        "size_measured_at": iso_time(record.size_measured_at),
    }
    problems = record.problems if problems is None else problems
    data["healthy"] = not problems
    data["problems"] = list(problems)
    data["state"] = env_state(problems, record.status)
    return data


def state_label(problems: tuple[str, ...], status: str = "ready") -> str:
    """`ok`, `missing`, `project gone` or `broken: FIRST CAUSE`, as tables show a state."""
    state = env_state(problems, status)
    return f"{state}: {problems[0]}" if state == BROKEN else state


def env_row(record: EnvRecord) -> list[str]:
    """One environment as a table row: name, Python, project, last used, size, status."""
    return [
        record.name,
        record.python_version or "?",
        record.project_path or "",
        ago(record.last_used_at),
        human_size(record.size_bytes),
        state_label(record.problems, record.status),
    ]


def twin_row(twin: CaseTwin) -> list[str]:
    """A case twin as a table row: what its folder says, and why it has no registry row."""
    from ..envdir.project_file import read_project_file

    return [twin.name, "?", read_project_file(twin.path) or "", "", "", twin.note]


ENV_COLUMNS = [
    Column("NAME", KEY, 100),
    Column("PYTHON", FIXED, 40),
    Column("PROJECT", PATH, 20),
    Column("LAST USED", FIXED, 30),
    Column("SIZE", FIXED, 60),
    Column("STATUS", TEXT, 80),
]


def _set_wide(value: bool) -> bool:
    set_wide(value)
    return value


def json_option(shape: str = "object") -> Any:
    """`--json`, said the same way on every command whose JSON replaces a table."""
    import typer

    return typer.Option(
        False,
        "--json",
        help=f"A JSON {shape} instead of the table (times in UTC ISO 8601, sizes in bytes).",
    )


def wide_option() -> Any:
    """`-l`/`--wide`, the same on every command that prints a table."""
    import typer

    return typer.Option(
        False,
        "-l",
        "--wide",
        help="On a terminal, show every column and value in full (no fitting to its width).",
        callback=_set_wide,
    )


def _refuse_non_utf8(value: str | list[str] | None) -> str | list[str] | None:
    """A click callback: names are checked before the command prints or touches anything.
    typer evaluates its annotations, so they name only what exists at run time."""
    for name in [value] if isinstance(value, str) else value or ():
        require_utf8(name)
    return value


def guard_name_parameters(app: typer.Typer) -> None:
    """Give every name parameter of every registered command the UTF-8 check, so a command
    added later cannot forget it (exit 2, one line, before any work)."""
    import inspect  # with typer only: the commands run without it (cli/direct.py) skip it

    from typer.models import ArgumentInfo, OptionInfo

    groups = [app] + [group.typer_instance for group in app.registered_groups]
    for group in groups:
        if group is None:
            continue
        for command in group.registered_commands:
            defaults = inspect.signature(command.callback).parameters if command.callback else {}
            for parameter_name, parameter in defaults.items():
                info = parameter.default
                is_name = isinstance(info, ArgumentInfo) and parameter_name in NAME_ARGUMENTS
                is_name = is_name or (
                    isinstance(info, OptionInfo)
                    and bool(NAME_OPTIONS & set(info.param_decls or ()))
                )
                if is_name and info.callback in (None, _refuse_non_utf8):
                    info.callback = _refuse_non_utf8
