"""The one line of code a shell evaluates to activate an environment.

All the logic (deactivating the current env, hooks, PATH, prompt, `deactivate`) is static code
in the shell's function file in shell/; what is emitted is a call to it, every argument quoted.
"""

from __future__ import annotations

import os

from ..errors import VenvregError
from ..text import quoted
from .code import ShellCode


class Activation:
    """What the shell needs to activate one env; `cd` says whether to enter the project.
    (A plain class: dataclasses would double the cost of `workon`'s imports.)"""

    __slots__ = ("bin_dir", "cd", "hook_dir", "name", "path", "project", "prompt", "workon_home")

    def __init__(
        self,
        *,
        name: str,
        path: str,
        bin_dir: str,
        prompt: str,
        project: str,
        cd: bool,
        hook_dir: str,
        workon_home: str,
    ) -> None:
        self.name = name
        self.path = path
        self.bin_dir = bin_dir
        self.prompt = prompt
        self.project = project
        self.cd = cd
        self.hook_dir = hook_dir
        self.workon_home = workon_home


def bash_prompt_text(prompt: str) -> str:
    """The prompt escaped for bash, which decodes `\\` escapes on every draw and may expand `$`
    and backticks (promptvars): both passes are defused whatever the options are now, and with
    promptvars on (the default) the prompt reads exactly as given. `$` is `\\\\$`, not the `\\$`
    escape, which bash draws as `#` for root."""
    return "".join(
        "\\\\\\\\" if char == "\\" else "\\\\$" if char == "$" else "\\`" if char == "`" else char
        for char in prompt
    )


def check_activatable(activation: Activation) -> None:
    """A bin folder holding the PATH separator would split PATH into bogus entries."""
    if os.pathsep in activation.bin_dir:
        raise VenvregError(
            f"cannot activate {quoted(activation.name)}: its path {quoted(activation.path)} "
            f"contains {quoted(os.pathsep)}, the PATH separator"
        )


def activate_call(code: ShellCode, activation: Activation) -> ShellCode:
    """`__venvreg_activate NAME ENV BIN PROMPT PS1_PROMPT PROJECT CD HOOK_DIR WORKON_HOME`, every
    value quoted for `code.shell` (PowerShell's function takes the same positional values)."""
    check_activatable(activation)
    ps1_prompt = bash_prompt_text(activation.prompt) if code.shell == "bash" else activation.prompt
    values = [
        activation.name,
        activation.path,
        activation.bin_dir,
        activation.prompt,
        ps1_prompt,
        activation.project,
        "1" if activation.cd else "0",
        activation.hook_dir,
        activation.workon_home,
    ]
    return code.call("__venvreg_activate", *values)
