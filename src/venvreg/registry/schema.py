"""Schema versions as forward migrations, applied under PRAGMA user_version."""

from __future__ import annotations

# Each entry moves the schema from version N to N+1; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
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
    );
    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        env_name TEXT NOT NULL,
        env_path TEXT NOT NULL,
        taken_at REAL NOT NULL,
        reason TEXT NOT NULL,
        requirements TEXT NOT NULL
    );
    CREATE INDEX snapshots_by_env ON snapshots (env_name, taken_at);
    CREATE TABLE migrations (
        version INTEGER PRIMARY KEY,
        applied_at REAL NOT NULL,
        pid INTEGER NOT NULL
    );
    """,
    # 2: the health verdict cached with the stat fingerprint it was judged on, the base
    # Python folder read from pyvenv.cfg, and small key/value facts (WORKON_HOME's mtime).
    """
    ALTER TABLE envs ADD COLUMN base_home TEXT;
    ALTER TABLE envs ADD COLUMN health_problems TEXT;
    ALTER TABLE envs ADD COLUMN fingerprint TEXT;
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 3: when an env was seen made again at its path (its history is kept), and the random
    # token a creation writes into its new folder first: the proof that a leftover is its own.
    """
    ALTER TABLE envs ADD COLUMN recreated_at REAL;
    ALTER TABLE envs ADD COLUMN creation_token TEXT;
    """,
    # 4 (project link trust): the project folder the user linked through venvreg (create -a,
    # mkvirtualenv -a, mkproject, project set, setvirtualenvproject). Auto-activation follows an
    # env's project_path only while it equals this: a .project that an adopted or found env
    # brought along is never followed. The links of envs venvreg created were made with it.
    """
    ALTER TABLE envs ADD COLUMN user_project TEXT;
    UPDATE envs SET user_project = project_path WHERE origin = 'created';
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
