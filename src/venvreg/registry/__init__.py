"""The SQLite registry: connection and schema (db), env rows (envs), package snapshots."""
