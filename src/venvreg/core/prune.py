"""`venvreg prune`: which environments to let go, why, and the evidence; removal via the trash.

Selectors add candidates, each match is a reason: unused for a while, broken, folder missing,
project folder gone. `larger_than` narrows them. Never candidates: the active env, an env a
process uses now, envs being created or removed, envs another tool manages, and adopted envs
outside WORKON_HOME, which belong to someone's project (`include_adopted` admits those, managed
or not). Removal goes through core/remove.py, so every deletion rule applies again and
`venvreg restore` brings an env back.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..envdir.owners import MANAGED_OWNERS
from ..envdir.venv import check_health, inspect_venv
from ..errors import Refused, UsageError, VenvregError
from ..registry import envs
from ..registry.envs import EnvRecord
from ..settings.paths import is_within
from ..text import quoted
from .context import Context
from .reconcile import reconcile
from .remove import RemovalResult, plan_removal, remove
from .safety import is_active
from .sizes import refresh_sizes
from .usage import LastUse, RunningProcess, last_use, running_from

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str) -> int:
    """Bytes in `200M`, `1.5G`, `512k`, `300MB`, `2GiB` or a bare number of bytes (powers of
    1024, as `du -h` shows them)."""
    match = _SIZE.match(text)
    if match is None or (match.group(3) and not match.group(2) and match.group(3).lower() != "b"):
        raise UsageError(f"bad size {quoted(text)}: use a number with K, M, G or T (e.g. 200M)")
    number, unit, _ = match.groups()
    return int(float(number) * _UNITS[unit.lower()])


@dataclass(frozen=True)
class Policy:
    """What makes an env a candidate. `unused_for` in seconds (None: not a reason)."""

    unused_for: float | None = None
    broken: bool = False
    missing: bool = False
    project_gone: bool = False
    larger_than: int | None = None
    include_adopted: bool = False


@dataclass(frozen=True)
class Candidate:
    """An env prune proposes, with every reason it matched and the evidence.

    `reclaimable` is what deleting it frees on disk (0 for a missing one: only its row goes).
    `own_confirmation`: an adopted env outside WORKON_HOME, confirmed one by one."""

    record: EnvRecord
    reasons: tuple[str, ...]
    codes: tuple[str, ...]
    last_use: LastUse
    reclaimable: int
    own_confirmation: bool


@dataclass(frozen=True)
class PrunePlan:
    """The candidates, and the envs that matched but are left alone, with why."""

    candidates: list[Candidate]
    left_alone: list[tuple[EnvRecord, str]]
    policy: Policy
    now: float
    # How many envs each selector that was not asked for would match, from the verdicts the
    # listing keeps ("--broken": 3): what a prune that found nothing points to.
    other_selectors: dict[str, int] = field(default_factory=dict)

    @property
    def reclaimable(self) -> int:
        return sum(candidate.reclaimable for candidate in self.candidates)


@dataclass(frozen=True)
class PruneOutcome:
    """What happened to one candidate: a RemovalResult, or the error that stopped it."""

    candidate: Candidate
    result: RemovalResult | None = None
    error: str | None = None


@dataclass
class PruneResult:
    outcomes: list[PruneOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[PruneOutcome]:
        return [outcome for outcome in self.outcomes if outcome.error is not None]


def _days(seconds: float) -> str:
    days = int(seconds // 86400)
    return f"{days} day{'s' if days != 1 else ''}"


def _reasons(record: EnvRecord, policy: Policy, use: LastUse, now: float) -> list[tuple[str, str]]:
    """(code, human reason) for every selector `record` matches."""
    found: list[tuple[str, str]] = []
    if record.status == "missing":
        if policy.missing:
            found.append(("missing", f"its folder {record.path} is gone"))
        return found
    if policy.unused_for is not None:
        if use.at is None:
            found.append(("unused", "no sign of use at all"))
        elif now - use.at >= policy.unused_for:
            found.append(("unused", f"unused for {_days(now - use.at)} (last: {use.source})"))
    if policy.broken:
        health = check_health(inspect_venv(Path(record.path)), None)
        if not health.ok:
            found.append(("broken", "broken: " + "; ".join(health.problems)))
    if policy.project_gone and record.project_path and not os.path.isdir(record.project_path):
        found.append(("project-gone", f"its project folder {record.project_path} is gone"))
    return found


def find_candidates(context: Context, policy: Policy, now: float | None = None) -> PrunePlan:
    """Reconcile with the disk, then pick the candidates; nothing is deleted."""
    now = time.time() if now is None else now
    report = reconcile(context)
    records = report.unchanged_records
    if records is None:
        records = envs.all_records(context.conn)
    used_since = None if policy.unused_for is None else now - policy.unused_for
    matched: list[tuple[EnvRecord, list[tuple[str, str]], LastUse]] = []
    left_alone: list[tuple[EnvRecord, str]] = []
    others = {"--broken": 0, "--missing": 0, "--project-gone": 0}
    for record in records:
        if record.status not in ("ready", "missing"):
            continue
        _count_other_selectors(record, policy, others)
        use = last_use(record, used_since)
        reasons = _reasons(record, policy, use, now)
        if reasons and used_since is not None:
            use = last_use(record)  # the whole evidence, for the few shown
        if reasons:
            matched.append((record, reasons, use))
    refresh_sizes(context, [record for record, _, _ in matched])
    running = running_from(record.path for record, _, _ in matched if record.status != "missing")
    candidates: list[Candidate] = []
    for record, reasons, use in matched:
        gone = record.status == "missing"
        reclaimable = 0 if gone else record.size_bytes or 0
        if policy.larger_than is not None and reclaimable <= policy.larger_than:
            continue
        outside = record.origin == "adopted" and not is_within(
            os.path.realpath(record.path), os.path.realpath(context.home.root)
        )
        if not gone and is_active(record.path):
            left_alone.append((record, "it is the active environment"))
            continue
        user = running.get(record.path)
        if user is not None and not gone:
            left_alone.append((record, _in_use(user)))
            continue
        if record.tool in MANAGED_OWNERS and not gone and not (outside and policy.include_adopted):
            # As scan labels it: another tool decides this env's life; never an orphan here.
            why = f"managed by {record.tool} (remove it with {record.tool}, or by name with rm)"
            left_alone.append((record, why))
            continue
        if outside and not gone and not policy.include_adopted:
            left_alone.append(
                (record, "adopted, outside WORKON_HOME (--include-adopted to consider it)")
            )
            continue
        candidates.append(
            Candidate(
                record=record,
                reasons=tuple(reason for _, reason in reasons),
                codes=tuple(code for code, _ in reasons),
                last_use=use,
                reclaimable=reclaimable,
                own_confirmation=outside and not gone,
            )
        )
    candidates.sort(key=lambda c: (-c.reclaimable, c.record.name))
    others = {flag: count for flag, count in others.items() if count}
    return PrunePlan(candidates, left_alone, policy, now, others)


def _count_other_selectors(record: EnvRecord, policy: Policy, counts: dict[str, int]) -> None:
    """Count `record` under each selector the policy leaves out that it would match; the
    cached health verdict stands in for --broken's fresh look, which runs only when asked."""
    if record.status == "missing":
        counts["--missing"] += not policy.missing
        return
    counts["--broken"] += not policy.broken and bool(record.problems)
    counts["--project-gone"] += (
        not policy.project_gone
        and record.project_path is not None
        and not os.path.isdir(record.project_path)
    )


def _in_use(user: RunningProcess) -> str:
    return f"in use now: {user.describe()}"


def prune(context: Context, candidates: list[Candidate]) -> PruneResult:
    """Remove the chosen candidates through the trash; each is checked again first, and one
    that a process has started to use since it was listed is left alone."""
    result = PruneResult()
    running = running_from(c.record.path for c in candidates if c.record.status != "missing")
    for candidate in candidates:
        try:
            user = running.get(candidate.record.path)
            if user is not None and candidate.record.status != "missing":
                raise Refused(f"{quoted(candidate.record.name)} is {_in_use(user)}; left alone")
            plan = plan_removal(context, candidate.record.name)
            same = plan.record.id == candidate.record.id and (
                plan.record.identity == candidate.record.identity
            )
            if not same or (candidate.record.status == "missing" and plan.kind != "gone"):
                # Chosen as something else (replaced, or a missing folder that came back).
                raise Refused(
                    f"{quoted(candidate.record.name)} changed since it was listed; left alone"
                )
            result.outcomes.append(PruneOutcome(candidate, remove(context, plan)))
        except VenvregError as error:
            result.outcomes.append(PruneOutcome(candidate, error=str(error)))
    return result
