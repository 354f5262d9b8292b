"""What `venvreg create` does, apart from its typer wiring (create_cmd.py): cli/direct.py runs
it without typer when the command's words are plain."""

from __future__ import annotations

from ..text import quoted
from .output import message, progress

TYPE_CHECKING = False  # typing itself costs start-up; the name below is for mypy only
if TYPE_CHECKING:
    from ..core.create import CreateRequest


def create_env(request: CreateRequest) -> int:
    """Create and register one environment, with progress on stderr; the exit status (errors
    are raised, and worded by cli/app.py)."""
    from ..core.create import create
    from ..core.session import open_context

    context = open_context()
    try:
        record = create(context, request, progress)
    finally:
        context.close()
    version = f" (Python {record.python_version})" if record.python_version else ""
    message(f"created {quoted(record.name)}{version} in {quoted(record.path)}")
    return 0
