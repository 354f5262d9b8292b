"""What every command shares: opening the registry and the env views JSON and tables use."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..registry.envs import EnvRecord
from ..venv import BROKEN, env_state
from .output import ago, human_size, iso_time

if TYPE_CHECKING:
    from ..core.context import Context


@contextlib.contextmanager
def opened() -> Iterator[Context]:
    from ..core.context import open_context

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


ENV_HEADERS = ["NAME", "PYTHON", "PROJECT", "LAST USED", "SIZE", "STATUS"]
