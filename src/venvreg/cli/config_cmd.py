"""`venvreg config path|list|get|set|unset`."""

from __future__ import annotations

from typing import Any

import typer

from ..settings.config import KEYS, config_path, load_settings, lookup_key, read_file_values
from ..text import quoted
from .common import wide_option
from .fit import KEY, Column
from .output import message, print_json, print_lines, print_table

config_app = typer.Typer(
    help="Settings in a TOML file (edited in place: your comments survive).\n\n\b\n"
    "Example: venvreg config set trash_days 14",
    no_args_is_help=True,
)


def _source(name: str, in_file: dict[str, Any], ignored: dict[str, str]) -> str:
    if name in ignored:
        return "default (the file's value is bad)"
    return "file" if name in in_file else "default"


def _show(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@config_app.command("path")
def config_path_command() -> None:
    """Print where the config file is (VENVREG_CONFIG overrides it).

    \b
    Example: $EDITOR "$(venvreg config path)"
    """
    print_lines([str(config_path())])


@config_app.command("list")
def config_list(
    as_json: bool = typer.Option(False, "--json", help="JSON object of key to value."),
    wide: bool = wide_option(),
) -> None:
    """Every key with its effective value and where it comes from.

    \b
    Example: venvreg config list
    """
    settings = load_settings()
    in_file = read_file_values()
    if as_json:
        print_json(settings.values)
        return
    rows = [
        [name, _show(settings[name]), _source(name, in_file, settings.ignored), key.help]
        for name, key in KEYS.items()
    ]
    print_table([Column("KEY", KEY), "VALUE", "FROM", "MEANING"], rows)


@config_app.command("get")
def config_get(
    key: str = typer.Argument(..., help="Key, e.g. prune.unused_days."),
    as_json: bool = typer.Option(
        False, "--json", help="JSON object: the key, its value, where it comes from, its default."
    ),
) -> None:
    """Print one key's effective value.

    \b
    Example: venvreg config get trash_days
    """
    known = lookup_key(key)
    settings = load_settings()
    value = settings[key]
    if as_json:
        print_json(
            {
                "key": key,
                "value": value,
                "from": "file"
                if key in read_file_values() and key not in settings.ignored
                else "default",
                "default": known.default,
            }
        )
        return
    print_lines([_show(value)])


@config_app.command("set")
def config_set(
    key: str = typer.Argument(..., help="Key, e.g. backend."),
    value: str = typer.Argument(..., help="New value; checked before it is written."),
) -> None:
    """Set one key in the config file.

    \b
    Example: venvreg config set prune.unused_days 60
    """
    from ..settings.config_edit import set_value

    stored = set_value(key, value)
    message(f"{key} = {quoted(_show(stored))} in {quoted(str(config_path()))}")
    if key == "auto_activate":
        _refresh_shell_index()


@config_app.command("unset")
def config_unset(key: str = typer.Argument(..., help="Key to remove from the file.")) -> None:
    """Remove one key from the config file, so its default applies again. Any key the file
    holds can be removed, one venvreg does not know too (a typo such as trash_dayz).

    \b
    Example: venvreg config unset default_python
    """
    from ..settings.config_edit import unset_value

    if unset_value(key):
        if key in KEYS:
            message(f"{key} removed; the default applies: {_show(KEYS[key].default)}")
        else:
            message(f"{quoted(key)} removed from {quoted(str(config_path()))}")
        if key == "auto_activate":
            _refresh_shell_index()
    else:
        message(f"{key} was not set in {quoted(str(config_path()))}")


def _refresh_shell_index() -> None:
    """auto_activate decides whether the shells' projects file exists: rewrite it now."""
    from ..core.shell_index import publish_index
    from ..registry.db import note_work
    from .common import opened

    note_work()  # the config file has changed: run again, `unset` would find nothing to do
    with opened() as context:
        publish_index(context)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
