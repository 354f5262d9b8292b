"""`venvreg du`: where the disk space of the environments goes, and what can be freed.

Sizes are the registry's (core/sizes.py: measured again only when stale) and the trash's
(core/trash.entry_sizes); what prune would free is what prune itself finds
(core/prune.find_candidates), so the figures here are the ones those commands show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..envdir.venv import env_state
from .context import Context
from .listing import list_envs
from .prune import Policy, find_candidates
from .trash import entry_sizes, list_entries
from .usage import last_use

DAY = 86400.0
# Last-use buckets, newest first: (label, at most this many days ago).
LAST_USE_BUCKETS = (
    ("this week", 7),
    ("this month", 30),
    ("last 3 months", 90),
    ("this year", 365),
    ("over a year ago", None),
)
NEVER = "never"
UNKNOWN = "?"


@dataclass(frozen=True)
class EnvSpace:
    """One registered environment's space and what it is grouped by."""

    name: str
    path: str
    size_bytes: int | None
    tool: str
    python: str  # the minor version, `3.12`, or `?`
    last_use_at: float | None
    last_use: str  # its bucket label
    state: str


@dataclass
class Group:
    """The envs sharing one value of a grouping (a tool, a Python version, a last-use bucket)."""

    label: str
    size_bytes: int = 0
    envs: int = 0


@dataclass(frozen=True)
class Freeable:
    """What one command would free: how many envs or entries, and the bytes."""

    command: str
    count: int
    size_bytes: int
    detail: str


@dataclass(frozen=True)
class SpaceReport:
    envs: list[EnvSpace]  # largest first
    by_tool: list[Group]
    by_python: list[Group]
    by_last_use: list[Group]  # newest first, `never` last
    freeable: list[Freeable]
    trash_entries: int
    trash_bytes: int
    unused_days: int
    total_bytes: int = 0
    unmeasured: int = 0
    measured_at: float = field(default_factory=time.time)


def _minor(version: str | None) -> str:
    if not version:
        return UNKNOWN
    return ".".join(version.split(".")[:2])


def _bucket(at: float | None, now: float) -> str:
    if at is None:
        return NEVER
    days = (now - at) / DAY
    for label, limit in LAST_USE_BUCKETS:
        if limit is None or days <= limit:
            return label
    return LAST_USE_BUCKETS[-1][0]


def _group(envs: list[EnvSpace], key: str, order: list[str] | None = None) -> list[Group]:
    groups: dict[str, Group] = {}
    for env in envs:
        label = getattr(env, key)
        group = groups.setdefault(label, Group(label))
        group.size_bytes += env.size_bytes or 0
        group.envs += 1
    if order is not None:
        return [groups[label] for label in order if label in groups]
    return sorted(groups.values(), key=lambda group: (-group.size_bytes, group.label))


def disk_space(context: Context, now: float | None = None) -> SpaceReport:
    """Every env's size (stale ones measured again), grouped by env, owner tool, Python version
    and last use; the totals the default prune, `prune --broken --missing --project-gone` and
    `trash empty` would free. Nothing is changed but the size caches."""
    now = time.time() if now is None else now
    records, _ = list_envs(context, "size")
    envs = []
    for record in records:
        use = last_use(record) if record.status != "missing" else None
        at = use.at if use is not None else record.last_used_at
        envs.append(
            EnvSpace(
                name=record.name,
                path=record.path,
                size_bytes=None if record.status == "missing" else record.size_bytes,
                tool=record.tool,
                python=_minor(record.python_version),
                last_use_at=at,
                last_use=_bucket(at, now),
                state=env_state(record.problems, record.status),
            )
        )
    envs.sort(key=lambda env: (-(env.size_bytes or 0), env.name))
    days = int(context.settings["prune.unused_days"])
    plan = find_candidates(
        context,
        Policy(unused_for=days * DAY, broken=True, missing=True, project_gone=True),
        now,
    )
    unused = [c for c in plan.candidates if "unused" in c.codes]
    others = [c for c in plan.candidates if set(c.codes) - {"unused"}]
    entries = list_entries(context.home)
    sizes = entry_sizes(context, entries)
    trash_bytes = sum(sizes.values())
    freeable = [
        Freeable(
            "venvreg prune",
            len(unused),
            sum(c.reclaimable for c in unused),
            f"unused for {days} days, the prune.unused_days setting",
        ),
        Freeable(
            "venvreg prune --broken --missing --project-gone",
            len(others),
            sum(c.reclaimable for c in others),
            "broken, folder missing or project gone",
        ),
        Freeable("venvreg trash empty", len(entries), trash_bytes, "what is in the trash"),
    ]
    bucket_order = [label for label, _ in LAST_USE_BUCKETS] + [NEVER]
    return SpaceReport(
        envs=envs,
        by_tool=_group(envs, "tool"),
        by_python=_group(envs, "python"),
        by_last_use=_group(envs, "last_use", bucket_order),
        freeable=freeable,
        trash_entries=len(entries),
        trash_bytes=trash_bytes,
        unused_days=days,
        total_bytes=sum(env.size_bytes or 0 for env in envs),
        unmeasured=sum(env.size_bytes is None and env.state != "missing" for env in envs),
        measured_at=now,
    )
