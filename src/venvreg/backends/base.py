"""The backend interface and how one is chosen."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError, VenvregError
from . import process

BACKEND_NAMES = ("virtualenv", "venv", "uv")


class BackendUnavailable(VenvregError):
    """The chosen backend is not installed here."""


@dataclass(frozen=True)
class CreateOptions:
    """What every backend needs to make one environment in an existing empty folder."""

    target: Path
    interpreter: Path | None
    prompt: str | None
    system_site_packages: bool


@dataclass(frozen=True)
class Backend:
    """A way to create environments: virtualenv through its API, venv and uv as children."""

    name: str

    def command(self, options: CreateOptions) -> list[str]:
        """The child process for venv and uv (virtualenv runs in this process)."""
        if self.name == "venv":
            argv = [str(options.interpreter or _base_python()), "-m", "venv"]
        else:
            # --allow-existing: the folder holds the creation marker (core/create.py); uv keeps it
            argv = [_uv_binary(), "venv", "--seed", "--no-config", "--quiet", "--allow-existing"]
            argv += ["--python", str(options.interpreter or _base_python())]
        if options.prompt is not None:
            argv += ["--prompt", options.prompt]
        if options.system_site_packages:
            argv.append("--system-site-packages")
        return [*argv, "--", str(options.target)]

    def create(self, options: CreateOptions, sink: process.OutputSink) -> None:
        if self.name == "virtualenv":
            _virtualenv_in_process(options)
            return
        env = {"UV_PYTHON_DOWNLOADS": "never"} if self.name == "uv" else None
        process.run(self.command(options), f"{self.name} creating the environment", sink, env)


def _virtualenv_arguments(options: CreateOptions) -> list[str]:
    argv = ["--no-periodic-update", "--no-download"]
    if options.interpreter is not None:
        argv += ["--python", str(options.interpreter)]
    if options.prompt is not None:
        argv += ["--prompt", options.prompt]
    if options.system_site_packages:
        argv.append("--system-site-packages")
    return [*argv, "--", str(options.target)]


def _virtualenv_in_process(options: CreateOptions) -> None:
    """virtualenv's own API, in this process: no second interpreter to start (the dependency
    is installed with venvreg). Ctrl-C and the CLI's SIGTERM/SIGHUP exceptions interrupt it
    like any Python code, so the caller's clean-up still runs."""
    from virtualenv import cli_run

    try:
        cli_run(_virtualenv_arguments(options), setup_logging=False)
    except SystemExit as exit_:  # argparse refusing an argument
        raise VenvregError(f"virtualenv refused the arguments (exit {exit_.code})") from None
    except (RuntimeError, OSError, ValueError) as error:
        raise VenvregError(f"virtualenv creating the environment failed: {error}") from None


def _base_python() -> Path:
    """The interpreter behind the running one (venvreg itself usually lives in a venv)."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return Path(base)


def _uv_binary() -> str:
    try:
        import uv

        return str(uv.find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found is None:
            raise BackendUnavailable(
                "the uv backend needs uv: install it (pip install uv) or choose --backend "
                "virtualenv"
            ) from None
        return found


def get_backend(name: str) -> Backend:
    """The backend called `name`, checked to be usable here."""
    if name not in BACKEND_NAMES:
        raise UsageError(f"unknown backend {name!r}: choose virtualenv, venv or uv")
    if name == "uv":
        _uv_binary()
    return Backend(name)
