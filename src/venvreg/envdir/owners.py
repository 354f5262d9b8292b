"""Who owns an environment found on disk, and which project it most likely belongs to.

Judged from where the env lives and from marker files, by name and stat only (stdlib, nothing
run, no file read but a small `.project`). The owner decides whether venvreg offers the env for
adoption by default: an env that lives in a folder another tool manages (its cache or data
folder, `.tox/`, `.nox/`) is labelled `managed` and left to that tool unless the user asks.
"""

from __future__ import annotations

import os
import re
import stat

from ..settings.paths import is_within

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

__all__ = [
    "IN_PROJECT_NAMES",
    "MANAGED_OWNERS",
    "MARKER_FILES",
    "OWNERS",
    "Ownership",
    "ProjectFinder",
    "ProjectGuess",
    "classify",
    "found_env_tool",
]

OWNERS = (
    "venv", "virtualenv", "uv", "poetry", "pipenv", "pipx", "hatch", "pdm", "tox", "nox",
    "conda", "pyenv", "virtualenvwrapper", "unknown",
)  # fmt: skip
# Tools that decide an env's lifetime and contents themselves (recreate it, delete it, sync it).
MANAGED_OWNERS = frozenset(
    ["poetry", "pipenv", "pipx", "hatch", "pdm", "tox", "nox", "conda", "pyenv"]
)
# Files inside an env that name its owner; the scanner notes them while listing the folder.
MARKER_FILES = ("pipx_metadata.json", "uv-receipt.toml")
# Folder names tools and people give to an env kept inside its project.
IN_PROJECT_NAMES = frozenset([".venv", "venv", ".env", "env"])
# Files or folders that make a folder a project (requirements*.txt is matched separately).
PROJECT_MARKERS = frozenset(["pyproject.toml", "setup.py", "setup.cfg", "Pipfile", ".git"])

# Patterns, compiled (and cached by re) at their first use.
# poetry: {sanitized name}-{8 chars of urlsafe base64 of sha256(project path)}-py{X.Y}
_POETRY_NAME = r".+-[A-Za-z0-9_-]{8}-py\d+\.\d+"
# pipenv: {sanitized name}-{8 chars of urlsafe base64 of sha256(Pipfile path)}
_PIPENV_NAME = r".+-[A-Za-z0-9_-]{8}"
_CACHE_FOLDERS = frozenset([".cache", "Caches"])


class Ownership:
    """The owner tool, whether that tool manages the env, and the evidence, for people.
    Read-only once made.

    `project_folder` is set when the location itself names the project (the folder holding
    `.tox/`, `.nox/` or `.hatch/`).
    """

    __slots__ = ("evidence", "managed", "owner", "project_folder")

    def __init__(
        self, owner: str, managed: bool, evidence: str, project_folder: str | None = None
    ) -> None:
        self.owner = owner
        self.managed = managed
        self.evidence = evidence
        self.project_folder = project_folder


class ProjectGuess:
    """The project folder an env most likely belongs to, and why; both None when unknown.
    Read-only once made."""

    __slots__ = ("declared", "evidence", "path")

    def __init__(self, path: str | None, evidence: str | None, declared: bool = False) -> None:
        self.path = path
        self.evidence = evidence
        self.declared = declared


def _is_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _pipfile_project(env: str) -> bool:
    """pipenv writes the project folder into the env's `.project`; that folder has a Pipfile."""
    from .project_file import read_project_file

    project = read_project_file(env)
    return bool(project) and _is_file(os.path.join(str(project), "Pipfile"))


def _cfg_owner(cfg: Mapping[str, str]) -> tuple[str, str]:
    """What pyvenv.cfg says made the env."""
    if "uv" in cfg:
        return "uv", f"pyvenv.cfg says uv = {cfg['uv']}"
    if "virtualenv" in cfg:
        return "virtualenv", f"pyvenv.cfg says virtualenv = {cfg['virtualenv']}"
    if "home" in cfg:
        return "venv", "pyvenv.cfg as python -m venv writes it"
    return "unknown", "pyvenv.cfg names no tool"


def _location_owner(env: str, parts: list[str], pyenv_root: str | None) -> Ownership | None:
    """Owners known from the folders a tool keeps its envs in."""
    name = parts[-1]
    parent = parts[-2] if len(parts) > 1 else ""
    grandparent = parts[-3] if len(parts) > 2 else ""
    holder = os.path.dirname(os.path.dirname(env))
    if parent == "envs" and len(parts) > 3 and parts[-4] == "versions":
        return Ownership("pyenv", True, "in pyenv's versions/*/envs folder")
    if parent == "versions" and (grandparent in (".pyenv", "pyenv") or holder == pyenv_root):
        return Ownership("pyenv", True, "in pyenv's versions folder")
    if re.fullmatch(_POETRY_NAME, name) or (parent == "virtualenvs" and "pypoetry" in parts):
        return Ownership("poetry", True, "in poetry's cache (NAME-HASH-pyX.Y)")
    if re.fullmatch(_PIPENV_NAME, name):
        if parent == "virtualenvs" and grandparent == "share":
            return Ownership("pipenv", True, "in pipenv's folder (NAME-HASH)")
        if _pipfile_project(env):
            return Ownership("pipenv", True, "named NAME-HASH, its .project holds a Pipfile")
    for i in range(len(parts) - 3):
        if parts[i : i + 3] == ["hatch", "env", "virtual"]:
            return Ownership("hatch", True, "in hatch's data folder (hatch/env/virtual)")
    if parent == ".hatch":
        return Ownership("hatch", True, "in the project's .hatch folder", holder)
    if parent == "venvs" and grandparent == "pdm":
        return Ownership("pdm", True, "in pdm's data folder (pdm/venvs)")
    if parent == ".tox":
        return Ownership("tox", True, "in a .tox folder", holder)
    if parent == ".nox":
        return Ownership("nox", True, "in a .nox folder", holder)
    if (parent == "venvs" and grandparent in ("pipx", ".pipx")) or (
        name == "shared" and parent in ("pipx", ".pipx")
    ):
        return Ownership("pipx", True, "in pipx's folder")
    for i in range(len(parts) - 2):
        if parts[i] in _CACHE_FOLDERS and parts[i + 1] == "uv":
            return Ownership("uv", True, "in uv's cache")
    return None


def classify(
    env: str,
    cfg: Mapping[str, str],
    *,
    conda: bool,
    workon_homes: Collection[str] = (),
    markers: Collection[str] | None = None,
    pyenv_root: str | None = None,
) -> Ownership:
    """The owner of the env at `env` (an absolute path, not resolved).

    `markers`: which of MARKER_FILES the env folder holds, when the caller already listed it;
    otherwise each is checked with one stat. `workon_homes`: WORKON_HOME as given and resolved.
    """
    if markers is None:
        markers = [m for m in MARKER_FILES if os.path.lexists(os.path.join(env, m))]
    if "pipx_metadata.json" in markers:
        return Ownership("pipx", True, "pipx_metadata.json")
    if "uv-receipt.toml" in markers:
        return Ownership("uv", True, "uv-receipt.toml (a uv tool)")
    parts = [part for part in env.split(os.sep) if part]
    if pyenv_root is None and os.environ.get("PYENV_ROOT"):
        pyenv_root = os.path.normpath(os.environ["PYENV_ROOT"])
    located = _location_owner(env, parts, pyenv_root)
    if located is not None:
        return located
    if conda:
        return Ownership("conda", True, "conda-meta/history")
    if os.path.dirname(env) in workon_homes:
        return Ownership("virtualenvwrapper", False, "directly in WORKON_HOME")
    owner, evidence = _cfg_owner(cfg)
    cache = next((part for part in parts[:-1] if part in _CACHE_FOLDERS), None)
    if cache is not None:
        return Ownership(owner, True, f"{evidence}; in a cache folder ({cache})")
    return Ownership(owner, False, evidence)


def found_env_tool(env: str, cfg_tool: str) -> str:
    """The tool to record for a folder found directly in WORKON_HOME: the tool that manages it
    when its name and markers say so as they do for scan (pipenv makes its NAME-HASH envs there
    when WORKON_HOME is set; poetry with virtualenvs.path pointing there), else what its
    pyvenv.cfg says (`cfg_tool`)."""
    ownership = classify(env, {}, conda=cfg_tool == "conda")
    return ownership.owner if ownership.owner in MANAGED_OWNERS else cfg_tool


class ProjectFinder:
    """Guesses project folders, remembering which folders hold project markers (one listing
    per folder per scan)."""

    def __init__(self, home: str | None = None) -> None:
        self._home = os.path.normpath(home or os.path.expanduser("~"))
        self._markers: dict[str, str | None] = {}

    def marker_in(self, folder: str) -> str | None:
        """The first project marker `folder` holds (pyproject.toml, .git, ...), else None."""
        if folder in self._markers:
            return self._markers[folder]
        found: str | None = None
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = entry.name
                    if name in PROJECT_MARKERS or (
                        name.startswith("requirements") and name.endswith(".txt")
                    ):
                        found = name
                        if name != ".git":
                            break  # .git alone is weaker evidence than a packaging file
        except OSError:
            found = None
        self._markers[folder] = found
        return found

    def _stop(self, folder: str) -> bool:
        """Never a project: $HOME, its ancestors, a filesystem root."""
        if os.path.dirname(folder) == folder or folder == self._home:
            return True
        return is_within(self._home, folder)

    def guess(self, env: str, ownership: Ownership) -> ProjectGuess:
        """The env's `.project` file first; then the folder its location names; nothing for
        envs in a tool's cache or data folder; the parent of an in-project env (IN_PROJECT_NAMES);
        else the nearest folder above holding a project marker (never $HOME or /)."""
        from .project_file import project_filename, read_project_file

        declared = read_project_file(env)
        if declared:
            return ProjectGuess(declared, f"its {project_filename()} file", declared=True)
        if ownership.project_folder is not None:
            holder = os.path.basename(os.path.dirname(env))
            return ProjectGuess(ownership.project_folder, f"the folder holding {holder}")
        if ownership.managed or ownership.owner == "virtualenvwrapper":
            return ProjectGuess(None, None)
        parent = os.path.dirname(env)
        if os.path.basename(env) in IN_PROJECT_NAMES and not self._stop(parent):
            return ProjectGuess(parent, f"the folder holding {os.path.basename(env)}")
        folder = parent
        while not self._stop(folder):
            marker = self.marker_in(folder)
            if marker is not None:
                return ProjectGuess(folder, f"nearest folder with {marker}")
            folder = os.path.dirname(folder)
        return ProjectGuess(None, None)
