"""Schema versions as forward migrations, applied under PRAGMA user_version.

Each migration is a function over sqlite-utils' Database (registry/tables.py), called only when
a registry needs it: this module imports nothing, so opening an up-to-date registry never loads
sqlite-utils. Tables are made with `create`, columns added with `add_column`; a change SQLite's
ALTER TABLE cannot make (a column's type, a dropped column, a new primary key) goes through
`transform`, which rebuilds the table and copies its rows. `transform` keeps neither CHECK
constraints nor column-level UNIQUE before sqlite-utils 4, so a migration that transforms `envs`
must write those again (unique ones as indexes)."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not worth its import when opening the registry
if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlite_utils import Database

# sqlite-utils cannot write CHECK constraints, so the envs table of schema 1 is its SQL.
ENVS_V1 = """
CREATE TABLE envs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'ready'
        CHECK (status IN ('creating', 'ready', 'missing', 'removing')),
    origin TEXT NOT NULL CHECK (origin IN ('created', 'found', 'adopted')),
    tool TEXT NOT NULL DEFAULT 'unknown',
    backend TEXT,
    interpreter TEXT,
    python_version TEXT,
    site_packages TEXT,
    project_path TEXT,
    identity TEXT,
    created_at REAL NOT NULL,
    last_used_at REAL,
    use_count INTEGER NOT NULL DEFAULT 0,
    size_bytes INTEGER,
    size_measured_at REAL,
    pending_trash TEXT
)
"""


def _v1(db: Database) -> None:
    """The envs, their package snapshots, and the migrations applied."""
    db.execute(ENVS_V1)
    db.table("snapshots").create(
        {"id": int, "env_name": str, "env_path": str, "taken_at": float, "reason": str,
         "requirements": str},
        pk="id",
        not_null={"env_name", "env_path", "taken_at", "reason", "requirements"},
    )  # fmt: skip
    db.table("snapshots").create_index(["env_name", "taken_at"], index_name="snapshots_by_env")
    db.table("migrations").create(
        {"version": int, "applied_at": float, "pid": int},
        pk="version",
        not_null={"applied_at", "pid"},
    )


def _v2(db: Database) -> None:
    """The health verdict cached with the stat fingerprint it was judged on, the base Python
    folder read from pyvenv.cfg, and small key/value facts (WORKON_HOME's mtime)."""
    for column in ("base_home", "health_problems", "fingerprint"):
        db.table("envs").add_column(column, str)
    db.table("meta").create({"key": str, "value": str}, pk="key", not_null={"value"})


def _v3(db: Database) -> None:
    """When an env was seen made again at its path (its history is kept), and the random token
    a creation writes into its new folder first: the proof that a leftover is its own."""
    db.table("envs").add_column("recreated_at", float)
    db.table("envs").add_column("creation_token", str)


def _v4(db: Database) -> None:
    """Project link trust: the project folder the user linked through venvreg (create -a,
    mkvirtualenv -a, mkproject, project set, setvirtualenvproject). Auto-activation follows an
    env's project_path only while it equals this: a .project that an adopted or found env
    brought along is never followed. The links of envs venvreg created were made with it."""
    db.table("envs").add_column("user_project", str)
    db.execute("UPDATE envs SET user_project = project_path WHERE origin = 'created'")


# Entry N moves the schema from version N to N+1; never change what one that has shipped does.
MIGRATIONS: tuple[Callable[[Database], None], ...] = (_v1, _v2, _v3, _v4)

SCHEMA_VERSION = len(MIGRATIONS)
