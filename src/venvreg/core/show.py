"""`venvreg show`: everything the registry and the folder know about one environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..envdir.venv import Health, VenvInfo, check_health, inspect_venv
from ..registry import envs
from ..registry.envs import EnvRecord
from .context import Context
from .lookup import get_env
from .reconcile import reconcile
from .sizes import refresh_sizes


@dataclass(frozen=True)
class EnvDetails:
    """A registry row, the folder's own account of itself, its health, and its snapshots."""

    record: EnvRecord
    info: VenvInfo | None
    health: Health
    snapshots: int
    last_snapshot_at: float | None


def health_of(record: EnvRecord) -> tuple[VenvInfo | None, Health]:
    """A fresh verdict for one row (listings use the cached one): a missing folder is a
    problem of its own."""
    if record.status == "missing":
        return None, Health(False, (f"the folder {record.path} is gone",))
    info = inspect_venv(Path(record.path))
    return info, check_health(info, record.project_path)


def show_env(context: Context, name: str) -> EnvDetails:
    reconcile(context)
    record = get_env(context, name)
    refresh_sizes(context, [record])
    info, health = health_of(record)
    count, last = envs.snapshot_summary(context.conn, record.path)
    return EnvDetails(record, info, health, count, last)
