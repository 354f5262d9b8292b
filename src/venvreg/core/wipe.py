"""Wiping an environment: every installed package uninstalled but the seed ones (pip,
setuptools, wheel), with the env's own pip, after a package snapshot. One operation for both
front ends: `venvreg wipe` plans, asks, then wipes; the shell's `wipeenv` plans and wipes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..envdir.venv import inspect_venv
from ..errors import Refused, VenvregError
from ..registry import envs
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context
from .freeze import SEED_PACKAGES, canonical_name
from .pip import uninstall
from .remove import snapshot
from .safety import env_lock


def removable_packages(site_packages: Path) -> list[str]:
    """Names pip can uninstall, read from the metadata folder names (`six-1.17.0.dist-info`,
    `proj.egg-info`, `proj.egg-link`), seed packages left out; sorted, each once."""
    try:
        entries = os.listdir(site_packages)
    except OSError:
        return []
    found: dict[str, str] = {}
    for entry in entries:
        stem, dot, suffix = entry.rpartition(".")
        if not dot or suffix not in ("dist-info", "egg-info", "egg-link"):
            continue
        name = stem if suffix == "egg-link" else stem.split("-", 1)[0]
        key = canonical_name(name)
        if name and key not in SEED_PACKAGES:
            found.setdefault(key, name)
    return [found[key] for key in sorted(found)]


@dataclass(frozen=True)
class WipePlan:
    """What a wipe of one registered env would uninstall, and with which interpreter."""

    record: EnvRecord
    packages: list[str]
    interpreter: Path | None


@dataclass(frozen=True)
class WipeResult:
    """What a wipe did: the packages uninstalled and the snapshot that keeps their list."""

    name: str
    packages: list[str]
    snapshot: list[str]


def plan_wipe(record: EnvRecord) -> WipePlan:
    """The packages a wipe would uninstall, read from the env's metadata (nothing run)."""
    info = inspect_venv(Path(record.path))
    packages = removable_packages(info.site_packages) if info.site_packages else []
    return WipePlan(record, packages, info.interpreter)


def wipe_env(context: Context, plan: WipePlan, progress: Callable[[str], None]) -> WipeResult:
    """Under the env's lock: take a package snapshot, then uninstall the planned packages with
    the env's own pip (raises ProcessFailed when pip fails; the snapshot stays)."""
    record = plan.record
    if not plan.packages:
        return WipeResult(record.name, [], [])
    if plan.interpreter is None:
        raise VenvregError(f"{quoted(record.name)} has no interpreter to run pip with")
    with env_lock(context, record.name):  # the env's one lock (core/safety.py)
        current = envs.get_by_path(context.conn, record.path)
        if current is None or current.id != record.id:  # removed or replaced while asking
            raise Refused(f"{quoted(record.name)} changed since it was checked; nothing removed")
        kept = snapshot(context, record, "wipe")  # the list survives in the registry
        uninstall(plan.interpreter, plan.packages, progress)
    return WipeResult(record.name, plan.packages, kept)
