"""`venvreg prune`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import typer

from ..errors import EXIT_FAILURE
from ..text import quoted
from .common import json_option, opened, wide_option
from .fit import FIXED, KEY, TEXT, Column
from .output import (
    ago,
    confirm,
    human_size,
    iso_time,
    message,
    print_json,
    print_table,
    stdin_is_terminal,
)

if TYPE_CHECKING:
    from ..core.prune import Candidate, PrunePlan


def prune_command(
    unused_for: Optional[str] = typer.Option(
        None,
        "--unused-for",
        help="Unused for at least this long (90d, 12w, 1y). The default selector, with "
        "prune.unused_days from the config.",
        metavar="DURATION",
    ),
    broken: bool = typer.Option(False, "--broken", help="Broken envs (see `venvreg doctor`)."),
    missing: bool = typer.Option(
        False, "--missing", help="Rows whose folder is gone (only the row goes)."
    ),
    project_gone: bool = typer.Option(
        False, "--project-gone", help="Envs whose project folder is gone."
    ),
    larger_than: Optional[str] = typer.Option(
        None, "--larger-than", help="Only candidates larger than this (200M, 1.5G).", metavar="SIZE"
    ),
    include_adopted: bool = typer.Option(
        False,
        "--include-adopted",
        help="Consider adopted envs outside WORKON_HOME too; each needs its own yes.",
    ),
    yes: bool = typer.Option(False, "-y", "--yes", help="Do not ask for confirmation."),
    dry_run: bool = typer.Option(False, "-n", "--dry-run", help="Show the candidates only."),
    as_json: bool = json_option(),
    wide: bool = wide_option(),
) -> None:
    """Remove forgotten or broken environments, each with its reasons and evidence.

    Selectors add candidates, every match is a reason: --unused-for, --broken, --missing,
    --project-gone. With none of them, --unused-for applies with prune.unused_days (90). The
    last use is the newest of the last activation (workon, venvreg run), the mtimes of the
    env's site-packages, pyvenv.cfg and bin/python, the bytecode its Python wrote and the
    access times of its .pth files, so an env used from an IDE is not taken for unused. An env
    that a running process uses (Linux: its executable, command, mapped or open files are in
    it, or it has the env activated) is left alone, with the pid. --larger-than narrows the
    candidates.

    Envs go to the trash (`venvreg restore NAME` brings one back); the space is freed when the
    trash is emptied or expires. Never proposed: the active env, and adopted envs outside
    WORKON_HOME unless --include-adopted (then each is confirmed on its own, on a terminal).
    Without --yes it asks; with no terminal to ask on it lists, removes nothing and exits 1.

    \b
    Example: venvreg prune --unused-for 180d --larger-than 500M --dry-run
    """
    from ..core.prune import Policy, find_candidates, parse_size, prune
    from ..settings.durations import parse_duration

    selected = unused_for is not None or broken or missing or project_gone
    size = parse_size(larger_than) if larger_than is not None else None
    with opened() as context:
        days = context.settings["prune.unused_days"]
        seconds = parse_duration(unused_for) if unused_for is not None else None
        policy = Policy(
            unused_for=seconds if selected else days * 86400.0,
            broken=broken,
            missing=missing,
            project_gone=project_gone,
            larger_than=size,
            include_adopted=include_adopted,
        )
        plan = find_candidates(context, policy)
        _show(plan, as_json, default_rule=None if selected else days)
        chosen = _choose(plan, yes, dry_run, as_json)
        if not chosen:
            return
        result = prune(context, chosen)
    freed = 0
    for outcome in result.outcomes:
        name = quoted(outcome.candidate.record.name)
        if outcome.error is not None:
            message(f"error: {outcome.error}")
        elif outcome.result is not None and outcome.result.outcome == "forgotten":
            message(f"forgot {name} (its folder was already gone)")
        else:
            freed += outcome.candidate.reclaimable
            message(f"moved {name} to the trash; `venvreg restore {name}` brings it back")
    done = len(result.outcomes) - len(result.failed)
    message(
        f"pruned {done} environment{'s' if done != 1 else ''}; {human_size(freed)} "
        "is freed when the trash is emptied (`venvreg trash empty`) or expires"
    )
    if result.failed:
        raise typer.Exit(EXIT_FAILURE)


def _reasons(candidate: Candidate) -> str:
    return "; ".join(candidate.reasons)


def _last_use(candidate: Candidate) -> str:
    use = candidate.last_use
    return f"{ago(use.at)} ({use.source})" if use.source else "never"


_SELECTOR_WORDS = {"--broken": "broken", "--missing": "missing", "--project-gone": "project gone"}


def _nothing_found(plan: PrunePlan, default_rule: int | None) -> None:
    """Say which rule found nothing, and what the other selectors would find."""
    if default_rule is not None:
        rule = (
            f"no environment unused for {default_rule} days (the prune.unused_days setting; "
            "--unused-for to choose another)"
        )
    else:
        rule = "no environment matches the selectors given"
    message(f"nothing to prune: {rule}")
    others = plan.other_selectors
    if others:
        found = ", ".join(f"{count} {_SELECTOR_WORDS[flag]}" for flag, count in others.items())
        message(f"the registry knows of {found}: see `venvreg prune {' '.join(others)}`")


def _show(plan: PrunePlan, as_json: bool, default_rule: int | None) -> None:
    """The candidates on stdout (table or JSON), the envs left alone on stderr.
    `default_rule`: the days of the unused rule when no selector was given."""
    if as_json:
        print_json(_json(plan))
    elif plan.candidates:
        rows = [
            [c.record.name, human_size(c.reclaimable), _last_use(c), _reasons(c)]
            for c in plan.candidates
        ]
        columns = [
            Column("NAME", KEY),
            Column("SIZE", FIXED, 70),
            Column("LAST USE", TEXT, 40),
            Column("REASONS", TEXT, 60),
        ]
        print_table(columns, rows)
    for record, why in plan.left_alone:
        message(f"left alone: {quoted(record.name)}: {why}")
    if not as_json:
        count = len(plan.candidates)
        if count:
            message(
                f"{count} candidate{'s' if count != 1 else ''}, "
                f"{human_size(plan.reclaimable)} reclaimable"
            )
        else:
            _nothing_found(plan, default_rule)


def _json(plan: PrunePlan) -> dict[str, Any]:
    return {
        "candidates": [
            {
                "name": c.record.name,
                "path": c.record.path,
                "reasons": list(c.codes),
                "details": list(c.reasons),
                "last_use_at": iso_time(c.last_use.at),
                "last_use_source": c.last_use.source,
                "size_bytes": c.record.size_bytes,
                "reclaimable_bytes": c.reclaimable,
                "origin": c.record.origin,
            }
            for c in plan.candidates
        ],
        "reclaimable_bytes": plan.reclaimable,
        "other_selectors": plan.other_selectors,
        "left_alone": [{"name": record.name, "why": why} for record, why in plan.left_alone],
    }


def _choose(plan: PrunePlan, yes: bool, dry_run: bool, as_json: bool) -> list[Candidate]:
    """The candidates the user confirmed; exits 1 when confirmation cannot be had."""
    if not plan.candidates or dry_run:
        if dry_run and plan.candidates and not as_json:
            message("dry run: nothing removed")
        return []
    bulk = [c for c in plan.candidates if not c.own_confirmation]
    own = [c for c in plan.candidates if c.own_confirmation]
    terminal = stdin_is_terminal()
    if not yes and not terminal:
        message("nothing removed: no terminal to confirm on (pass --yes to confirm)")
        raise typer.Exit(EXIT_FAILURE)
    chosen: list[Candidate] = []
    if bulk:
        size = human_size(sum(c.reclaimable for c in bulk))
        question = f"venvreg: move {len(bulk)} environment(s) ({size}) to the trash?"
        if yes or confirm(question):
            chosen += bulk
    for candidate in own:
        name = quoted(candidate.record.name)
        if not terminal:
            message(
                f"left alone: {name} is adopted and outside WORKON_HOME: confirm it on a "
                f"terminal, or `venvreg rm {name}`"
            )
            continue
        question = f"venvreg: {name} at {quoted(candidate.record.path)} is adopted: trash it?"
        if confirm(question):
            chosen.append(candidate)
    if not chosen:
        message("nothing removed")
        raise typer.Exit(EXIT_FAILURE)
    return chosen


def register(app: typer.Typer) -> None:
    app.command("prune", help=prune_command.__doc__)(prune_command)
