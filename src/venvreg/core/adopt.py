"""Adopting an environment where it is (origin `adopted`), and forgetting one.

Adopting registers the folder in place: nothing is copied or moved, since venvs embed their
absolute path. Only what scan calls an env is adopted (boundary.not_env_reason, with scan's
reason when refused). The only write into the env is its `.project` file, when venvreg found
the project, the env had none and its folder holds nothing but the env, so that `workon`
changes into the project as virtualenvwrapper's does; the registry keeps the project from
that file (the disk is the truth).

The name rule: the project folder's name; without a project, the env folder's name, or its
parent's for an in-project `.venv`, `venv`, `.env` or `env`. Characters a name cannot hold
become `-`, leading dots and dashes go. When the name is taken (compared after case folding),
`-2`, `-3`, ... is appended: the first free one wins. A name given with --name is used as it
is, and a taken one is an error. Adopting the path of an adopted env whose folder was made
again since (`uv sync` after `rm -rf .venv`) brings its row up to date under its name.
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..envdir.boundary import foreign_entries, not_env_reason
from ..envdir.identity import looks_like_env
from ..envdir.owners import IN_PROJECT_NAMES, Ownership, ProjectFinder, classify
from ..envdir.project_file import write_project_file
from ..envdir.venv import inspect_venv
from ..errors import Refused, UsageError, VenvregError
from ..names import MAX_NAME_BYTES, MAX_NAME_LENGTH, name_key, name_problem, validate_name
from ..registry import envs, tables
from ..registry.db import write_transaction
from ..registry.envs import EnvRecord
from ..settings.paths import is_within
from ..text import is_utf8, quoted
from .context import Context
from .lookup import get_env
from .reconcile import reconcile, record_for_folder
from .shell_index import publish_index
from .size_cache import SizeCache

_FORBIDDEN = re.compile(r'[/\\<>:"|?*]+')
MAX_SUFFIX = 10_000


@dataclass(frozen=True)
class AdoptResult:
    """The new row; `wanted` is the name before any -N suffix; `project_written` when venvreg
    wrote the env's .project; `note` says what could not be done (the adoption still stands);
    `foreign`: the folder's entries that no venv tool made (it is also a project)."""

    record: EnvRecord
    wanted: str
    ownership: Ownership
    project_written: bool
    note: str | None = None
    foreign: tuple[str, ...] = ()


@dataclass(frozen=True)
class ForgetResult:
    """The row that was dropped; the folder is untouched."""

    record: EnvRecord


def sanitize_name(text: str) -> str:
    """`text` made into a legal name (see the module's rule); "env" when nothing is left."""
    cleaned = "".join(
        "-" if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") else c for c in text
    )
    cleaned = re.sub(r"-{2,}", "-", _FORBIDDEN.sub("-", cleaned))
    cleaned = cleaned.lstrip(".- ")[:MAX_NAME_LENGTH]
    while len(cleaned.encode("utf-8")) > MAX_NAME_BYTES:
        cleaned = cleaned[:-1]
    cleaned = cleaned.rstrip(" .-")
    if cleaned and name_problem(cleaned) is not None:  # a Windows device name such as CON
        cleaned += "-env"
    return cleaned if cleaned and name_problem(cleaned) is None else "env"


def derive_name(env_path: str, project: str | None) -> str:
    """The name an env gets when none is given (the module's rule, before collisions)."""
    if project:
        base = os.path.basename(os.path.normpath(project))
    else:
        base = os.path.basename(env_path)
        if base in IN_PROJECT_NAMES:
            base = os.path.basename(os.path.dirname(env_path))
    return sanitize_name(base)


def unique_name(context: Context, wanted: str, taken: set[str] | None = None) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`, ...: the first free in the registry and in `taken`
    (name keys already promised to others in the same batch)."""
    reserved = taken or set()
    for number in range(1, MAX_SUFFIX):
        suffix = "" if number == 1 else f"-{number}"
        candidate = wanted[: MAX_NAME_LENGTH - len(suffix)] + suffix
        free = name_key(candidate) not in reserved
        if free and envs.get_by_name(context.conn, candidate) is None:
            return candidate
    raise VenvregError(f"no free name like {quoted(wanted)}; pass one with --name")


def _workon_homes(context: Context) -> set[str]:
    root = context.home.root
    return {str(root), os.path.realpath(root)}


def registered_as(context: Context, path: str) -> EnvRecord | None:
    """The row for this folder, by path or by device and inode (reached by another path)."""
    record = envs.get_by_path(context.conn, path)
    if record is not None:
        return record
    try:
        wanted = os.stat(path)
    except OSError:
        return None
    for other in envs.all_records(context.conn):
        try:
            status = os.stat(other.path)
        except OSError:
            continue
        if (status.st_dev, status.st_ino) == (wanted.st_dev, wanted.st_ino):
            return other
    return None


def check_adoptable(context: Context, path: str) -> str:
    """The absolute path to register, or Refused/UsageError. An adopted env whose folder was
    made again at its path (as `uv sync` does) is already registered: the listing that every
    command starts with brings its row up to date and keeps its history."""
    env_path = os.path.abspath(os.path.expanduser(path))  # symlinks kept, as for WORKON_HOME
    if not is_utf8(env_path):
        raise UsageError(f"{quoted(path)} is not valid UTF-8; rename the folder to adopt it")
    reason = not_env_reason(env_path) if os.path.isdir(env_path) else "not a folder"
    if reason is not None:  # scan's own rule, so adopt takes exactly what scan calls an env
        raise Refused(f"{quoted(env_path)} is not a virtual environment: {reason}")
    state = os.path.realpath(context.home.state)
    if is_within(os.path.realpath(env_path), state):
        raise Refused(f"{quoted(env_path)} is inside venvreg's own folder {quoted(state)}")
    existing = registered_as(context, env_path)
    if os.path.dirname(env_path) in _workon_homes(context) or (
        os.path.realpath(os.path.dirname(env_path)) == os.path.realpath(context.home.root)
    ):
        known = f" as {quoted(existing.name)}" if existing else ""
        raise Refused(
            f"{quoted(env_path)} is in WORKON_HOME, where every environment is registered "
            f"automatically{known}; nothing to adopt"
        )
    if existing is not None:
        raise Refused(f"{quoted(env_path)} is already registered as {quoted(existing.name)}")
    return env_path


def plan_name(
    context: Context, path: str, taken: set[str] | None = None
) -> tuple[str, Ownership, str | None]:
    """(name it would get, owner, project folder) for an adoptable env, without writing."""
    info = inspect_venv(Path(os.path.abspath(path)))
    ownership = classify(
        str(info.path), info.cfg, conda=info.tool == "conda", workon_homes=_workon_homes(context)
    )
    project = ProjectFinder().guess(str(info.path), ownership)
    name = unique_name(context, derive_name(str(info.path), project.path), taken)
    return name, ownership, project.path


def adopt(context: Context, path: str, name: str | None = None) -> AdoptResult:
    """Register the env at `path` in place, under `name` or a derived one (module's rule)."""
    reconcile(context)
    env_path = check_adoptable(context, path)
    if name is not None:
        validate_name(name)
        if envs.get_by_name(context.conn, name) is not None:
            raise UsageError(f"an environment named {quoted(name)} already exists")
    info = inspect_venv(Path(env_path))
    ownership = classify(
        env_path, info.cfg, conda=info.tool == "conda", workon_homes=_workon_homes(context)
    )
    project = ProjectFinder().guess(env_path, ownership)
    wanted = name if name is not None else derive_name(env_path, project.path)
    written, note = False, None
    foreign = tuple(foreign_entries(env_path, limit=4))
    if foreign:  # the folder is also the user's: venvreg writes nothing into it
        pass
    elif project.path and not project.declared:
        try:
            write_project_file(env_path, project.path)
            written = True
        except OSError as error:
            note = (
                f"its project {quoted(project.path)} could not be recorded in the env's .project "
                f"file ({error.strerror}); `venvreg project set` can try again"
            )
    try:
        record = _register(context, env_path, wanted, ownership, explicit=name is not None)
    except BaseException:
        if written:
            write_project_file(env_path, None)  # leave the folder as we found it
        raise
    publish_index(context)
    return AdoptResult(record, wanted, ownership, written, note, foreign)


def _fresh_record(context: Context, env_path: str, name: str, ownership: Ownership) -> EnvRecord:
    """A row describing the folder now, with a size a scan measured if it is still good."""
    record = record_for_folder(env_path, name, "adopted", time.time())
    record.tool = ownership.owner
    known = SizeCache.load(context.home).get(env_path, record.identity, record.site_packages)
    if known is not None:  # measured by a scan: `ls` need not walk it again
        record.size_bytes, record.size_measured_at = known
    return record


def _register(
    context: Context, env_path: str, wanted: str, ownership: Ownership, explicit: bool
) -> EnvRecord:
    record = _fresh_record(context, env_path, wanted, ownership)
    with write_transaction(context.conn):
        other = envs.get_by_path(context.conn, env_path)
        if other is not None:  # another shell adopted it meanwhile
            raise Refused(f"{quoted(env_path)} is already registered as {quoted(other.name)}")
        if explicit:
            if envs.get_by_name(context.conn, wanted) is not None:
                raise UsageError(f"an environment named {quoted(wanted)} already exists")
        else:
            record.name = unique_name(context, wanted)
        tables.insert_env(context.conn, record)
    return record


def forget(context: Context, name: str) -> ForgetResult:
    """Drop `name` from the registry; no file is touched (not even its .project).

    Refused for a folder that is in WORKON_HOME: every env there is registered automatically,
    so forgetting it would last only until the next listing and would lose its history.
    """
    reconcile(context)
    record = get_env(context, name)
    if record.status == "removing":
        raise Refused(f"{quoted(record.name)} is being removed right now")
    if os.path.dirname(record.path) in _workon_homes(context) and looks_like_env(record.path):
        raise Refused(
            f"{quoted(record.name)} is a folder in WORKON_HOME ({quoted(record.path)}), where "
            "every environment is registered automatically: the next listing would register "
            "it again. Move the folder out of WORKON_HOME to stop tracking it, or "
            f"`venvreg rm {quoted(record.name)}` to delete it"
        )
    assert record.id is not None
    with write_transaction(context.conn):
        envs.delete(context.conn, record.id)
    publish_index(context)
    return ForgetResult(record)
