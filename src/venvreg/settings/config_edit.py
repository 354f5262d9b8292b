"""Editing the config file with tomlkit, so the user's comments and layout survive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table

from ..errors import UsageError
from ..fs.atomic import write_text_atomically
from ..text import quoted
from .config import KEYS, config_path, convert_value, lookup_key


def _load(path: Path) -> tomlkit.TOMLDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return tomlkit.document()
    try:
        return tomlkit.parse(text)
    except TOMLKitError as error:
        raise UsageError(f"config file {quoted(str(path))} is not valid TOML: {error}") from None


def _save(path: Path, document: tomlkit.TOMLDocument) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, tomlkit.dumps(document))


def set_value(name: str, raw_value: str) -> Any:
    """Validate and store one key; returns the converted value."""
    key = lookup_key(name)
    value = convert_value(key, raw_value)
    path = config_path()
    document = _load(path)
    *tables, leaf = name.split(".")
    container: Any = document
    for table_name in tables:
        if table_name not in container or not isinstance(container[table_name], Table):
            container[table_name] = tomlkit.table()
        container = container[table_name]
    container[leaf] = value
    _save(path, document)
    return value


def unset_value(name: str) -> bool:
    """Remove one key from the file; False when it was not set there. Any key the file holds
    can be removed, an unknown one too (a typo is fixed with the tool that reports it); a
    name that is neither known nor in the file is an error listing the known keys. A table
    left empty by the removal goes too."""
    path = config_path()
    document = _load(path)
    *tables, leaf = name.split(".")
    container: Any = document
    chain: list[tuple[Any, str]] = []
    for table_name in tables:
        if not isinstance(container, dict) or table_name not in container:
            container = None
            break
        chain.append((container, table_name))
        container = container[table_name]
    if not isinstance(container, dict) or leaf not in container:
        lookup_key(name)  # an unknown name is an error; a known one was just not set
        return False
    if name not in KEYS and isinstance(container[leaf], dict):
        inside = [key for key in KEYS if key.startswith(f"{name}.")]
        if inside:
            raise UsageError(
                f"{quoted(name)} is a table holding {', '.join(inside)}: unset those keys"
            )
    del container[leaf]
    for parent, table_name in reversed(chain):
        if parent[table_name]:
            break
        del parent[table_name]
    _save(path, document)
    return True
