"""`venvreg list`: every environment, reconciled with the disk, sorted."""

from __future__ import annotations

from ..errors import UsageError
from ..registry import envs
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context
from .reconcile import ReconcileReport, reconcile
from .sizes import refresh_sizes
from .sorting import SORT_KEYS, sort_records


def list_envs(
    context: Context, order: str = "name", brief: bool = False
) -> tuple[list[EnvRecord], ReconcileReport]:
    """All rows but those being created, after reconciling; stale sizes re-measured. `brief`:
    names only, so new folders are registered but no row is judged again, and no size is
    measured unless the order is by size."""
    if order not in SORT_KEYS:
        raise UsageError(f"unknown sort order {quoted(order)}: choose {', '.join(SORT_KEYS)}")
    report = reconcile(context, rows=not brief)
    rows = report.unchanged_records
    if rows is None:
        rows = envs.all_records(context.conn)
    records = [record for record in rows if record.status != "creating"]
    if not brief or order == "size":
        refresh_sizes(context, records)
    sort_records(records, order)
    return records, report
