"""Scanner tests over trees of real envs (a package, so its conftest does not shadow
tests/conftest.py as the top-level `conftest` module)."""
