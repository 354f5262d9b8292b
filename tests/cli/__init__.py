"""CLI tests: the real venvreg run as a subprocess (a package, so its conftest does not shadow
tests/conftest.py as the top-level `conftest` module)."""
