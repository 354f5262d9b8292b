"""Creation backends: virtualenv (default), the stdlib venv module, and uv when installed."""

from __future__ import annotations

from .base import BACKEND_NAMES, Backend, BackendUnavailable, get_backend

__all__ = ["BACKEND_NAMES", "Backend", "BackendUnavailable", "get_backend"]
