"""Temporary environments (mktmpenv): the envs venvreg itself made to be deleted at `deactivate`.

A README.tmpenv file proves nothing on its own: old virtualenvwrapper temp envs that a user
kept carry it, and so can any adopted or found env. Only the registry's record of what mktmpenv
made (the env's row id, path and creation time, under one `meta` key) lets `deactivate` delete
an env, and then through the one removal path (core/remove.py), which touches only the env's
own entries.
"""

from __future__ import annotations

import json

from ..registry import envs
from ..registry.db import write_transaction
from ..registry.envs import EnvRecord
from .context import Context

META_KEY = "temp_envs"


def _load(context: Context) -> dict[str, dict[str, object]]:
    raw = envs.get_meta(context.conn, META_KEY)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _stamp(record: EnvRecord) -> dict[str, object]:
    return {"path": record.path, "created_at": record.created_at}


def mark_temporary(context: Context, record: EnvRecord) -> None:
    """Record that mktmpenv made `record` (rows gone since are dropped from the record)."""
    with write_transaction(context.conn):
        data = _load(context)
        alive = {str(other.id) for other in envs.all_records(context.conn)}
        data = {key: value for key, value in data.items() if key in alive}
        data[str(record.id)] = _stamp(record)
        envs.set_meta(context.conn, META_KEY, json.dumps(data, sort_keys=True))


def is_temporary(context: Context, record: EnvRecord) -> bool:
    """Did mktmpenv make this very env (same row, path and creation time)?"""
    if record.origin != "created" or record.id is None:
        return False
    return _load(context).get(str(record.id)) == _stamp(record)
