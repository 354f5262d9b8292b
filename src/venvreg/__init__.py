"""venvreg: a central registry of Python virtual environments."""

__version__ = "0.1.0"
