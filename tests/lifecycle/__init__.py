"""Lifecycle tests (doctor, prune, rebuild, copy/rename, export/import, run/wipe): real envs,
the real CLI. A package, so its conftest does not shadow tests/conftest.py."""
