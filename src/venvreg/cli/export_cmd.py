"""`venvreg export` and `venvreg import`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from ..errors import EXIT_FAILURE, UsageError, VenvregError
from ..fs.atomic import write_text_atomically
from ..text import quoted
from .common import opened, wide_option
from .env_progress import env_progress
from .fit import KEY, Column
from .output import message, print_json, print_table

if TYPE_CHECKING:
    from ..core.importer import ImportStep


def export_command(
    output: Optional[Path] = typer.Option(
        None, "-o", "--output", help="Write the manifest to this file instead of stdout."
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="JSON object of what is exported (the TOML manifest still goes to -o FILE).",
    ),
) -> None:
    """Write a TOML manifest of every environment: name, Python version, backend, project
    folder and packages (read from metadata, nothing is run). `venvreg import` recreates them.

    --json prints the same envs as a JSON object instead of the TOML; with -o the file still
    gets the TOML that import reads, and the object names it.

    \b
    Example: venvreg export -o envs.toml   # then, on the new machine: venvreg import envs.toml
    """
    from ..core.manifest import export_manifest

    with opened() as context:
        exported = export_manifest(context)
    for name, why in exported.left_out:
        message(f"left out {quoted(name)}: {why}")
    if output is not None:
        write_text_atomically(output, exported.text)
        message(f"wrote {exported.count} environment(s) to {quoted(str(output))}")
    if as_json:
        print_json(
            {
                "output": str(output.absolute()) if output is not None else None,
                "environments": exported.entries,
                "left_out": [{"name": name, "why": why} for name, why in exported.left_out],
            }
        )
    elif output is None:
        sys.stdout.write(exported.text)


def import_command(
    manifest: str = typer.Argument(..., help="Manifest written by `venvreg export`."),
    dry_run: bool = typer.Option(False, "-n", "--dry-run", help="Show what would be done."),
    replace: bool = typer.Option(
        False, "--replace", help="Recreate envs whose name exists (the old one goes to the trash)."
    ),
    allow_pip_options: bool = typer.Option(
        False,
        "--allow-pip-options",
        help="Let package lines change where pip gets packages from (--index-url, "
        "--extra-index-url, -f, --trusted-host, -r, -c); review them with --dry-run first.",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="With --dry-run: the plan as a JSON object instead of tables."
    ),
    wide: bool = wide_option(),
) -> None:
    """Recreate the environments of a manifest: each with its Python (X.Y.Z, else any X.Y),
    backend, project link (when the folder exists here) and packages.

    Every field is checked before anything is made; a bad one is reported with its file, line
    and env. Existing names are skipped unless --replace. Each env is made all or nothing;
    one that fails does not stop the others (exit 1 at the end).

    --dry-run also lists every pip option, local path and URL the package lines pass to pip, and
    exits 1 when a row would fail. An env whose lines change where packages come from (another
    index, find-links, a trusted host, a nested requirements file) fails unless
    --allow-pip-options.

    \b
    Example: venvreg import envs.toml --dry-run

    \b
    Example: venvreg import envs.toml --dry-run --json
    """
    from ..core.importer import CREATE, FAIL, REPLACE, SKIP, plan_import, run_step
    from ..core.manifest import ManifestError, read_manifest

    if as_json and not dry_run:
        raise UsageError("--json needs --dry-run (an import reports its progress on stderr)")
    try:
        wanted = read_manifest(manifest)
    except ManifestError as error:
        for problem in error.problems:
            message(f"error: {problem}")
        raise typer.Exit(error.exit_code) from None
    failed = created = 0
    with opened() as context:
        steps = plan_import(context, wanted, replace, allow_pip_options)
        rows = [
            [step.env.name, step.action, step.env.python, str(len(step.env.packages)),
             "; ".join(step.notes)]
            for step in steps
        ]  # fmt: skip
        if dry_run and as_json:
            print_json(_plan_json(steps))
        elif dry_run:
            print_table([Column("NAME", KEY), "ACTION", "PYTHON", "PACKAGES", "NOTES"], rows)
            _print_pip_inputs(steps)
        if dry_run:
            message("dry run: nothing changed")
            if any(step.action == FAIL for step in steps):
                raise typer.Exit(EXIT_FAILURE)
            return
        for step in steps:
            if step.action == SKIP:
                message(f"skipped {quoted(step.env.name)}: {'; '.join(step.notes)}")
            elif step.action == FAIL:
                message(f"error: {quoted(step.env.name)}: {'; '.join(step.notes)}")
                failed += 1
        todo = [step for step in steps if step.action in (CREATE, REPLACE)]
        with env_progress(len(todo), "creating") as bar:
            for step in todo:
                bar.start(step.env.name)
                for note in step.notes:
                    bar.note(f"{quoted(step.env.name)}: {note}")
                for item in step.pip_inputs:
                    if item.changes_source:  # allowed by --allow-pip-options: said, not hidden
                        bar.note(f"{quoted(step.env.name)}: passes {item.text} to pip (allowed)")
                try:
                    done = run_step(context, step, bar.line)
                except VenvregError as error:
                    bar.note(f"error: {quoted(step.env.name)} not created: {error}")
                    failed += 1
                else:
                    created += 1
                    how = "replaced" if done.replaced else "created"
                    version = done.record.python_version
                    bar.note(f"{how} {quoted(done.record.name)} (Python {version})")
                bar.advance()
    skipped = sum(step.action == SKIP for step in steps)
    message(f"{created} created, {skipped} skipped, {failed} failed")
    if failed:
        raise typer.Exit(EXIT_FAILURE)


def _plan_json(steps: list[ImportStep]) -> dict[str, Any]:
    """`import --dry-run --json` (docs/json.md)."""
    from ..core.importer import FAIL

    return {
        "environments": [
            {
                "name": step.env.name,
                "action": step.action,
                "python": step.env.python,
                "interpreter": str(step.interpreter) if step.interpreter is not None else None,
                "backend": step.env.backend,
                "project": step.env.project,
                "packages": list(step.env.packages),
                "notes": list(step.notes),
                "pip_inputs": [
                    {"kind": item.kind, "text": item.text, "changes_source": item.changes_source}
                    for item in step.pip_inputs
                ],
            }
            for step in steps
        ],
        "would_fail": sum(step.action == FAIL for step in steps),
    }


def _print_pip_inputs(steps: list[ImportStep]) -> None:
    """What each env's package lines hand to pip besides plain `name==version` requirements."""
    rows = [
        [step.env.name, item.kind, item.text,
         "changes where packages come from" if item.changes_source else ""]
        for step in steps
        for item in step.pip_inputs
    ]  # fmt: skip
    if rows:
        sys.stdout.write("\n")
        print_table([Column("NAME", KEY), "PASSES TO PIP", "VALUE", "NOTE"], rows)


def register(app: typer.Typer) -> None:
    app.command("export", help=export_command.__doc__)(export_command)
    app.command("import", help=import_command.__doc__)(import_command)
