"""Which file a "run" hook is. virtualenvwrapper names them without an extension
(`premkvirtualenv`, `get_env_details`); Windows starts only files with one, so there a hook is
NAME.ps1 (run by pwsh) or NAME.exe, as PowerShell's function file finds them too. A batch file
is refused: cmd.exe would parse the env name passed to it again (`&`, `%`). Standard library
only: the hot path (workon's listing) asks it."""

from __future__ import annotations

import os

# In the order they are looked for on Windows; the last three are found only to be refused.
WINDOWS_CANDIDATES = (".ps1", ".exe", ".bat", ".cmd", "")
STARTABLE = (".ps1", ".exe")


def run_hook_file(base: str, windows: bool = os.name == "nt") -> str | None:
    """The file that is the run hook `base`, or None when there is none."""
    suffixes = WINDOWS_CANDIDATES if windows else ("",)
    for suffix in suffixes:
        if os.path.isfile(base + suffix):
            return base + suffix
    return None


def run_hook_argv(
    base: str, args: tuple[str, ...], windows: bool = os.name == "nt", pwsh: str | None = None
) -> tuple[list[str] | None, str]:
    """The command that runs hook `base` with `args`, or None and why it is skipped ("" when
    there is no hook at all). `pwsh` is the PowerShell that runs a .ps1 hook."""
    found = run_hook_file(base, windows)
    if found is None:
        return None, ""
    if not windows:
        if not os.access(found, os.X_OK):
            return None, f"venvreg: hook {found} is not executable; skipped"
        return [found, *args], ""
    suffix = os.path.splitext(found)[1].lower()
    if suffix in (".bat", ".cmd"):
        return None, (
            f"venvreg: hook {found} is a batch file, which cmd.exe would re-parse; "
            f"write it as {base}.ps1; skipped"
        )
    if suffix not in STARTABLE:
        return None, (
            f"venvreg: hook {found} is not a program Windows can start; "
            f"name it {base}.ps1 or {base}.exe; skipped"
        )
    if suffix == ".ps1":
        if pwsh is None:
            return None, f"venvreg: hook {found} needs pwsh (PowerShell 7) on PATH; skipped"
        return [pwsh, "-NoLogo", "-NoProfile", "-NonInteractive", "-File", found, *args], ""
    return [found, *args], ""
