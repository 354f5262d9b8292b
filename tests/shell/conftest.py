"""End-to-end helpers: a sandbox (HOME, WORKON_HOME, config) and real bash, zsh and fish
processes running scripts against it. A script prints the values a test asserts between
markers (`show NAME VALUE`, `showvar NAME`, `rc LABEL` for the last exit status), with the same
helper names in every shell, so most scripts are written once for all three."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from shells import require_shell

from venvreg.emit.quoting import quoter

E2E_SHELLS = ("bash", "zsh", "fish")
SHELL_ARGS = {"bash": ["--norc", "--noprofile"], "zsh": ["-f"], "fish": ["--no-config"]}

# The marker helpers, defined before anything else in every script. `rc` reads the status of
# the command before it (all three shells keep it on entry to a function).
PRELUDE = {
    "bash": r"""show() { \builtin printf '\x1e%s\x1f%s\x1e' "$1" "$2"; }
showvar() { if [[ -v $1 ]]; then show "$1" "${!1}"; else show "$1" '<unset>'; fi; }
rc() { \builtin printf '\x1erc:%s\x1f%s\x1e' "$1" "$?"; }
""",
    "zsh": r"""show() { \builtin printf '\x1e%s\x1f%s\x1e' "$1" "$2"; }
showvar() { if [[ -v $1 ]]; then show "$1" "${(P)1}"; else show "$1" '<unset>'; fi; }
rc() { \builtin printf '\x1erc:%s\x1f%s\x1e' "$1" "$?"; }
""",
    "fish": r"""function show; builtin printf '\x1e%s\x1f%s\x1e' $argv[1] "$argv[2]"; end
function showvar
    if set -q $argv[1]; show $argv[1] "$$argv[1]"; else; show $argv[1] '<unset>'; end
end
function rc; builtin printf '\x1erc:%s\x1f%s\x1e' $argv[1] $status; end
""",
}

_MARK = re.compile("\x1e([^\x1e\x1f]*)\x1f([^\x1e]*)\x1e")

# Variables of the machine running the tests that would leak into the shells under test.
_SCRUBBED = (
    "VIRTUAL_ENV",
    "VIRTUAL_ENV_PROMPT",
    "VIRTUAL_ENV_DISABLE_PROMPT",
    "PYTHONHOME",
    "PYTHONPATH",
    "PROMPT_COMMAND",
    "PS1",
    "WORKON_HOME",
    "PROJECT_HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "ENV",
    "BASH_ENV",
    "ZDOTDIR",
    "CDPATH",
    "HISTFILE",
)


@dataclass
class ShellRun:
    """A finished script: the process, and the marked values it printed (last one wins)."""

    shell: str
    proc: subprocess.CompletedProcess[str]
    values: dict[str, str] = field(default_factory=dict)
    sequence: list[tuple[str, str]] = field(default_factory=list)

    @property
    def stdout(self) -> str:
        return self.proc.stdout

    @property
    def stderr(self) -> str:
        return self.proc.stderr

    @property
    def returncode(self) -> int:
        return self.proc.returncode

    def rc(self, label: str) -> int:
        return int(self[f"rc:{label}"])

    def text(self) -> str:
        """stdout without the markers: what the user would have seen."""
        return _MARK.sub("", self.proc.stdout)

    def __getitem__(self, key: str) -> str:
        try:
            return self.values[key]
        except KeyError:
            raise AssertionError(
                f"{self.shell} printed no {key!r}\n--- stdout\n{self.stdout}\n"
                f"--- stderr\n{self.stderr}"
            ) from None

    def describe(self) -> str:
        return (
            f"[{self.shell} rc={self.returncode}]\n--- stdout\n{self.stdout}\n"
            f"--- stderr\n{self.stderr}"
        )

    def all(self, key: str) -> list[str]:
        """Every value printed under `key`, in order."""
        return [value for name, value in self.sequence if name == key]


def venvreg_exe() -> Path:
    """The venvreg the tests run: next to this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "venvreg"
    if beside.is_file():
        return beside
    found = shutil.which("venvreg")
    if found is None:
        pytest.fail("venvreg is not installed next to this Python nor on PATH")
    return Path(found)


_FUNCTION_FILES: dict[str, str] = {}


def function_file(shell: str) -> str:
    """Where `venvreg init SHELL --path` says the function file is (asked once per session).
    VENVREG_E2E_SHELL_DIR points the suite at other copies of the files (e.g. mutated ones,
    to check that the tests catch the change)."""
    override = os.environ.get("VENVREG_E2E_SHELL_DIR")
    if override:
        name = {"bash": "venvreg.bash", "zsh": "venvreg.zsh", "fish": "venvreg.fish"}[shell]
        return str(Path(override) / name)
    if shell not in _FUNCTION_FILES:
        result = subprocess.run(
            [str(venvreg_exe()), "init", shell, "--path"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            message = f"no {shell} function file yet: {result.stderr.strip()}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        _FUNCTION_FILES[shell] = result.stdout.strip()
    return _FUNCTION_FILES[shell]


def q(shell: str, value: str) -> str:
    """`value` as one literal word of `shell` (the quote() under test, itself property-tested
    in test_quoting.py)."""
    return quoter(shell)(value)


def py_show(label: str, expression: str, python: str = "python") -> str:
    """A script line that runs `python` and prints str(expression) under `label` (os, site, sys,
    sysconfig and importlib.util imported). The expression holds no `'` and no backslash, so the
    line reads the same in bash, zsh and fish."""
    assert "'" not in expression and "\\" not in expression
    code = (
        "import importlib.util, os, site, sys, sysconfig; "
        f'sys.stdout.write("\\x1e{label}\\x1f" + str({expression}) + "\\x1e")'
    )
    return f"{python} -c '{code}'\n"


def build_wheel(folder: Path, name: str = "venvreg_e2e_pkg", version: str = "1.0") -> Path:
    """A real, minimal pure-Python wheel, so pip installs without any index or network."""
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}.py": f"VALUE = {version!r}\n",
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist_info}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: venvreg-tests\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n"
        ),
    }
    record = []
    for path, text in files.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = "\n".join(record) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


class Sandbox:
    """A HOME with WORKON_HOME and a config file of its own; shells run with only its variables."""

    def __init__(
        self, root: Path, workon_home: Path | None = None, app_data: Path | None = None
    ) -> None:
        self.root = root
        self.home = root / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.workon_home = workon_home or self.home / ".virtualenvs"
        self.workon_home.mkdir(parents=True, exist_ok=True)
        self.config = self.home / "venvreg.toml"
        self.exe = venvreg_exe()
        path = [str(self.exe.parent)]
        for name in E2E_SHELLS:
            found = shutil.which(name)
            if found:
                path.append(str(Path(found).parent))
        path += ["/usr/local/bin", "/usr/bin", "/bin"]
        self.path = ":".join(dict.fromkeys(path))
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in _SCRUBBED
            and not key.startswith(("VIRTUALENVWRAPPER_", "VENVREG_", "__VENVREG", "CONDA"))
        }
        env.update(
            HOME=str(self.home),
            WORKON_HOME=str(self.workon_home),
            VENVREG_CONFIG=str(self.config),
            NO_COLOR="1",
            LANG="C.UTF-8",
            LC_ALL="C.UTF-8",
            PATH=self.path,
            PIP_NO_INDEX="1",  # every install in these tests is of a local wheel
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PYTHONDONTWRITEBYTECODE="1",
            TERM="dumb",
        )
        if app_data is not None:  # virtualenv's seed cache, shared: creation is ~2x faster
            env["VIRTUALENV_OVERRIDE_APP_DATA"] = str(app_data)
        self.env = env

    # --- running things ---

    def run(
        self,
        shell: str,
        script: str,
        *,
        cwd: Path | str | None = None,
        env: dict[str, str | None] | None = None,
        source: str | None = "path",
        interactive: bool = False,
        timeout: float = 120,
    ) -> ShellRun:
        """Run `script` in a new `shell` that first defines the marker helpers and sources the
        function file (`source="path"`: the file `venvreg init SHELL --path` names; "eval": what
        `venvreg init SHELL` prints; None: nothing)."""
        executable = require_shell(shell)
        head = PRELUDE[shell]
        if source == "path":
            head += f"source {q(shell, function_file(shell))}\n"
        elif source == "eval":
            function_file(shell)  # skip cleanly while the file does not exist
            if shell == "fish":
                head += "venvreg init fish | source\n"
            else:
                head += 'eval "$(venvreg init ' + shell + ')"\n'
        full_env = dict(self.env)
        for key, value in (env or {}).items():
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
        text = head + script
        if interactive:
            if shell != "bash":
                raise ValueError("interactive runs are for bash's PROMPT_COMMAND")
            command = [executable, *SHELL_ARGS[shell], "-i"]
            stdin = text + "\n"
        else:
            command = [executable, *SHELL_ARGS[shell], "-c", text]
            stdin = ""
        proc = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            cwd=str(cwd or self.home),
            env=full_env,
            timeout=timeout,
        )
        sequence = _MARK.findall(proc.stdout)
        return ShellRun(shell, proc, dict(sequence), sequence)

    def cli(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """The real venvreg CLI, in this sandbox."""
        return subprocess.run(
            [str(self.exe), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            env={**self.env, **(env or {})},
            cwd=str(self.home),
            timeout=300,
        )

    def plain_env(self, name: str, where: Path | None = None) -> Path:
        """`python -m venv --without-pip` straight into WORKON_HOME (not indexed yet)."""
        target = (where or self.workon_home) / name
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(target)],
            check=True,
            capture_output=True,
            env=self.env,
            timeout=120,
        )
        return target

    def env_with_project(self, name: str) -> Path:
        """A plain env `name` in WORKON_HOME linked by `venvreg project set` to a new folder
        `NAME-project` beside the home (so auto-activation has a project to follow); returns
        the folder."""
        self.plain_env(name)
        project = self.root / f"{name}-project"
        project.mkdir()
        linked = self.cli("project", "set", name, str(project))
        assert linked.returncode == 0, linked.stderr
        assert (self.workon_home / ".venvreg" / "projects").is_file()
        return project

    def recorder(self, name: str = "recorder", real: bool = True) -> tuple[Path, Path]:
        """A VENVREG_EXE that logs each call (one line) and then runs the real venvreg, or, with
        real=False, fails. Returns (script, log)."""
        folder = self.root / "bin-recorder"
        folder.mkdir(exist_ok=True)
        script, log = folder / name, folder / f"{name}.log"
        then = f'exec {q("bash", str(self.exe))} "$@"' if real else "exit 97"
        script.write_text(
            f"#!/bin/sh\nprintf '%s\\n' \"$*\" >> {q('bash', str(log))}\n{then}\n",
            encoding="utf-8",
        )
        script.chmod(0o755)
        return script, log

    def forbid_python(self) -> None:
        """Set `no_python`: the env under which any start of venvreg fails and is logged (an
        empty PATH and a VENVREG_EXE that only records), for `assert_no_python`."""
        empty = self.root / "empty-path"
        empty.mkdir()
        recorder, self.no_python_log = self.recorder("no-python", real=False)
        self.no_python = {"PATH": str(empty), "VENVREG_EXE": str(recorder)}

    def assert_no_python(self) -> None:
        assert self.calls(self.no_python_log) == [], "completion started venvreg"

    @staticmethod
    def calls(log: Path) -> list[str]:
        return log.read_text(encoding="utf-8").splitlines() if log.exists() else []

    q = staticmethod(q)
    py_show = staticmethod(py_show)
    function_file = staticmethod(function_file)

    def sentinels(self, *more: Path) -> list[Path]:
        return sentinels(self.root, *more)


def sentinels(*roots: Path) -> list[Path]:
    """Every file a hostile string may have created (PWNED, SENTINEL) under `roots`."""
    found = []
    for root in roots:
        for folder, dirs, files in os.walk(root):
            found += [Path(folder) / f for f in files if f in ("PWNED", "SENTINEL")]
            found += [Path(folder) / d for d in dirs if d in ("PWNED", "SENTINEL")]
    return found


@pytest.fixture(scope="session")
def virtualenv_app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("virtualenv-app-data")


@pytest.fixture(scope="module")
def make_sandbox(
    tmp_path_factory: pytest.TempPathFactory, virtualenv_app_data: Path
) -> Iterator[Callable[..., Sandbox]]:
    """Sandboxes that live for a whole module, so envs are created once."""

    def make(label: str = "sb", workon_home: str | None = None) -> Sandbox:
        root = tmp_path_factory.mktemp(label)
        return Sandbox(root, root / workon_home if workon_home else None, virtualenv_app_data)

    yield make


@pytest.fixture(scope="module")
def completion_sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    """What the completion of the `venvreg` command is tried on: envs `alpha` and `with space`,
    one trash entry (its id in `trash_id`), and no Python on PATH."""
    sandbox = make_sandbox("cli-completion")
    for name in ("alpha", "with space", "gone"):
        sandbox.plain_env(name)
    assert sandbox.cli("list").returncode == 0
    removed = sandbox.cli("rm", "gone", "--yes")
    assert removed.returncode == 0, removed.stderr
    trash = sandbox.workon_home / ".venvreg" / "trash"
    (sandbox.trash_id,) = [entry.name for entry in trash.iterdir()]
    sandbox.forbid_python()
    return sandbox


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheels"))
