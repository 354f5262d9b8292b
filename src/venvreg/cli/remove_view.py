"""What `venvreg remove` does, apart from its typer wiring (remove_cmd.py): cli/direct.py runs
it without typer when the command's words are plain."""

from __future__ import annotations

from ..errors import EXIT_FAILURE, EXIT_OK, VenvregError
from ..text import quoted
from .common import opened
from .output import confirm, human_size, message, stdin_is_terminal

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from ..core.context import Context
    from ..core.safety import RemovalPlan


def remove_envs(names: list[str], yes: bool, purge: bool) -> int:
    """Plan every removal first, ask (unless `yes`), then remove; the exit status."""
    from ..core.remove import plan_removal, remove

    status = EXIT_OK
    with opened() as context:
        plans: list[RemovalPlan] = []
        for name in names:
            try:
                plans.append(plan_removal(context, name))
            except VenvregError as error:
                message(f"error: {error}")
                status = max(status, error.exit_code)
        if plans and not yes:
            described = ", ".join(_what(context, plan) for plan in plans)
            verb = "delete for good" if purge else "move to the trash"
            if not stdin_is_terminal():
                message(f"would {verb}: {described}; nothing removed (pass --yes to confirm)")
                return EXIT_FAILURE
            if not confirm(f"venvreg: {verb} {described}?"):
                message("nothing removed")
                return EXIT_FAILURE
        for plan in plans:
            try:
                result = remove(context, plan, purge=purge)
            except VenvregError as error:
                message(f"error: {error}")
                status = max(status, error.exit_code)
                continue
            message(_describe(result.name, result.outcome, result.trash_id))
            if result.expiry_problem:
                message(f"warning: {result.expiry_problem}")
    return status


def _what(context: Context, plan: RemovalPlan) -> str:
    """One env in the confirmation: its size, or what is special about it."""
    from ..core.safety import deletes_for_good
    from ..envdir.boundary import holds_more

    name = quoted(plan.record.name)
    if plan.foreign:
        size = human_size(plan.record.size_bytes)
        return (
            f"{name} ({size}; only the env's own entries: {holds_more(list(plan.foreign))}, "
            "which stays)"
        )
    if deletes_for_good(context, plan):
        size = human_size(plan.record.size_bytes)
        return f"{name} ({size}, on another filesystem: deleted for good, packages listed)"
    if plan.kind == "gone":
        return f"{name} (folder already gone: only its registry row)"
    if plan.kind == "link":
        return f"{name} (a link: its target stays)"
    return f"{name} ({human_size(plan.record.size_bytes)})"


def _describe(name: str, outcome: str, trash_id: str | None) -> str:
    restore_hint = f"; `venvreg restore {quoted(name)}` brings it back" if trash_id else ""
    return {
        "trashed": f"moved {quoted(name)} to the trash{restore_hint}",
        "entries-trashed": f"moved {quoted(name)} to the trash (only the environment's own "
        f"entries: the rest of its folder stays){restore_hint}",
        "link-trashed": f"removed the link {quoted(name)} (its target is untouched){restore_hint}",
        "snapshot-only": f"deleted {quoted(name)} (on another filesystem); its package snapshot "
        f"is in the trash{restore_hint}",
        "purged": f"deleted {quoted(name)} for good",
        "forgotten": f"forgot {quoted(name)} (its folder was already gone)",
    }[outcome]
