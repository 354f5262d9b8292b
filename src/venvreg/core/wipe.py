"""Wiping an environment: every installed package uninstalled but the seed ones (pip,
setuptools, wheel), with the env's own pip. Shared by `venvreg wipe` and the shell's `wipeenv`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from .freeze import SEED_PACKAGES
from .pip import uninstall


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


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
        key = _canonical(name)
        if name and key not in SEED_PACKAGES:
            found.setdefault(key, name)
    return [found[key] for key in sorted(found)]


def wipe_packages(python: Path, site_packages: Path, progress: Callable[[str], None]) -> list[str]:
    """Uninstall every non-seed package (raises ProcessFailed when pip fails); the names."""
    names = removable_packages(site_packages)
    uninstall(python, names, progress)
    return names
