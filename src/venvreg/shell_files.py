"""Where the function files of shell/ are: inside the wheel, or in the source tree."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError
from .text import quoted

FILE_NAMES = {
    "bash": "venvreg.bash",
    "zsh": "venvreg.zsh",
    "fish": "venvreg.fish",
    "pwsh": "venvreg.ps1",
    "powershell": "venvreg.ps1",
}


def shell_file(shell: str) -> Path:
    """The installed function file for `shell`."""
    try:
        name = FILE_NAMES[shell]
    except KeyError:
        known = ", ".join(FILE_NAMES)
        raise UsageError(f"unknown shell {quoted(shell)}: choose {known}") from None
    package = Path(__file__).resolve().parent
    for folder in (package / "shell", package.parent.parent / "shell"):
        if (folder / name).is_file():
            return folder / name
    raise UsageError(f"the {shell} function file {name} is missing from this installation")


COMMON_FILE = "venvreg.common.sh"
_BEGIN, _END = "# venvreg-common: begin", "# venvreg-common: end"


def shell_script(shell: str) -> str:
    """The function file's text with the part bash and zsh share inlined, so that
    `eval "$(venvreg init SHELL)"` needs no second file."""
    location = shell_file(shell)
    text = location.read_text(encoding="utf-8")
    if _BEGIN not in text:
        return text
    head, rest = text.split(_BEGIN, 1)
    tail = rest.split(_END, 1)[1].split("\n", 1)[1]
    common = (location.parent / COMMON_FILE).read_text(encoding="utf-8")
    return head + common.rstrip("\n") + "\n" + tail
