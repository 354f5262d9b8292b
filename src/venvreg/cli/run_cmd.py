"""`venvreg run` and `venvreg wipe`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..errors import EXIT_FAILURE, EXIT_USAGE, VenvregError
from ..text import escape_text, quoted
from .common import opened
from .output import confirm, message, progress, stdin_is_terminal


def run_command(
    words: Optional[list[str]] = typer.Argument(
        None, help="NAME, then the command and its arguments (after --).", metavar="NAME -- CMD..."
    ),
    every: bool = typer.Option(
        False, "--all", help="Run the command in every environment (no NAME)."
    ),
) -> None:
    """Run a command inside an environment without activating it, and exit with its status.

    The command gets VIRTUAL_ENV and the env's bin/ first on PATH (PYTHONHOME removed), and the
    use is recorded, as workon records it. With --all it runs in every environment, one after
    the other under a header, goes on when one fails, and exits 1 if any did (these runs are not
    counted as uses: maintenance is not use).

    \b
    Example: venvreg run api -- python -m pytest -q
    """
    from ..core.lookup import get_present_env
    from ..core.run import record_use, run_in
    from ..envdir.venv import check_health, inspect_venv

    words = list(words or [])
    if every:
        if words[:1] == ["--"]:
            words = words[1:]
        raise typer.Exit(_run_everywhere(words))
    if len(words) < 2:
        message("error: usage: venvreg run NAME -- COMMAND [ARGS...]  (or --all -- COMMAND)")
        raise typer.Exit(EXIT_USAGE)
    name, argv = words[0], words[1:]
    if argv[:1] == ["--"]:  # click keeps a `--` that comes after the first argument
        argv = argv[1:]
    if not argv:
        message("error: no command given: venvreg run NAME -- COMMAND [ARGS...]")
        raise typer.Exit(EXIT_USAGE)
    with opened() as context:
        record = get_present_env(context, name)
        record_use(context, record)
    health = check_health(inspect_venv(Path(record.path)), None)
    if not health.ok:
        message(f"warning: {quoted(record.name)} is broken: {'; '.join(health.problems)}")
    raise typer.Exit(run_in(record.path, argv))


def _run_everywhere(argv: list[str]) -> int:
    from ..core.reconcile import reconcile
    from ..core.run import run_in
    from ..names import name_key
    from ..registry import envs

    if not argv:
        message("error: usage: venvreg run --all -- COMMAND [ARGS...]")
        return EXIT_USAGE
    with opened() as context:
        reconcile(context)
        records = [r for r in envs.all_records(context.conn) if r.status in ("ready", "missing")]
    records.sort(key=lambda record: name_key(record.name))
    failed: list[str] = []
    for record in records:
        sys.stdout.write(f"{escape_text(record.name)}\n{'=' * len(record.name)}\n")
        sys.stdout.flush()
        if record.status != "ready":
            message(f"skipped {quoted(record.name)}: its folder is gone")
            continue
        try:
            status = run_in(record.path, argv)
        except VenvregError as error:
            message(f"error: {error}")
            status = error.exit_code
        sys.stdout.write("\n")
        sys.stdout.flush()
        if status != 0:
            failed.append(record.name)
    if failed:
        names = ", ".join(quoted(name) for name in failed)
        message(f"failed in {len(failed)} of {len(records)} environments: {names}")
        return EXIT_FAILURE
    return 0


def wipe_command(
    name: str = typer.Argument(..., help="Environment to wipe."),
    yes: bool = typer.Option(False, "-y", "--yes", help="Do not ask for confirmation."),
) -> None:
    """Uninstall every package but pip, setuptools and wheel, with the env's own pip (what the
    shell's wipeenv does). The package list is kept as a snapshot in the registry first.

    \b
    Example: venvreg wipe api --yes && venvreg run api -- pip install -r requirements.txt
    """
    from ..core.lookup import get_present_env
    from ..core.wipe import plan_wipe, wipe_env

    with opened() as context:
        plan = plan_wipe(get_present_env(context, name))
        shown, names = quoted(plan.record.name), ", ".join(plan.packages)
        if not plan.packages:
            message(f"nothing to remove from {shown}")
            return
        if not yes:
            if not stdin_is_terminal():
                message(f"would uninstall: {names}; nothing removed (pass --yes)")
                raise typer.Exit(EXIT_FAILURE)
            if not confirm(f"venvreg: uninstall {len(plan.packages)} package(s) from {shown}?"):
                message("nothing removed")
                raise typer.Exit(EXIT_FAILURE)
        result = wipe_env(context, plan, progress)
    message(f"uninstalled {len(result.packages)} package(s) from {shown}: {names}")


def register(app: typer.Typer) -> None:
    # Words after NAME belong to the command, even when they look like options.
    settings = {"allow_interspersed_args": False}
    app.command("run", help=run_command.__doc__, context_settings=settings)(run_command)
    app.command("wipe", help=wipe_command.__doc__)(wipe_command)
