"""Sizes of environments the registry does not know, kept beside it.

Registered envs keep their size in their registry row (core/sizes.py). The scanner also sizes
envs that are not registered; their measurements live in `$WORKON_HOME/.venvreg/scan-sizes.json`
so that a second scan does not walk them again. The rule is the registry's: a size is measured
again only when it is unknown, the folder was replaced (device and inode), or its site-packages
changed since.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from ..envdir.venv import read_small_file
from ..fs.atomic import write_text_atomically
from ..settings.paths import Home

CACHE_FILE = "scan-sizes.json"
MAX_ENTRIES = 20_000
_VERSION = 1


def changed_since(site_packages: str | None, measured_at: float) -> bool:
    """Did the env's site-packages change after `measured_at` (an install or an uninstall)?"""
    if not site_packages:
        return False
    try:
        return os.stat(site_packages).st_mtime > measured_at
    except OSError:
        return False


class SizeCache:
    """path -> {identity, size_bytes, measured_at}; saved atomically, last writer wins."""

    __slots__ = ("dirty", "entries", "file")

    def __init__(self, file: Path, entries: dict[str, dict[str, object]] | None = None) -> None:
        self.file = file
        self.entries: dict[str, dict[str, object]] = {} if entries is None else entries
        self.dirty = False

    @classmethod
    def load(cls, home: Home) -> SizeCache:
        """The cache of this WORKON_HOME; empty when missing, unreadable or not ours."""
        file = home.state / CACHE_FILE
        data = read_small_file(file, limit=16 * 1024 * 1024)
        entries: dict[str, dict[str, object]] = {}
        if data is not None:
            try:
                doc = json.loads(data)
            except ValueError:
                doc = None
            if isinstance(doc, dict) and doc.get("version") == _VERSION:
                raw = doc.get("entries")
                if isinstance(raw, dict):
                    entries = {k: v for k, v in raw.items() if isinstance(v, dict)}
        return cls(file, entries)

    def get(
        self, path: str, identity: str | None, site_packages: str | None
    ) -> tuple[int, float] | None:
        """(size_bytes, measured_at) if a measurement of this very folder is still good."""
        entry = self.entries.get(path)
        if entry is None or identity is None or entry.get("identity") != identity:
            return None
        size, measured_at = entry.get("size_bytes"), entry.get("measured_at")
        if not isinstance(size, int) or not isinstance(measured_at, (int, float)):
            return None
        if changed_since(site_packages, float(measured_at)):
            return None
        return size, float(measured_at)

    def put(self, path: str, identity: str | None, size: int, measured_at: float) -> None:
        if identity is None:
            return
        self.entries[path] = {"identity": identity, "size_bytes": size, "measured_at": measured_at}
        self.dirty = True

    def save(self) -> None:
        """Write it back (dropping folders that are gone); a failure costs only a re-measure."""
        if not self.dirty:
            return
        kept = {path: entry for path, entry in self.entries.items() if os.path.lexists(path)}
        if len(kept) > MAX_ENTRIES:
            newest = sorted(kept.items(), key=lambda item: -float(str(item[1]["measured_at"])))
            kept = dict(newest[:MAX_ENTRIES])
        text = json.dumps({"version": _VERSION, "entries": kept})  # ASCII: surrogates escaped
        with contextlib.suppress(OSError):
            write_text_atomically(self.file, text)
        self.dirty = False
