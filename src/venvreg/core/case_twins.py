"""Case twins: env folders in WORKON_HOME whose names differ only in case from a registered
env's (`oldenv` beside `OldEnv`). Names are unique in the registry after case folding, so a
twin has no row; it is listed with a note and activated by its exact name."""

from __future__ import annotations

import os

from ..envdir.identity import looks_like_env
from ..names import name_key, name_problem
from ..registry import envs
from ..text import quoted
from .context import Context


class CaseTwin:
    """An env folder in WORKON_HOME that cannot be registered: `twin_of` has its name.
    Read-only once made."""

    __slots__ = ("name", "path", "twin_of")

    def __init__(self, name: str, path: str, twin_of: str) -> None:
        self.name = name
        self.path = path
        self.twin_of = twin_of

    @property
    def note(self) -> str:
        return f"case twin of {quoted(self.twin_of)}: not indexed, `workon {self.name}` works"


def case_twins(context: Context) -> list[CaseTwin]:
    """Every case twin folder in WORKON_HOME, with the registered name it differs from."""
    rows = envs.names_keys_paths(context.conn)
    registered = {key: name for name, key, _ in rows}
    exact = {name for name, _, _ in rows}
    paths = {path for _, _, path in rows}
    try:
        entries = list(os.scandir(context.home.root))
    except OSError:
        return []
    twins = []
    for entry in entries:
        if entry.name in exact or entry.name.startswith("."):
            continue  # a registered env's own folder (most of them): no twin of anything
        if name_problem(entry.name) is not None:
            continue
        twin_of = registered.get(name_key(entry.name))
        if twin_of is None or twin_of == entry.name or entry.path in paths:
            continue
        if looks_like_env(entry.path):
            twins.append(CaseTwin(entry.name, entry.path, twin_of))
    return sorted(twins, key=lambda twin: (name_key(twin.name), twin.name))
