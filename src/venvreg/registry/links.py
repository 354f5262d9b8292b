"""Project links and their trust: which env/project pairs auto-activation may act on."""

from __future__ import annotations

import sqlite3


def link_is_trusted(conn: sqlite3.Connection, env_id: int) -> bool:
    """Is the env's current project link one the user made through venvreg?"""
    row = conn.execute(
        "SELECT project_path IS NOT NULL AND project_path = user_project FROM envs WHERE id = ?",
        (env_id,),
    ).fetchone()
    return bool(row and row[0])


def trusted_projects(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(project folder, env name) of every ready env whose project link the user made through
    venvreg: the env's project_path (kept in step with its .project file) still equals it."""
    rows = conn.execute(
        "SELECT project_path, name FROM envs WHERE status = 'ready' "
        "AND project_path IS NOT NULL AND project_path != '' AND project_path = user_project"
    ).fetchall()
    return [(project, name) for project, name in rows]
