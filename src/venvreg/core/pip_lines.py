"""What a manifest's requirement lines hand to pip beyond package names: options, local paths,
URLs and environment variables, read the way pip reads a requirements file.

`venvreg import` writes the lines into a requirements file for `pip install -r`, where an option
line can send pip to another index (`--index-url`, `--extra-index-url`, `-f`, `--trusted-host`)
or pull in a file nobody reviewed (`-r`, `-c`). pip accepts any unambiguous prefix of a long
option (`--extra-ind=URL`) and `-iURL` with the value glued on, so matching is done the same way.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

# Options that decide where packages come from, or read more lines from elsewhere.
SOURCE_OPTIONS = (
    "--index-url",
    "--extra-index-url",
    "--find-links",
    "--trusted-host",
    "--requirement",
    "--constraint",
)
_SHORT = {"-i": "--index-url", "-f": "--find-links", "-r": "--requirement", "-c": "--constraint",
          "-e": "--editable"}  # fmt: skip
# Every option pip reads in a requirements file, those that take a value first.
_VALUED = (*SOURCE_OPTIONS, "--editable", "--hash", "--config-settings", "--global-option",
           "--no-binary", "--only-binary", "--use-feature")  # fmt: skip
_FLAGS = ("--no-index", "--prefer-binary", "--require-hashes", "--pre")
_PATH_VALUED = ("--editable", "--requirement", "--constraint", "--find-links")
_COMMENT = re.compile(r"(^|\s+)#.*$")
_VARIABLE = re.compile(r"\$\{[A-Z0-9_]+\}")  # pip expands these from the environment
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

OPTION, LOCAL_PATH, URL, VARIABLE = "option", "local path", "url", "environment variable"


@dataclass(frozen=True)
class PipInput:
    """One thing a line passes to pip besides a plain `name==version`."""

    kind: str
    text: str
    changes_source: bool = False


def _long_name(word: str) -> str:
    """The option pip would take `word` for: itself, or the one it abbreviates. An ambiguous
    prefix (pip refuses it) counts as the option that changes the source, if it could be one."""
    known = (*_VALUED, *_FLAGS)
    if word in known:
        return word
    matches = [option for option in known if option.startswith(word)]
    risky = [option for option in matches if option in SOURCE_OPTIONS]
    if risky:
        return risky[0]
    return matches[0] if len(matches) == 1 else word


def _location(value: str) -> PipInput | None:
    """A path or URL given to pip, or None for a plain name."""
    if value.startswith("file:"):
        return PipInput(LOCAL_PATH, value)
    if _URL.match(value):
        return PipInput(URL, value)
    if "/" in value or "\\" in value or value.startswith((".", "~")):
        return PipInput(LOCAL_PATH, value)
    return None


def pip_inputs(line: str) -> list[PipInput]:
    """Every option (with its value), local path, URL and variable that `line` passes to pip."""
    found = [PipInput(VARIABLE, name, True) for name in _VARIABLE.findall(line)]
    text = _COMMENT.sub("", line).strip()
    try:
        words = shlex.split(text)
    except ValueError:  # an unclosed quote: pip would fail on it too; judge the raw words
        words = text.split()
    requirement: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if not word.startswith("-"):
            requirement.append(word)
            continue
        if word.startswith("--"):
            name, glued, value = word.partition("=")
            name = _long_name(name)
            takes_value = name in _VALUED and not glued
        else:
            name = _SHORT.get(word[:2], word[:2])
            value = word[2:]
            takes_value = name in _VALUED and not value
        if takes_value and index < len(words):
            value = words[index]
            index += 1
        shown = f"{word} {value}" if takes_value and value else word
        found.append(PipInput(OPTION, shown, name in SOURCE_OPTIONS))
        if value and name in _PATH_VALUED and (value.startswith("file:") or not _URL.match(value)):
            found.append(PipInput(LOCAL_PATH, value))
    spec = " ".join(requirement)
    if spec:
        target = spec.split("@", 1)[1].strip() if "@" in spec else spec
        where = _location(target)
        if where is not None:
            found.append(where)
    return found


def source_changes(inputs: list[PipInput]) -> list[str]:
    """The texts among `inputs` that change where pip gets packages from."""
    return [item.text for item in inputs if item.changes_source]
