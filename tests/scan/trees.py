"""Tree generator for the scanner tests: real envs made by virtualenv, venv and uv, and faithful
layouts of where poetry, pipenv, pipx, hatch, pdm, tox, nox, conda, pyenv and uv tools keep
theirs, plus broken envs and hostile shapes (symbolic link loops, FIFOs, odd names).

Envs are made for real once per kind (`Maker`), then cloned into each place with their paths
rewritten, as the tool would have left them (its `activate` and pip scripts name the new
place), so the health checks see healthy envs unless a case breaks one on purpose.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

XY = f"{sys.version_info[0]}.{sys.version_info[1]}"
XYZ = f"{XY}.{sys.version_info[2]}"
BASE_PYTHON = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
KINDS = ("virtualenv", "venv", "uv")


def clean_env() -> dict[str, str]:
    """The environment for tools we run: no active env, no user config for virtualenv or pip."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "CONDA_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, VIRTUALENV_CONFIG_FILE=os.devnull)
    return env


def uv_command() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    return [sys.executable, "-m", "uv"]  # the `uv` distribution of the test extra


def make_env(kind: str, dest: Path, *, seed: bool = False) -> Path:
    """A real env of `kind` at `dest` (virtualenv: with pip when `seed`)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if kind == "virtualenv":
        cmd = [sys.executable, "-m", "virtualenv", "-q", "--no-periodic-update"]
        cmd += [] if seed else ["--no-seed"]
    elif kind == "venv":
        cmd = [sys.executable, "-m", "venv", "--without-pip"]
    elif kind == "uv":
        cmd = [*uv_command(), "venv", "-q", "--python", sys.executable]
    else:
        raise ValueError(kind)
    subprocess.run([*cmd, str(dest)], check=True, capture_output=True, env=clean_env())
    return dest


def clone_env(src: Path, dest: Path) -> Path:
    """Copy an env and rewrite the paths its scripts carry, as virtualenv-clone does."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src, dest, symlinks=True)
    old, new = os.fsencode(src), os.fsencode(dest)
    for script in (dest / "bin").iterdir():
        if script.is_file() and not script.is_symlink():
            script.write_bytes(script.read_bytes().replace(old, new))
    cfg = dest / "pyvenv.cfg"
    cfg.write_bytes(cfg.read_bytes().replace(old, new))
    return dest


@dataclass
class Maker:
    """One pristine env per kind, made on first use in `cache`, cloned everywhere else."""

    cache: Path
    made: dict[str, Path] = field(default_factory=dict)

    def env(self, kind: str, dest: Path) -> Path:
        if kind not in self.made:
            self.made[kind] = make_env(kind, self.cache / kind / "env")
        return clone_env(self.made[kind], dest)


@dataclass(frozen=True)
class Expected:
    """What the scanner must report for one env."""

    path: Path
    owner: str
    managed: bool
    project: Path | None
    problem: str | None = None  # a substring of one of its problems; None: healthy
    registered_as: str | None = None


def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def dangling_env(dest: Path, scratch: Path) -> Path:
    """A venv whose base Python was uninstalled: made from a base folder that is then deleted,
    so `home` and the interpreter links point to nothing."""
    base = scratch / "uninstalled-python" / "bin"
    base.mkdir(parents=True)
    (base / "python3").symlink_to(BASE_PYTHON)
    dest.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(base / "python3"), "-m", "venv", "--without-pip", str(dest)],
        check=True,
        capture_output=True,
        env=clean_env(),
    )
    shutil.rmtree(base.parent)
    return dest


def drop_home(env: Path) -> Path:
    cfg = env / "pyvenv.cfg"
    lines = [ln for ln in cfg.read_text().splitlines() if ln.split("=")[0].strip() != "home"]
    cfg.write_text("\n".join(lines) + "\n")
    return env


def conda_env(dest: Path, *, base: bool = False) -> Path:
    """conda's layout: conda-meta/history, a real interpreter in bin/, no pyvenv.cfg."""
    (dest / "conda-meta").mkdir(parents=True)
    write(dest / "conda-meta" / "history", "==> 2024-05-01 10:00:00 <==\n# cmd: conda create\n")
    write(dest / "conda-meta" / f"python-{XYZ}-h955ad1f_0.json", "{}")
    (dest / "bin").mkdir()
    (dest / "bin" / f"python{XY}").symlink_to(BASE_PYTHON)
    (dest / "bin" / "python").symlink_to(f"python{XY}")
    (dest / "lib" / f"python{XY}" / "site-packages").mkdir(parents=True)
    if base:
        (dest / "pkgs" / "cache").mkdir(parents=True)
        (dest / "envs").mkdir()
        write(dest / "condabin" / "conda", "#!/bin/sh\n")
    return dest


def build_zoo(home: Path, workon_home: Path, maker: Maker, scratch: Path) -> list[Expected]:
    """A home folder with every kind of env the scanner must recognise, and the traps around
    them; returns what must be found (traps that must not be found are not listed)."""
    src = home / "src"
    found: list[Expected] = []

    def expect(path: Path, owner: str, managed: bool, project: Path | None, **kw: str) -> None:
        found.append(Expected(path, owner, managed, project, **kw))

    # Plain envs in their projects, by the three real tools.
    write(src / "webapp" / "pyproject.toml", "[project]\nname = 'webapp'\n")
    webapp = maker.env("venv", src / "webapp" / ".venv")
    expect(webapp, "venv", False, src / "webapp")
    write(src / "uvproj" / "pyproject.toml", "[project]\nname = 'uvproj'\n")
    write(src / "uvproj" / "uv.lock", "version = 1\n")
    expect(maker.env("uv", src / "uvproj" / ".venv"), "uv", False, src / "uvproj")
    write(src / "legacy" / "setup.py", "from setuptools import setup\nsetup()\n")
    expect(maker.env("virtualenv", src / "legacy" / "envs" / "old"), "virtualenv", False,
           src / "legacy")  # fmt: skip
    odd = src / 'it\'s a "quoted" proj $(x)'
    write(odd / "requirements-dev.txt", "pytest\n")
    expect(maker.env("venv", odd / "venv"), "venv", False, odd)
    expect(maker.env("virtualenv", home / "tools" / "lonely-env"), "virtualenv", False, None)

    # Other tools' envs where those tools keep them.
    write(src / "poetryproj" / "pyproject.toml", "[tool.poetry]\nname = 'poetryproj'\n")
    poetry = home / ".cache" / "pypoetry" / "virtualenvs" / f"poetryproj-Ab3dEf_h-py{XY}"
    expect(maker.env("virtualenv", poetry), "poetry", True, None)
    write(src / "pipproj" / "Pipfile", "[packages]\n")
    pipenv = maker.env("virtualenv", home / ".local" / "share" / "virtualenvs" / "pipproj-Xy-12_aB")
    write(pipenv / ".project", str(src / "pipproj"))
    expect(pipenv, "pipenv", True, src / "pipproj")
    pipx = home / ".local" / "share" / "pipx"
    black = maker.env("venv", pipx / "venvs" / "black")
    write(black / "pipx_metadata.json", json.dumps({"main_package": {"package": "black"}}))
    expect(black, "pipx", True, None)
    expect(maker.env("venv", pipx / "shared"), "pipx", True, None)
    hatch = home / ".local" / "share" / "hatch" / "env" / "virtual" / "hatchproj" / "Q1w2E3r4"
    expect(maker.env("virtualenv", hatch / "hatchproj"), "hatch", True, None)
    pdm = home / ".local" / "share" / "pdm" / "venvs" / f"pdmproj-AbCd1234-{XY}"
    expect(maker.env("virtualenv", pdm), "pdm", True, None)
    toxproj = src / "toxproj"
    write(toxproj / "tox.ini", "[tox]\nenv_list = py\n")
    for name in (f"py{XY.replace('.', '')}", ".pkg"):
        tox_env = maker.env("virtualenv", toxproj / ".tox" / name)
        write(tox_env / ".tox-info.json", json.dumps({"ToxEnv": {"name": name}}))
        expect(tox_env, "tox", True, toxproj)
    write(src / "noxproj" / "noxfile.py", "import nox\n")
    expect(maker.env("virtualenv", src / "noxproj" / ".nox" / "tests"), "nox", True,
           src / "noxproj")  # fmt: skip
    conda = conda_env(home / "miniconda3", base=True)
    expect(conda, "conda", True, None)
    expect(conda_env(conda / "envs" / "datasci"), "conda", True, None)
    pyenv_versions = home / ".pyenv" / "versions"
    (pyenv_versions / XYZ / "bin").mkdir(parents=True)  # a Python install, not an env
    (pyenv_versions / XYZ / "bin" / f"python{XY}").symlink_to(BASE_PYTHON)
    (pyenv_versions / XYZ / "lib" / f"python{XY}" / "site-packages").mkdir(parents=True)
    pyenv_env = maker.env("venv", pyenv_versions / XYZ / "envs" / "pyenvenv")
    (pyenv_versions / "pyenvenv").symlink_to(pyenv_env)  # what pyenv-virtualenv adds
    expect(pyenv_env, "pyenv", True, None)
    ruff = maker.env("uv", home / ".local" / "share" / "uv" / "tools" / "ruff")
    write(ruff / "uv-receipt.toml", "[tool]\nrequirements = [{ name = 'ruff' }]\n")
    expect(ruff, "uv", True, None)
    wrapped = maker.env("virtualenv", workon_home / "wrapped")
    expect(wrapped, "virtualenvwrapper", False, None, registered_as="wrapped")

    # Broken envs.
    write(src / "oldproj" / "requirements.txt", "flask\n")
    expect(dangling_env(src / "oldproj" / "venv", scratch), "venv", False, src / "oldproj",
           problem="points to missing")  # fmt: skip
    nohome = drop_home(maker.env("venv", src / "nohome" / ".venv"))
    expect(nohome, "unknown", False, src / "nohome", problem="no 'home' key")
    fifo_env = src / "fifoproj" / ".venv"
    (fifo_env / "bin").mkdir(parents=True)
    os.mkfifo(fifo_env / "pyvenv.cfg")
    expect(fifo_env, "unknown", False, src / "fifoproj", problem="not a small regular file")

    # Traps: none of these may be reported.
    bare_fifo = src / "not-an-env"
    bare_fifo.mkdir()
    os.mkfifo(bare_fifo / "pyvenv.cfg")  # a FIFO alone, without an env's layout
    nested = webapp / "lib" / f"python{XY}" / "site-packages" / "pkg" / "fixture-env"
    maker.env("venv", nested)  # an env shipped inside another env's site-packages
    maker.env("venv", src / "webapp" / "node_modules" / "pyish" / ".venv")
    maker.env("venv", src / "webapp" / ".git" / "hooks" / "env")
    (home / "links").mkdir()
    (home / "links" / "webapp-env").symlink_to(webapp)  # a link to an env: not followed
    (home / "links" / "to-root").symlink_to("/")
    (home / "links" / "loop").symlink_to(home / "links")  # a cycle
    (home / "links" / "dangling").symlink_to(home / "nowhere")
    return found
