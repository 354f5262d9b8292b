"""The backend interface and how one is chosen."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import UsageError, VenvregError

TYPE_CHECKING = False  # typing itself is not needed to create with virtualenv
if TYPE_CHECKING:
    from .process import OutputSink

BACKEND_NAMES = ("virtualenv", "venv", "uv")


class BackendUnavailable(VenvregError):
    """The chosen backend is not installed here."""


class CreateOptions:
    """What every backend needs to make one environment in an existing empty folder (a plain
    class, like the others here: a dataclass costs its definition on every start-up)."""

    __slots__ = ("extra", "interpreter", "prompt", "system_site_packages", "target")

    def __init__(
        self,
        target: Path,
        interpreter: Path | None,
        prompt: str | None,
        system_site_packages: bool,
        extra: tuple[str, ...] = (),
    ) -> None:
        self.target = target
        self.interpreter = interpreter
        self.prompt = prompt
        self.system_site_packages = system_site_packages
        # virtualenv options given to mkvirtualenv, mktmpenv or mkproject, passed through
        self.extra = extra


# The virtualenv options venv and uv can take, and what each becomes there. Any other is refused
# before anything is made, naming the backend.
TRANSLATED: dict[str, dict[str, tuple[str, ...]]] = {
    "venv": {
        "--without-pip": ("--without-pip",),
        "--no-pip": ("--without-pip",),
        "--no-seed": ("--without-pip",),
        "--copies": ("--copies",),
        "--always-copy": ("--copies",),
        "--symlinks": ("--symlinks",),
        "--system-site-packages": ("--system-site-packages",),
    },
    "uv": {
        "--without-pip": (),  # uv seeds pip only when asked (--seed, dropped below)
        "--no-pip": (),
        "--no-seed": (),
        "--symlinks": (),  # uv always links the interpreter
        "--system-site-packages": ("--system-site-packages",),
    },
}


class Backend:
    """A way to create environments: virtualenv through its API, venv and uv as children."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def check_extra(self, extra: tuple[str, ...]) -> None:
        """Refuse, before anything is made, a passed-through option this backend cannot take
        (virtualenv itself judges its own options)."""
        known = TRANSLATED.get(self.name)
        if known is None:
            return
        for word in extra:
            if word not in known:
                raise UsageError(
                    f"the {self.name} backend cannot take the virtualenv option {word!r}; "
                    "use the virtualenv backend (venvreg config set backend virtualenv)"
                )

    def command(self, options: CreateOptions) -> list[str]:
        """The child process for venv and uv (virtualenv runs in this process)."""
        from .pip_settings import uv_index_options

        self.check_extra(options.extra)
        known = TRANSLATED[self.name]
        extra = [arg for word in options.extra for arg in known[word]]
        if self.name == "venv":
            argv = [str(options.interpreter or _base_python()), "-m", "venv"]
        else:
            # --allow-existing: the folder holds the creation marker (core/create.py); uv keeps it
            unseeded = {"--without-pip", "--no-pip", "--no-seed"} & set(options.extra)
            seed = [] if unseeded else ["--seed"]
            argv = [_uv_binary(), "venv", *seed, "--no-config", "--quiet", "--allow-existing"]
            argv += ["--python", str(options.interpreter or _base_python())]
            if seed:
                argv += uv_index_options()[1]
        if options.prompt is not None:
            argv.append(f"--prompt={options.prompt}")  # one word: a prompt may start with -
        if options.system_site_packages:
            argv.append("--system-site-packages")
        argv += [word for word in dict.fromkeys(extra) if word not in argv]
        return [*argv, "--", str(options.target)]

    def create(self, options: CreateOptions, sink: OutputSink) -> None:
        if self.name == "virtualenv":
            _virtualenv_in_process(options)
            return
        from . import process
        from .pip_settings import uv_index_options

        env = None
        if self.name == "uv":
            # uv seeds pip from an index itself: give it pip's (pip_settings.py says how)
            env = {"UV_PYTHON_DOWNLOADS": "never", **uv_index_options()[0]}
        process.run(self.command(options), f"{self.name} creating the environment", sink, env)


class ProgramBackend(Backend):
    """The user's own creation program (VIRTUALENVWRAPPER_VIRTUALENV and its ARGS), run as
    virtualenvwrapper runs it: `PROGRAM ARGS... [--python=X] WORDS... NAME` in WORKON_HOME.
    `argv` ends with the user's own words (options and name); the folder it fills already
    holds the creation marker, which virtualenv and venv leave alone."""

    __slots__ = ("argv", "cwd")

    def __init__(self, name: str, argv: tuple[str, ...] = (), cwd: str = ".") -> None:
        super().__init__(name)
        self.argv = argv
        self.cwd = cwd

    def check_extra(self, extra: tuple[str, ...]) -> None:
        return None  # the program judges its own options

    def create(self, options: CreateOptions, sink: OutputSink) -> None:
        from . import process

        process.run(self.argv, f"{self.name} creating the environment", sink, cwd=self.cwd)
        if not (options.target / "pyvenv.cfg").is_file():
            raise VenvregError(
                f"{self.name} made no environment in {str(options.target)!r} (no pyvenv.cfg)"
            )


def _virtualenv_arguments(options: CreateOptions) -> list[str]:
    argv = ["--no-periodic-update", "--no-download", *options.extra]
    if options.interpreter is not None:
        argv += ["--python", str(options.interpreter)]
    if options.prompt is not None:
        argv.append(f"--prompt={options.prompt}")  # one word: a prompt may start with -
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
    except SystemExit as exit_:  # argparse refusing an argument (it printed why)
        raise UsageError(f"virtualenv refused the arguments (exit {exit_.code})") from None
    except (RuntimeError, OSError, ValueError, LookupError, subprocess.SubprocessError) as error:
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
