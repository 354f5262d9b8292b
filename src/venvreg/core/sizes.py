"""Sizes on disk, cached in the registry with when they were measured.

A size is measured again only when it is unknown or the env's site-packages changed since (one
stat), so listing a thousand envs does not walk a thousand trees.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..envdir.venv import disk_usage
from ..registry import envs
from ..registry.db import write_transaction
from ..registry.envs import EnvRecord
from .context import Context


def is_stale(record: EnvRecord) -> bool:
    if record.status != "ready":
        return False
    if record.size_bytes is None or record.size_measured_at is None:
        return True
    try:
        changed = os.stat(record.site_packages).st_mtime if record.site_packages else 0.0
    except OSError:
        return False
    return changed > record.size_measured_at


def refresh_sizes(context: Context, records: list[EnvRecord], force: bool = False) -> None:
    """Measure the records whose size is unknown or stale, and store the results."""
    measured: list[EnvRecord] = []
    for record in records:
        if force or is_stale(record):
            try:
                record.size_bytes = disk_usage(Path(os.path.realpath(record.path)))
            except OSError:
                continue
            record.size_measured_at = time.time()
            measured.append(record)
    if not measured:
        return
    with write_transaction(context.conn, idempotent=True):
        for record in measured:
            assert record.id is not None
            envs.update(
                context.conn,
                record.id,
                size_bytes=record.size_bytes,
                size_measured_at=record.size_measured_at,
            )
