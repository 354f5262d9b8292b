"""Help and usage errors are plain text on every typer the project allows, with rich installed.

cli/app.py sets typer's private `typer.core.HAS_RICH = False`. On typer 0.19 (the low end of
the range) that is what keeps `[required]` from being printed as `\\[required]` and rich from
being imported for `--help`; later typers escape only in rich markup mode. These tests run at
both ends of the range in CI (.ci/dependency-ends), so a typer that stops honouring the setting
fails them where it matters.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest

CliRunner = Callable[..., subprocess.CompletedProcess[str]]

# Runs the CLI in-process and reports, as the last line, whether rich was imported on the way.
PROBE = """
import json, sys
from venvreg.cli.app import run
code = run(sys.argv[1:])
sys.stdout.flush()
print(json.dumps({"code": code, "rich": "rich" in sys.modules}))
"""


def probe(*args: str, patched: bool = True) -> tuple[str, dict[str, object]]:
    """(what the user sees, {"code", "rich"}) for `venvreg ARGS` in a fresh interpreter."""
    code = (
        PROBE
        if patched
        else PROBE.replace(
            "from venvreg.cli.app import run",
            "from venvreg.cli.app import run\nimport typer.core\ntyper.core.HAS_RICH = True",
        )
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )
    *shown, last = result.stdout.rstrip("\n").split("\n")
    return "\n".join(shown) + result.stderr, json.loads(last)


@pytest.mark.parametrize("args", [["create", "--help"], ["show", "--help"], ["--help"]])
def test_help_is_plain_text_and_does_not_import_rich(args: list[str]) -> None:
    shown, seen = probe(*args)
    assert seen == {"code": 0, "rich": False}
    assert "\\[" not in shown, f"help escaped for rich markup:\n{shown}"
    assert not set("╭╮╰╯│─") & set(shown), f"help drawn by rich:\n{shown}"
    if args != ["--help"]:
        assert "[required]" in shown


def test_a_usage_error_is_plain_text(cli: CliRunner) -> None:
    result = cli("create")
    assert result.returncode == 2
    assert "Missing argument" in result.stderr
    assert not set("╭╮╰╯│─\\") & set(result.stderr), result.stderr


def test_the_setting_is_typer_s_own_and_is_what_keeps_help_plain() -> None:
    """The patch overrides a value typer defines (True here, as rich is installed); undone, help
    is the same except for the escapes typer adds for rich (none on typer 0.20 and later)."""
    default = subprocess.run(
        [sys.executable, "-c", "import typer.core; print(typer.core.HAS_RICH)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert default.stdout.strip() == "True", "typer.core.HAS_RICH is gone: revisit cli/app.py"
    plain, seen = probe("create", "--help")
    unpatched, _ = probe("create", "--help", patched=False)
    assert seen["code"] == 0
    assert unpatched.replace("\\[", "[") == plain
