"""Configuration keys, their defaults and validation, and reading the TOML file.

Standard library only and no dataclasses or pathlib at import time: the shell hot path reads
the config when WORKON_HOME is not set. Editing (which keeps the user's comments) lives in
config_edit.py, on the cold path.
"""

from __future__ import annotations

import os
import sys

from ..errors import UsageError
from ..text import escape_text, quoted

# typing costs more to import than the whole hot path: type-only imports stay unexecuted
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

BACKENDS = ("virtualenv", "venv", "uv")
CONFIG_ENV_VAR = "VENVREG_CONFIG"


def _as_path(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a folder path")
    expanded = os.path.expanduser(value)
    if not os.path.isabs(expanded):
        raise ValueError(f"expected an absolute path, got {quoted(value)}")
    return value


def _as_text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("expected a non-empty string")
    return value


def _as_backend(value: object) -> str:
    if value not in BACKENDS:
        raise ValueError(f"expected one of {', '.join(BACKENDS)}")
    return str(value)


def _as_whole_number(minimum: int) -> Callable[[object], int]:
    def convert(value: object) -> int:
        if isinstance(value, bool):
            raise ValueError("expected a whole number")
        try:
            number = int(str(value)) if isinstance(value, str) else value
        except ValueError:
            raise ValueError("expected a whole number") from None
        if not isinstance(number, int) or number < minimum:
            raise ValueError(f"expected a whole number of at least {minimum}")
        return number

    return convert


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise ValueError("expected true or false")


class ConfigKey:
    """One setting: its dotted name, default, converter and one-line help."""

    __slots__ = ("convert", "default", "help", "name")

    def __init__(
        self, name: str, default: Any, convert: Callable[[object], Any], help: str
    ) -> None:
        self.name = name
        self.default = default
        self.convert = convert
        self.help = help


KEYS: dict[str, ConfigKey] = {
    key.name: key
    for key in (
        ConfigKey(
            "workon_home",
            None,
            _as_path,
            "Folder holding the environments (WORKON_HOME wins; default ~/.virtualenvs)",
        ),
        ConfigKey(
            "default_python",
            None,
            _as_text,
            "Interpreter for new environments when -p is not given: a path or a spec like 3.12",
        ),
        ConfigKey("backend", "virtualenv", _as_backend, "Creation backend: virtualenv, venv or uv"),
        ConfigKey(
            "trash_days",
            30,
            _as_whole_number(0),
            "Days a removed environment stays in the trash (0 keeps it until `trash empty`)",
        ),
        ConfigKey(
            "prune.unused_days",
            90,
            _as_whole_number(1),
            "Days without use after which `prune` proposes an environment",
        ),
        ConfigKey(
            "auto_activate",
            False,
            _as_bool,
            "Activate an environment when the shell enters its project folder",
        ),
    )
}


def config_path() -> Path:
    """Where the config file lives: $VENVREG_CONFIG, else platformdirs' user config dir."""
    from pathlib import Path

    return Path(config_file())


def config_file() -> str:
    """config_path() as a string, without importing pathlib."""
    override = os.environ.get(CONFIG_ENV_VAR)
    if override:
        return override
    return os.path.join(user_config_folder(), "config.toml")


def user_config_dir() -> Path:
    """platformdirs.user_config_dir('venvreg')."""
    from pathlib import Path

    return Path(user_config_folder())


def user_config_folder() -> str:
    """platformdirs.user_config_dir('venvreg'), computed without importing it on POSIX."""
    if sys.platform == "win32":  # pragma: no cover - exercised where Windows runs
        import platformdirs

        return str(platformdirs.user_config_dir("venvreg"))
    home = os.path.expanduser("~")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "venvreg")
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    if not base or not os.path.isabs(base):
        base = os.path.join(home, ".config")
    return os.path.join(base, "venvreg")


def lookup_key(name: str) -> ConfigKey:
    """The key called `name`, or a UsageError listing the known ones."""
    try:
        return KEYS[name]
    except KeyError:
        known = ", ".join(KEYS)
        raise UsageError(f"unknown configuration key {quoted(name)} (known: {known})") from None


def convert_value(key: ConfigKey, value: object) -> Any:
    """Validate and convert a value for `key`, naming the key when it is wrong."""
    try:
        return key.convert(value)
    except ValueError as error:
        raise UsageError(f"bad value for {key.name}: {error}") from None


def _load_toml(data: bytes) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    document: dict[str, Any] = tomllib.loads(data.decode("utf-8"))
    return document


def read_file_values(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The raw values in the config file, flattened to dotted keys; {} when there is no file."""
    path = path or config_file()
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise UsageError(f"cannot read config file {quoted(str(path))}: {error.strerror}") from None
    try:
        document = _load_toml(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"config file {quoted(str(path))} is not valid TOML: {error}") from None
    flat: dict[str, Any] = {}

    def walk(prefix: str, table: dict[str, Any]) -> None:
        for key, value in table.items():
            dotted = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(dotted + ".", value)
            else:
                flat[dotted] = value

    walk("", document)
    return flat


class Settings:
    """The effective configuration: file values validated, defaults filled in. `ignored` maps
    each key the file got wrong (unknown, or a bad value) to the warning given for it."""

    __slots__ = ("ignored", "values")

    def __init__(self, values: dict[str, Any], ignored: dict[str, str] | None = None) -> None:
        self.values = values
        self.ignored = ignored or {}

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


# Warnings already printed by this process: a command that reads the settings twice warns once.
_warned: set[str] = set()


def key_line(text: str, dotted: str) -> int | None:
    """The line (from 1) where the file sets `dotted`, read the way TOML nests tables: a
    `[table]` header, then `key = ...`, or a dotted `table.key = ...`. Quoted parts are
    unquoted; None when no line matches (an inline table, say)."""
    table = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("[") and not line.startswith("[["):
            table = _bare_key(line.strip("[] \t").split("]")[0])
            continue
        if "=" not in line or line.startswith("#"):
            continue
        key = _bare_key(line.split("=", 1)[0])
        if (f"{table}.{key}" if table else key) == dotted:
            return number
    return None


def _bare_key(text: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in text.split("."))


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read and validate the config file. An unknown key or a bad value does not stop the
    command: a warning on stderr names the file, the line and the key (once per process), and
    the key keeps its default, so a typo never blocks the user from fixing it."""
    path = path or config_file()
    raw = read_file_values(path)
    values = {name: key.default for name, key in KEYS.items()}
    ignored: dict[str, str] = {}
    for name, value in raw.items():
        key = KEYS.get(name)
        if key is None:
            known = ", ".join(KEYS)
            ignored[name] = (
                f"unknown key {quoted(name)} ignored (known: {known}); "
                f"`venvreg config unset {_word(name)}` removes it"
            )
            continue
        try:
            values[name] = key.convert(value)
        except ValueError as error:
            shown = "unset" if key.default is None else _shown(key.default)
            ignored[name] = f"bad value for {name}: {error}; using the default ({shown})"
    if ignored:
        _warn(str(path), ignored)
    return Settings(values, ignored)


def _word(name: str) -> str:
    """`name` as one shell word in a hint: bare when it is a plain key, else quoted."""
    if name and all(char.isalnum() or char in "._-" for char in name) and name.isascii():
        return name
    return "'" + escape_text(name).replace("'", "'\\''") + "'"


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _warn(path: str, ignored: dict[str, str]) -> None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        text = ""
    for name, why in ignored.items():
        line = key_line(text, name)
        where = escape_text(path) + (f":{line}" if line is not None else "")
        warning = f"venvreg: warning: {where}: {why}"
        if warning not in _warned:
            _warned.add(warning)
            print(warning, file=sys.stderr, flush=True)
