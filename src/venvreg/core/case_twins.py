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

TYPE_CHECKING = False  # typing itself is too costly to import for a listing
if TYPE_CHECKING:
    from collections.abc import Iterable


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


def case_twins(context: Context, unregistered: Iterable[str]) -> list[CaseTwin]:
    """Every case twin folder in WORKON_HOME, with the registered name it differs from, among
    `unregistered`: the names of its folders that have no row, as a reconcile or a read of
    WORKON_HOME just found them (so a listing of 10,000 envs reads neither WORKON_HOME nor
    every name again)."""
    root = context.home.root
    folders = [
        (name, os.path.join(root, name))
        for name in unregistered
        if name[:1] != "." and name_problem(name) is None
    ]
    folders = [(name, path) for name, path in folders if looks_like_env(path)]
    if not folders:
        return []
    rows = envs.names_keys_paths(context.conn)
    registered = {key: name for name, key, _ in rows}
    paths = {path for _, _, path in rows}
    twins = []
    for name, path in folders:
        twin_of = registered.get(name_key(name))
        if twin_of is not None and twin_of != name and path not in paths:
            twins.append(CaseTwin(name, path, twin_of))
    return sorted(twins, key=lambda twin: (name_key(twin.name), twin.name))
