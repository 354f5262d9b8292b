"""`venvreg du`: bars on a terminal, tab-separated lines when piped, or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from ..text import escape_text
from .common import json_option, opened, wide_option
from .output import human_size, iso_time, message, print_json, stdout_is_terminal

if TYPE_CHECKING:
    from ..core.du import Group, SpaceReport

TOP = 10  # environments shown on a terminal without --wide
BAR_EIGHTHS = " ▏▎▍▌▋▊▉"


def du_command(
    as_json: bool = json_option(),
    wide: bool = wide_option(),
) -> None:
    """Show where the disk space goes: by environment, by the tool that made it, by Python
    version and by last use, as bars; then what `venvreg prune` and `venvreg trash empty`
    would free.

    On a terminal the ten largest environments are shown (--wide: all of them). Piped, each
    figure is one tab-separated line: GROUP, LABEL, BYTES, COUNT. Sizes come from the
    registry's cache and are measured again when stale, as `venvreg ls` does.

    \b
    Example: venvreg du --json
    """
    from ..core.du import disk_space

    with opened() as context:
        report = disk_space(context)
    if as_json:
        print_json(_json(report))
    elif stdout_is_terminal():
        _render(report, wide)
    else:
        _print_tab_separated(report)


def _json(report: SpaceReport) -> dict[str, Any]:
    def groups(items: list[Group]) -> list[dict[str, Any]]:
        return [{"label": g.label, "size_bytes": g.size_bytes, "envs": g.envs} for g in items]

    return {
        "total_bytes": report.total_bytes,
        "unmeasured": report.unmeasured,
        "envs": [
            {
                "name": env.name,
                "path": env.path,
                "size_bytes": env.size_bytes,
                "tool": env.tool,
                "python": env.python,
                "last_use_at": iso_time(env.last_use_at),
                "last_use": env.last_use,
                "state": env.state,
            }
            for env in report.envs
        ],
        "by_tool": groups(report.by_tool),
        "by_python": groups(report.by_python),
        "by_last_use": groups(report.by_last_use),
        "freeable": [
            {"command": f.command, "count": f.count, "size_bytes": f.size_bytes, "why": f.detail}
            for f in report.freeable
        ],
        "trash": {"entries": report.trash_entries, "size_bytes": report.trash_bytes},
    }


def _print_tab_separated(report: SpaceReport) -> None:
    import sys

    rows: list[tuple[str, str, int, int]] = [("total", "all", report.total_bytes, len(report.envs))]
    rows += [("env", e.name, e.size_bytes or 0, 1) for e in report.envs]
    for group, items in (
        ("tool", report.by_tool),
        ("python", report.by_python),
        ("last_use", report.by_last_use),
    ):
        rows += [(group, g.label, g.size_bytes, g.envs) for g in items]
    rows += [("freeable", f.command, f.size_bytes, f.count) for f in report.freeable]
    # Fields escaped one by one: a tab in a name must not look like a separator.
    sys.stdout.write(
        "".join(
            f"{kind}\t{escape_text(label)}\t{size}\t{count}\n" for kind, label, size, count in rows
        )
    )


def bar(fraction: float, cells: int) -> str:
    """A horizontal bar `fraction` of `cells` long, in eighths of a cell."""
    eighths = round(max(0.0, min(fraction, 1.0)) * cells * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (BAR_EIGHTHS[part] if part else "")).ljust(cells)


def _section(title: str, rows: list[tuple[str, int, str]], width: int, largest: int) -> list[str]:
    """A title and one bar per row: LABEL  BAR  SIZE  NOTE. Labels (env names among them) are
    never shortened; the bar takes what room is left."""
    from .fit import GAP, cell_len, pad

    if not rows:
        return []
    label_width = max(cell_len(label) for label, _, _ in rows)
    size_width = max(len(human_size(size)) for _, size, _ in rows)
    note_width = max(cell_len(note) for _, _, note in rows)
    room = width - 2 - label_width - size_width - note_width - 3 * GAP
    cells = max(min(room, 40), 4)
    lines = [title]
    for label, size, note in rows:
        shown = bar(size / largest if largest else 0.0, cells)
        line = "  ".join([pad(label, label_width), shown, human_size(size).rjust(size_width), note])
        lines.append("  " + line.rstrip())
    return [*lines, ""]


def _render(report: SpaceReport, wide: bool) -> None:
    from rich.text import Text

    from .fit import wrap_words
    from .output import _console, terminal_width

    width = terminal_width()
    console = _console(stderr=False)
    count = len(report.envs)
    unmeasured = f", {report.unmeasured} not measured" if report.unmeasured else ""
    head = (
        f"{human_size(report.total_bytes)} in {count} environment{'s' if count != 1 else ''}"
        f"{unmeasured}; {human_size(report.trash_bytes)} in the trash"
    )
    lines = [*wrap_words(head, width), ""]
    shown = report.envs if wide else report.envs[:TOP]
    largest = max([e.size_bytes or 0 for e in report.envs] or [0])
    env_rows = [(escape_text(e.name), e.size_bytes or 0, _env_note(e.state)) for e in shown]
    lines += _section("By environment", env_rows, width, largest)
    if len(shown) < count:
        lines[-1:] = [f"  ... {count - len(shown)} more (--wide shows all)", ""]

    total = report.total_bytes

    def group_rows(items: list[Group]) -> list[tuple[str, int, str]]:
        return [
            (
                escape_text(g.label),
                g.size_bytes,
                f"{_envs(g.envs)}, {_percent(g.size_bytes, total)}",
            )
            for g in items
        ]

    for title, items in (
        ("By owner tool", report.by_tool),
        ("By Python version", report.by_python),
        ("By last use", report.by_last_use),
    ):
        lines += _section(title, group_rows(items), width, total)
    lines.append("Space that can be freed")
    for freeable in report.freeable:
        count = freeable.count
        what = (
            f"{count} entr{'y' if count == 1 else 'ies'}"
            if "trash" in freeable.command
            else _envs(count)
        )
        text = f"{human_size(freeable.size_bytes)}, {what}: {freeable.detail}"
        first, *rest = wrap_words(text, width - 4)
        # The command on a line of its own, so that it is never broken over two.
        lines += ["  " + first, *("    " + more for more in rest), f"    {freeable.command}"]
    for line in lines:
        console.print(Text(line), soft_wrap=True)
    if any(f.count for f in report.freeable[:2]):
        message("prune moves envs to the trash: their space is freed when it is emptied")


def _envs(count: int) -> str:
    return f"{count} env{'s' if count != 1 else ''}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _env_note(state: str) -> str:
    return "" if state == "ok" else state


def register(app: typer.Typer) -> None:
    app.command("du", help=du_command.__doc__)(du_command)
