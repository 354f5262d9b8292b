"""Orders for listings (kept light: the CLI reads SORT_KEYS when it builds its help)."""

from __future__ import annotations

from ..names import name_key
from ..registry.envs import EnvRecord

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_SORTERS: dict[str, Callable[[EnvRecord], Any]] = {
    "name": lambda record: name_key(record.name),
    "last-used": lambda record: -(record.last_used_at or 0.0),
    "size": lambda record: -(record.size_bytes or 0),
    "created": lambda record: -record.created_at,
}
SORT_KEYS = tuple(_SORTERS)


def sort_records(records: list[EnvRecord], order: str) -> None:
    """Sort in place: by name, or newest, largest, most recently used first."""
    records.sort(key=_SORTERS[order])
