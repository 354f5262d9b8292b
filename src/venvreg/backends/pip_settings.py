"""pip's index settings, handed to uv, so that the uv backend finds packages where pip would.

`uv venv --seed` downloads pip (and, before Python 3.12, setuptools and wheel) itself, and uv
reads none of pip's settings: behind a mirror or offline with a wheel folder it fails where the
virtualenv and venv backends work. This reads the settings the way pip does, for the keys that
say where packages come from and how to reach them: its config files (`PIP_CONFIG_FILE`, then the
global, user and site files, later ones winning; `[install]` over `[global]`) and then the
`PIP_*` variables over them; a `UV_*` variable the user set wins over all of it.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Iterable

# pip's key -> uv's variables (`no-index`, a flag, is handled apart). pip separates several
# values with whitespace; UV_FIND_LINKS takes commas, the others whitespace.
_KEYS: dict[str, tuple[str, ...]] = {
    "index-url": ("UV_INDEX_URL", "UV_DEFAULT_INDEX"),
    "extra-index-url": ("UV_EXTRA_INDEX_URL", "UV_INDEX"),
    "find-links": ("UV_FIND_LINKS",),
    "trusted-host": ("UV_INSECURE_HOST",),
    "cert": ("SSL_CERT_FILE",),
}
_TRUE = ("1", "true", "yes", "on", "y")


def _config_files() -> list[str]:
    """pip's config files, in the order pip reads them (later ones override earlier ones)."""
    if sys.platform == "win32":  # pragma: no cover - exercised where Windows runs
        return []
    home = os.path.expanduser("~")
    xdg_dirs = os.environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    files = [os.path.join(d, "pip", "pip.conf") for d in xdg_dirs.split(os.pathsep) if d]
    files.append("/etc/pip.conf")
    own = os.environ.get("PIP_CONFIG_FILE")
    if not (own and os.path.exists(own)):  # pip skips the user's files when this one exists
        config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
        files += [
            os.path.join(home, ".pip", "pip.conf"),
            os.path.join(config_home, "pip", "pip.conf"),
        ]
    if os.environ.get("VIRTUAL_ENV"):
        files.append(os.path.join(os.environ["VIRTUAL_ENV"], "pip.conf"))
    if own:
        files.append(own)
    return files


def _from_files(files: Iterable[str]) -> dict[str, str]:
    """As pip merges its files: each section across all files (a later file wins), then
    `[install]` over `[global]`, whichever file either came from."""
    sections: dict[str, dict[str, str]] = {"global": {}, "install": {}}
    for path in files:
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError, OSError):
            continue  # pip refuses a broken file itself; uv then simply gets nothing from it
        for section, found in sections.items():
            if parser.has_section(section):
                for key, value in parser.items(section):
                    found[key.replace("_", "-")] = value
    return {**sections["global"], **sections["install"]}


def pip_index_settings() -> dict[str, str]:
    """pip's effective values for the keys above and `no-index`; absent keys left out."""
    if os.environ.get("PIP_CONFIG_FILE") == os.devnull:
        values: dict[str, str] = {}
    else:
        values = _from_files(_config_files())
    for key in (*_KEYS, "no-index"):
        variable = "PIP_" + key.upper().replace("-", "_")
        if variable in os.environ:
            values[key] = os.environ[variable]
    return {key: value for key, value in values.items() if key in _KEYS or key == "no-index"}


def uv_index_options() -> tuple[dict[str, str], list[str]]:
    """The variables and flags that give uv pip's index settings, leaving alone whatever the
    user already told uv (any of the uv variables for that setting)."""
    variables: dict[str, str] = {}
    flags: list[str] = []
    for key, value in pip_index_settings().items():
        words = value.split()
        if key == "no-index":
            if value.strip().lower() in _TRUE:
                flags.append("--no-index")
            continue
        names = _KEYS[key]
        if not words or any(name in os.environ for name in names):
            continue
        if key == "find-links":
            variables[names[0]] = ",".join(words)
        elif key == "cert":
            variables[names[0]] = value.strip()
        else:
            variables[names[0]] = " ".join(words)
    return variables, flags
