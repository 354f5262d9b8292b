"""What `venvreg create` does, apart from its typer wiring (create_cmd.py): cli/direct.py runs
it without typer when the command's words are plain."""

from __future__ import annotations

from ..text import quoted
from .output import message, progress


def create_env(
    name: str,
    python: str | None = None,
    project: str | None = None,
    requirements: list[str] | None = None,
    packages: list[str] | None = None,
    system_site_packages: bool = False,
    backend: str | None = None,
    prompt: str | None = None,
) -> int:
    """Create and register one environment, with progress on stderr; the exit status (errors
    are raised, and worded by cli/app.py)."""
    from ..core.create import CreateRequest, create
    from ..core.session import open_context

    request = CreateRequest(
        name=name,
        python=python,
        project=project,
        requirements=requirements,
        packages=packages,
        system_site_packages=system_site_packages,
        backend=backend,
        prompt=prompt,
    )
    context = open_context()
    try:
        record = create(context, request, progress)
    finally:
        context.close()
    version = f" (Python {record.python_version})" if record.python_version else ""
    message(f"created {quoted(record.name)}{version} in {quoted(record.path)}")
    return 0
