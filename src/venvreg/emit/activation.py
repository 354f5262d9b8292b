"""The one line of code a shell evaluates to activate an environment.

All the logic (deactivating the current env, hooks, PATH, prompt, `deactivate`) is static code
in shell/venvreg.<shell>; what is emitted is a call to it whose every argument is quoted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import VenvregError
from ..text import quoted
from .quoting import quoter


@dataclass(frozen=True)
class Activation:
    """What the shell needs to activate one env. cd_mode: auto (VIRTUALENVWRAPPER_WORKON_CD
    decides), always (-c) or never (-n)."""

    name: str
    path: str
    bin_dir: str
    prompt: str
    project: str
    cd_mode: str = "auto"


def bash_prompt_text(prompt: str) -> str:
    """The prompt escaped for bash, which decodes `\\` escapes on every draw and may expand `$`
    and backticks (promptvars): both passes are defused whatever the options are now."""
    return "".join(
        "\\\\\\\\" if char == "\\" else "\\" + char if char in "$`" else char for char in prompt
    )


def check_activatable(activation: Activation) -> None:
    """A bin folder holding the PATH separator would split PATH into bogus entries."""
    if os.pathsep in activation.bin_dir:
        raise VenvregError(
            f"cannot activate {quoted(activation.name)}: its path {quoted(activation.path)} "
            f"contains {quoted(os.pathsep)}, the PATH separator"
        )


def activate_code(shell: str, activation: Activation) -> str:
    """`__venvreg_activate NAME PATH BIN PROMPT PROMPT_FOR_PS1 PROJECT CD_MODE`, quoted for
    `shell`; PowerShell gets the same values as a call to its function."""
    check_activatable(activation)
    quote = quoter(shell)
    ps1_prompt = bash_prompt_text(activation.prompt) if shell == "bash" else activation.prompt
    values = [
        activation.name,
        activation.path,
        activation.bin_dir,
        activation.prompt,
        ps1_prompt,
        activation.project,
        activation.cd_mode,
    ]
    return "__venvreg_activate " + " ".join(quote(value) for value in values) + "\n"
