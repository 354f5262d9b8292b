-- The empty schema 4 as its hand-written migrations made it: the migrations written with
-- sqlite-utils must make the same tables, columns, defaults and indexes.
PRAGMA user_version = 4;
BEGIN TRANSACTION;
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
    , base_home TEXT, health_problems TEXT, fingerprint TEXT, recreated_at REAL, creation_token TEXT, user_project TEXT);
CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
CREATE TABLE migrations (
        version INTEGER PRIMARY KEY,
        applied_at REAL NOT NULL,
        pid INTEGER NOT NULL
    );
INSERT INTO "migrations" VALUES(1,1700000000.0,4242);
INSERT INTO "migrations" VALUES(2,1700000001.0,4242);
INSERT INTO "migrations" VALUES(3,1700000002.0,4242);
INSERT INTO "migrations" VALUES(4,1700000003.0,4242);
CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        env_name TEXT NOT NULL,
        env_path TEXT NOT NULL,
        taken_at REAL NOT NULL,
        reason TEXT NOT NULL,
        requirements TEXT NOT NULL
    );
CREATE INDEX snapshots_by_env ON snapshots (env_name, taken_at);
COMMIT;
