"""Project links and their trust: which env/project pairs auto-activation may act on."""

from __future__ import annotations

import os
import sqlite3


def set_user_project(conn: sqlite3.Connection, env_id: int, project: str | None) -> None:
    """Record `project` as linked by the user through venvreg (the caller holds the write
    transaction, and sets project_path to the same value)."""
    conn.execute("UPDATE envs SET user_project = ? WHERE id = ?", (project, env_id))


def trusted_projects(conn: sqlite3.Connection, workon_home: str) -> list[tuple[str, str]]:
    """(project folder, env name) of every ready env whose project link auto-activation may
    follow: one the user made through venvreg, or any link of an env venvreg created directly
    inside `workon_home` (its folder, .project included, is venvreg's own)."""
    rows = conn.execute(
        "SELECT name, path, origin, project_path, user_project FROM envs "
        "WHERE status = 'ready' AND project_path IS NOT NULL AND project_path != ''"
    ).fetchall()
    home = os.path.normpath(workon_home)
    trusted = []
    for name, path, origin, project, user_project in rows:
        own = origin == "created" and os.path.dirname(path) == home
        if own or project == user_project:
            trusted.append((project, name))
    return trusted
