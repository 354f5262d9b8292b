-- A registry as venvreg 0.1 (schema 1) wrote it, with rows: made from that schema's own
-- migration, kept to show that newer schemas migrate it without losing a row.
PRAGMA user_version = 1;
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
    );
INSERT INTO "envs" VALUES(1,'demo','demo','/home/me/.virtualenvs/demo','ready','created','virtualenv',NULL,NULL,NULL,NULL,'/home/me/src/demo',NULL,1700000000.5,1700000100.0,7,NULL,NULL,NULL);
INSERT INTO "envs" VALUES(2,'Found','found','/home/me/.virtualenvs/Found','missing','found','unknown',NULL,NULL,NULL,NULL,'/tmp/elsewhere',NULL,1700000001.0,NULL,0,NULL,NULL,NULL);
CREATE TABLE migrations (
        version INTEGER PRIMARY KEY,
        applied_at REAL NOT NULL,
        pid INTEGER NOT NULL
    );
INSERT INTO "migrations" VALUES(1,1700000000.0,4242);
CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        env_name TEXT NOT NULL,
        env_path TEXT NOT NULL,
        taken_at REAL NOT NULL,
        reason TEXT NOT NULL,
        requirements TEXT NOT NULL
    );
INSERT INTO "snapshots" VALUES(1,'old','/home/me/.virtualenvs/old',1700000200.0,'remove','six==1.16.0
idna==3.7');
CREATE INDEX snapshots_by_env ON snapshots (env_name, taken_at);
COMMIT;
