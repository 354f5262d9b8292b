"""The SQLite registry, and every SQL statement venvreg runs: connection and migrations (db,
schema), env rows and package snapshots (envs, quick), sqlite-utils writes (tables), read-only
inspection (inspect)."""
