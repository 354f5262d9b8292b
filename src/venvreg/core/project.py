"""Linking an environment to its project folder, in the registry and in its `.project` file."""

from __future__ import annotations

from ..envdir.project_file import checked_project_folder, write_project_file
from ..registry import envs
from ..registry.db import write_transaction
from ..registry.envs import EnvRecord
from .context import Context
from .lookup import get_env, get_present_env
from .reconcile import reconcile
from .shell_index import publish_index


def set_project(context: Context, name: str, folder: str) -> EnvRecord:
    """Record `folder` (made absolute, must exist) as `name`'s project, as a link the user
    made: auto-activation follows it (a .project an env brought along is not followed)."""
    project = checked_project_folder(folder)
    reconcile(context)
    record = get_present_env(context, name)
    assert record.id is not None
    write_project_file(record.path, project)
    with write_transaction(context.conn):
        envs.update(context.conn, record.id, project_path=project, user_project=project)
    record.project_path = project
    publish_index(context)
    return record


def show_project(context: Context, name: str) -> EnvRecord:
    """The env's row after syncing with its `.project` file (the disk wins)."""
    reconcile(context)
    return get_env(context, name)
