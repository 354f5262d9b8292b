"""Keeping the index in step with the disk, which is the truth.

New folders in WORKON_HOME are registered, vanished ones marked missing (and back again when
they return), a folder reused under a registered name is re-registered, and each env's
`.project` file wins over the registry's project path.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..identity import identity_of, looks_like_env
from ..names import name_problem
from ..project_file import read_project_file
from ..registry import envs
from ..registry.db import write_transaction
from ..registry.envs import EnvRecord
from ..venv import inspect_venv
from .context import Context
from .shell_index import publish_index


@dataclass
class ReconcileReport:
    """What changed; `ignored` holds folders that cannot be registered, with the reason."""

    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    reregistered: list[str] = field(default_factory=list)
    projects_synced: list[str] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.added or self.missing or self.returned or self.reregistered or self.projects_synced
        )


def record_for_folder(path: str, name: str, origin: str, now: float) -> EnvRecord:
    """A registry row describing an env folder, from what the folder says about itself."""
    info = inspect_venv(Path(path))
    return EnvRecord(
        id=None,
        name=name,
        path=path,
        status="ready",
        origin=origin,
        created_at=_created_time(path, now),
        tool=info.tool,
        interpreter=str(info.interpreter) if info.interpreter else None,
        python_version=info.python_version,
        site_packages=str(info.site_packages) if info.site_packages else None,
        project_path=read_project_file(path),
        identity=identity_of(path),
    )


def _created_time(path: str, fallback: float) -> float:
    try:
        return os.stat(os.path.join(path, "pyvenv.cfg")).st_mtime
    except OSError:
        return fallback


def _home_env_folders(context: Context, report: ReconcileReport) -> dict[str, str]:
    """path -> name of every env folder directly inside WORKON_HOME."""
    found: dict[str, str] = {}
    try:
        entries = list(os.scandir(context.home.root))
    except OSError:
        return found
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if not entry.is_dir():
                continue
        except OSError:
            continue
        if not looks_like_env(entry.path):
            continue
        problem = name_problem(entry.name)
        if problem is not None:
            report.ignored.append((entry.name, problem))
            continue
        found[entry.path] = entry.name
    return found


def reconcile(context: Context) -> ReconcileReport:
    """Bring the registry in step with WORKON_HOME and the registered paths; cheap when nothing
    changed (one scandir and a few stats per env, a write only when something differs)."""
    report = ReconcileReport()
    found = _home_env_folders(context, report)
    records = {record.path: record for record in envs.all_records(context.conn)}
    now = time.time()
    new_records: list[EnvRecord] = []
    updates: list[tuple[int, dict[str, object]]] = []

    for path, name in found.items():
        record = records.get(path)
        if record is None:
            new_records.append(record_for_folder(path, name, "found", now))
        elif record.status in ("ready", "missing") and record.identity != identity_of(path):
            fresh = record_for_folder(path, record.name, "found", now)
            changes = {k: v for k, v in fresh.as_dict().items() if k not in ("id", "name", "path")}
            changes.update(last_used_at=None, use_count=0, size_bytes=None, size_measured_at=None)
            updates.append((_id(record), changes))
            report.reregistered.append(record.name)

    for record in records.values():
        if record.status not in ("ready", "missing") or record.name in report.reregistered:
            continue
        present = record.path in found or looks_like_env(record.path)
        if record.status == "ready" and not present:
            updates.append((_id(record), {"status": "missing"}))
            report.missing.append(record.name)
        elif record.status == "missing" and present:
            updates.append((_id(record), {"status": "ready"}))
            report.returned.append(record.name)
        if present:
            project = read_project_file(record.path)
            if project != record.project_path:
                updates.append((_id(record), {"project_path": project}))
                report.projects_synced.append(record.name)

    if not new_records and not updates:
        return report
    with write_transaction(context.conn):
        for new in new_records:
            clash = envs.get_by_name(context.conn, new.name)
            if envs.get_by_path(context.conn, new.path) is not None:
                continue  # another shell registered it meanwhile
            if clash is not None:
                report.ignored.append(
                    (new.name, f"the name is taken by the environment at {clash.path}")
                )
                continue
            envs.insert(context.conn, new)
            report.added.append(new.name)
        for env_id, changes in updates:
            envs.update(context.conn, env_id, **changes)
    publish_index(context)
    return report


def _id(record: EnvRecord) -> int:
    assert record.id is not None
    return record.id
