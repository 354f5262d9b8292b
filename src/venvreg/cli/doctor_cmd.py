"""`venvreg doctor`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import typer

from ..envdir.venv import env_state
from ..errors import EXIT_FAILURE
from .common import json_option, wide_option
from .fit import KEY, TEXT, Column
from .output import message, print_json, print_table, print_wrapped

if TYPE_CHECKING:
    from ..core.doctor import DoctorReport


def doctor_command(
    names: Optional[list[str]] = typer.Argument(
        None, help="Environments to check (default: all, and the registry's own state)."
    ),
    as_json: bool = json_option(),
    deep: bool = typer.Option(
        False,
        "--deep",
        help="Judge every env afresh, even where its cached verdict's stat fingerprint holds "
        "(finds files in bin/ edited in place).",
    ),
    wide: bool = wide_option(),
) -> None:
    """Check every environment and the registry; print each problem with the command that
    fixes it. Exit 1 when anything is wrong.

    Finds broken envs with their cause (a dangling bin/python, a base Python gone or upgraded
    to another minor version, a moved env), project folders that are gone, registry rows whose
    folder is gone and env folders the registry does not know, and what interrupted creations,
    removals and rebuilds left behind. Read-only: it changes nothing and runs nothing it finds.
    An env whose files have the stats its cached verdict was judged on keeps that verdict;
    --deep judges all of them again.

    \b
    Example: venvreg doctor || venvreg rebuild --broken
    """
    from ..core.doctor import diagnose
    from ..core.session import open_context

    context = open_context(leftovers=False, check=True)  # leftovers: findings, not chores
    try:
        report = diagnose(context, names or None, deep=deep)
    finally:
        context.close()
    if as_json:
        print_json(_json(report))
    else:
        _render(report)
    if not report.ok:
        raise typer.Exit(EXIT_FAILURE)


def _json(report: DoctorReport) -> dict[str, Any]:
    from .common import env_json

    return {
        "healthy": report.ok,
        "envs": [env_json(check.record, check.problems) for check in report.envs],
        "findings": [
            {
                "kind": finding.kind,
                "name": finding.name,
                "path": finding.path,
                "problem": finding.detail,
                "fix": finding.fix,
            }
            for finding in report.findings
        ],
        "running": report.running,
    }


def _render(report: DoctorReport) -> None:
    rows = []
    for check in report.envs:
        verdict = env_state(check.problems, check.record.status)
        rows.append([check.record.name, verdict, "; ".join(check.problems)])
    if rows:
        columns = [Column("NAME", KEY), Column("HEALTH", TEXT, 60), Column("CAUSE", TEXT, 40)]
        print_table(columns, rows)
    lines: list[str] = []
    for finding in report.findings:
        subject = finding.name if finding.name is not None else finding.path
        lines += ["", f"{finding.kind}: {subject}: {finding.detail}", f"  fix: {finding.fix}"]
    print_wrapped(lines)
    for operation in report.running:
        message(f"running now: {operation}")
    count = len(report.findings)
    if count:
        message(f"{count} problem{'s' if count != 1 else ''} found")
    else:
        message(f"no problems found ({len(report.envs)} environments checked)")


def register(app: typer.Typer) -> None:
    app.command("doctor", help=doctor_command.__doc__)(doctor_command)
