"""Finding a registered environment by name, with the error every command gives.

Names are unique in the registry after case folding, but a case-sensitive disk may hold env
folders whose names differ only in case (`oldenv` and `OldEnv`, left by virtualenvwrapper or
plain virtualenv): only one of them can be registered; the others are "case twins", listed
with a note and activated by their exact name, never mistaken for the registered one."""

from __future__ import annotations

import os

from ..envdir.identity import looks_like_env
from ..errors import NotFound, VenvregError
from ..names import did_you_mean, env_folders, env_folders_like, name_problem
from ..registry import envs
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context
from .reconcile import reconcile


def find_record(context: Context, name: str) -> EnvRecord | None:
    """The row for `name`: the exact name first; a match after case folding only when it is
    unique (no case twin folder in WORKON_HOME). An env folder made in WORKON_HOME by plain
    virtualenv and not indexed yet is registered on the spot: the disk is the truth."""
    record = envs.get_by_name(context.conn, name)
    if (
        record is None
        and name_problem(name) is None
        and looks_like_env(context.home.env_path(name))
    ):
        reconcile(context, rescan_home=True)
        record = envs.get_by_name(context.conn, name)
    if record is not None and record.name != name:
        _refuse_case_twins(context, name, record)
    return record


def _refuse_case_twins(context: Context, name: str, record: EnvRecord) -> None:
    """`name` matched `record` only after case folding: refuse when a twin folder makes that
    match not unique, or when `name` is exactly a twin's (it has no row to act on)."""
    root = str(context.home.root)
    twins = [
        twin
        for twin in env_folders_like(root, name)
        if twin != record.name and os.path.join(root, twin) != record.path
    ]
    if name in twins:
        raise NotFound(
            f"{quoted(name)} is not indexed: its name differs only in case from the registered "
            f"{quoted(record.name)} and venvreg keeps names unique after case folding; "
            f"`workon {name}` still activates it; `venvreg rename {quoted(record.name)} NEW` "
            "frees the name, and the next listing indexes it"
        )
    if twins:
        every = ", ".join(quoted(n) for n in sorted([record.name, *twins]))
        raise VenvregError(
            f"{quoted(name)} is ambiguous: the environments {every} differ only in case; "
            "give the exact name"
        )


def get_env(context: Context, name: str) -> EnvRecord:
    """The row for `name`, or NotFound."""
    record = find_record(context, name)
    if record is None or record.status == "creating":
        raise not_found(context, name)
    return record


def not_found(context: Context, name: str) -> NotFound:
    """The error for a name no env has, with the names a typo was probably meant as."""
    hint = did_you_mean(name, _known_names(context)) or "see `venvreg list`"
    return NotFound(f"no environment named {quoted(name)} ({hint})")


def _known_names(context: Context) -> list[str]:
    """Registered names and env folders of WORKON_HOME not indexed yet: what a typo may mean."""
    known = {name for name, _, _ in envs.names_keys_paths(context.conn)}
    return [*known, *env_folders(str(context.home.root), known)]


def get_present_env(context: Context, name: str) -> EnvRecord:
    """Like get_env, for operations that need the folder: a missing one is an error."""
    record = get_env(context, name)
    if record.status == "missing":
        raise VenvregError(
            f"the folder of {quoted(record.name)} is gone ({quoted(record.path)}); "
            f"`venvreg rm {quoted(record.name)}` forgets it"
        )
    return record
