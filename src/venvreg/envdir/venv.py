"""What a venv folder says about itself, learnt by stat and by reading small regular files only.

Nothing found in the folder is ever run: an adopted env is untrusted. Standard library only; the
shell hot path (workon) does not import it and reads through smallfiles.py instead.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from ..fs.smallfiles import parse_pyvenv_cfg, path_value_problem, read_file_head, read_small_file
from ..settings.paths import is_within
from .project_file import project_file_problem

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from typing import Literal

    # An env's state, the one meaning every command renders (ls, show, scan, doctor):
    # `project gone` is a working env whose project folder is gone, not a broken one.
    State = Literal["ok", "project gone", "broken", "missing"]

__all__ = [
    "BROKEN",
    "MISSING",
    "OK",
    "PROJECT_GONE",
    "STATES",
    "Health",
    "VenvInfo",
    "check_health",
    "disk_usage",
    "env_state",
    "inspect_venv",
    "parse_pyvenv_cfg",
    "read_file_head",
    "read_small_file",
]

# Patterns, compiled (and cached by re) at their first use: a listing that judges no env needs
# none of them.
_VERSION = r"(\d+)\.(\d+)(?:\.(\d+))?"
_LIB = r"(?:python|pypy)(\d+)\.(\d+)t?"
_EXE = r"(?i)(?:python|pypy)(\d+)\.(\d+)t?(?:\.exe)?"
_INTERPRETERS = ("bin/python", "bin/python3", "Scripts/python.exe")


# VenvInfo's fields in the order it takes them (its equality and repr go through all of them).
_VENV_INFO_FIELDS = (
    "path", "is_venv", "cfg", "home", "python_version", "interpreter", "site_packages", "tool",
    "prompt", "include_system_site_packages", "value_problems",
)  # fmt: skip


class VenvInfo:
    """Facts read from an env folder; `is_venv` false means the rest is a best guess or None.
    Read-only once made: nothing assigns to its attributes."""

    __slots__ = _VENV_INFO_FIELDS

    def __init__(
        self,
        path: Path,
        is_venv: bool,
        cfg: dict[str, str],
        home: str | None,
        python_version: str | None,
        interpreter: Path | None,
        site_packages: Path | None,
        tool: str,
        prompt: str | None,
        include_system_site_packages: bool,
        # Values read from the env's files that cannot be used as paths (then `home` is None).
        value_problems: tuple[str, ...] = (),
    ) -> None:
        self.path = path
        self.is_venv = is_venv
        self.cfg = cfg
        self.home = home
        self.python_version = python_version
        self.interpreter = interpreter
        self.site_packages = site_packages
        self.tool = tool
        self.prompt = prompt
        self.include_system_site_packages = include_system_site_packages
        self.value_problems = value_problems

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _VENV_INFO_FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VenvInfo):
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # its cfg is a dict

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _VENV_INFO_FIELDS)
        return f"VenvInfo({fields})"


class Health:
    """Verdict of check_health: each problem is a one-line cause a person can act on.
    Read-only once made."""

    __slots__ = ("ok", "problems")

    def __init__(self, ok: bool, problems: tuple[str, ...]) -> None:
        self.ok = ok
        self.problems = problems

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Health):
            return NotImplemented
        return (self.ok, self.problems) == (other.ok, other.problems)

    def __repr__(self) -> str:
        return f"Health(ok={self.ok!r}, problems={self.problems!r})"


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False


def _lib_versions(lib: Path) -> list[tuple[int, int, str]]:
    """(major, minor, name) of lib/pythonX.Y folders, newest first."""
    found: list[tuple[int, int, str]] = []
    try:
        with os.scandir(lib) as it:
            for entry in it:
                m = re.fullmatch(_LIB, entry.name)
                if m and entry.is_dir():
                    found.append((int(m[1]), int(m[2]), entry.name))
    except OSError:
        pass
    return sorted(found, reverse=True)


def _cfg_version(cfg: dict[str, str]) -> str | None:
    """The most precise X.Y[.Z] among the keys that venv, virtualenv and uv write."""
    best: str | None = None
    for key in ("version_info", "version", "python-version"):
        m = re.match(_VERSION, cfg.get(key, ""))
        if m:
            found = ".".join(g for g in m.groups() if g is not None)
            if best is None or found.count(".") > best.count("."):
                best = found
    return best


def _unquote(value: str) -> str:
    """venv writes `prompt = 'x'` (a repr), uv writes it bare."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def inspect_venv(path: Path) -> VenvInfo:
    """Describe the env at `path` (made absolute, symlinks kept) without running anything."""
    path = Path(os.path.abspath(path))  # not resolve(): that would follow symlinks
    data = read_small_file(path / "pyvenv.cfg")
    cfg = parse_pyvenv_cfg(data) if data is not None else {}
    conda = _is_regular(path / "conda-meta" / "history")
    libs = _lib_versions(path / "lib")
    version = _cfg_version(cfg)
    if version is None and libs:
        version = f"{libs[0][0]}.{libs[0][1]}"
    interpreter = next((path / p for p in _INTERPRETERS if os.path.lexists(path / p)), None)
    xy = ".".join(version.split(".")[:2]) if version else None
    libs.sort(key=lambda v: f"{v[0]}.{v[1]}" != xy)  # stable: the env's own version first
    candidates = [path / "lib" / name / "site-packages" for _, _, name in libs]
    candidates += [path / "lib" / "site-packages", path / "Lib" / "site-packages"]
    site_packages = next((p for p in candidates if p.is_dir()), None)
    if "uv" in cfg:
        tool = "uv"
    elif "virtualenv" in cfg:
        tool = "virtualenv"
    elif conda:
        tool = "conda"
    elif "home" in cfg:
        tool = "venv"
    else:
        tool = "unknown"
    prompt = cfg.get("prompt")
    home = cfg.get("home") or None
    value_problems: list[str] = []
    why = path_value_problem(home) if home is not None else None
    if why is not None:
        value_problems.append(f"pyvenv.cfg 'home' is not a usable path: {why}")
        home = None
    return VenvInfo(
        path=path,
        is_venv=data is not None or conda,
        cfg=cfg,
        home=home,
        python_version=version,
        interpreter=interpreter,
        site_packages=site_packages,
        tool=tool,
        prompt=_unquote(prompt) if prompt else None,
        include_system_site_packages=cfg.get("include-system-site-packages", "").lower() == "true",
        value_problems=tuple(value_problems),
    )


def _shell_word(text: str) -> str | None:
    """The literal value of the POSIX shell word at the start of `text`; None if it expands."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                return None
            out.append(text[i + 1 : end])
            i = end + 1
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                if text[i] in "$`":
                    return None
                if text[i] == "\\" and i + 1 < n and text[i + 1] in '$`"\\':
                    i += 1
                out.append(text[i])
                i += 1
            if i >= n:
                return None
            i += 1
        elif c == "\\" and i + 1 < n:
            out.append(text[i + 1])
            i += 2
        elif c in " \t;&|()<>#":
            break
        elif c in "$`\\":
            return None
        else:
            out.append(c)
            i += 1
    return "".join(out) or None


def _env_of_interpreter(interp: str) -> str | None:
    """`/env/bin/python3` -> `/env`: only a python inside a bin/ or Scripts/ folder counts."""
    path = Path(interp)
    in_bin = path.parent.name in ("bin", "Scripts")
    if path.is_absolute() and in_bin and path.name.lower().startswith("py"):
        return str(path.parent.parent)
    return None


def _recorded_from_script(data: bytes) -> str | None:
    """Env path named by a pip-style script: `#!/env/bin/python`, or the `'''exec'` trampoline
    that pip, virtualenv and uv write when the path holds spaces or is too long."""
    lines = data.split(b"\n", 2)
    if not lines[0].startswith(b"#!"):
        return None
    words = os.fsdecode(lines[0][2:]).split()
    if not words:
        return None
    if Path(words[0]).name == "sh" and len(lines) > 1:
        second = os.fsdecode(lines[1]).rstrip("\r")
        if not second.startswith("'''exec' "):
            return None
        word = _shell_word(second[len("'''exec' ") :])
        return _env_of_interpreter(word) if word else None
    return _env_of_interpreter(words[0])


def _recorded_from_activate(data: bytes) -> str | None:
    """The first literal `[export ]VIRTUAL_ENV=...` in bin/activate; `$(cygpath ...)` and the
    relocatable branches of virtualenv and uv expand at run time and are skipped."""
    for raw in data.splitlines():
        line = os.fsdecode(raw).strip().removeprefix("export ").lstrip()
        if line.startswith("VIRTUAL_ENV="):
            value = line[len("VIRTUAL_ENV=") :]
            # venv before the CVE-2024-9287 fix pasted the path raw between double quotes.
            inner = value[1:-1]
            if len(value) > 2 and value[0] == value[-1] == '"' and not set(inner) & set("$`\\"):
                return inner
            word = _shell_word(value)
            if word:
                return word
    return None


def _recorded_paths(env: Path) -> list[str]:
    """Env locations baked into the activate script and a pip script, as written there."""
    found: list[str] = []
    for bindir in ("bin", "Scripts"):
        data = read_small_file(env / bindir / "activate")
        recorded = _recorded_from_activate(data) if data else None
        if recorded:
            found.append(recorded)
        try:
            names = sorted(p.name for p in (env / bindir).iterdir() if p.name.startswith("pip"))
        except OSError:
            names = []
        for name in names[:1]:
            data = read_small_file(env / bindir / name)
            recorded = _recorded_from_script(data) if data else None
            if recorded:
                found.append(recorded)
    return found


def _same_place(recorded: str, here: Path) -> bool:
    """Resolve both sides, so an env reached through a symlinked WORKON_HOME is not 'moved'."""
    if recorded == str(here):
        return True
    try:
        if os.path.realpath(recorded) == os.path.realpath(here):
            return True
        return here.samefile(recorded)
    except (OSError, ValueError):
        return False


def _base_versions_near_home(home: str) -> set[tuple[int, int]]:
    """X.Y of `pythonX.Y` executables in `home` and of lib/pythonX.Y beside it."""
    found: set[tuple[int, int]] = set()
    try:
        with os.scandir(home) as it:
            for entry in it:
                m = re.fullmatch(_EXE, entry.name)
                if m:
                    found.add((int(m[1]), int(m[2])))
    except (OSError, ValueError):
        pass
    lib = Path(home).parent / "lib"
    found.update((major, minor) for major, minor, _ in _lib_versions(lib))
    return found


def _base_minor(info: VenvInfo, resolved: str | None, env_xy: tuple[int, int]) -> tuple[int, int]:
    """The base's X.Y from the resolved interpreter's file name (unless it is a copy inside the
    env), else from what sits next to `home`; the env's own X.Y when nothing says otherwise."""
    if resolved is not None and not is_within(resolved, os.path.realpath(info.path), or_same=True):
        m = re.fullmatch(_EXE, Path(resolved).name)
        if m:
            return (int(m[1]), int(m[2]))
    near = _base_versions_near_home(info.home) if info.home else set()
    return env_xy if not near or env_xy in near else max(near)


def _interpreter_problem(info: VenvInfo) -> tuple[str | None, str | None]:
    """(problem, resolved target) for the env's interpreter."""
    if info.interpreter is None:
        return "interpreter bin/python is missing", None
    rel = info.interpreter.relative_to(info.path).as_posix()
    resolved = os.path.realpath(info.interpreter)  # non-strict: never raises for a bad chain
    try:
        st = info.interpreter.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"interpreter {rel} is a symlink loop", None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return f"interpreter {rel} points to missing {resolved}", None
        return f"interpreter {rel} cannot be checked: {exc.strerror}", None
    if not stat.S_ISREG(st.st_mode):
        return f"interpreter {rel} points to {resolved}, which is not a file", None
    return None, resolved


# The four states (State above), as every command renders them.
OK: State = "ok"
PROJECT_GONE: State = "project gone"
BROKEN: State = "broken"
MISSING: State = "missing"
STATES = (OK, PROJECT_GONE, BROKEN, MISSING)
_GONE = " is gone"
_PROJECT_LEAD = "project folder "
_FOLDER_LEADS = ("the folder ", "env folder ")  # an env folder that is gone


def project_gone_problem(project: str) -> str:
    """The problem line of a project folder that is gone (env_state tells it apart)."""
    return f"project folder {project} is gone"


def is_project_gone(line: str) -> bool:
    """Is this problem line the one of a project folder that is gone?"""
    return _is_gone(line, _PROJECT_LEAD)


def _is_gone(line: str, *leads: str) -> bool:
    """`LEAD ... is gone`, the whole line, for one of `leads` (what the problem lines of a
    folder that is gone say, whatever the path between holds)."""
    return line.endswith(_GONE) and any(
        line.startswith(lead) and len(line) >= len(lead) + len(_GONE) for lead in leads
    )


def env_state(problems: tuple[str, ...] | list[str], status: str = "ready") -> State:
    """ok / project gone / broken / missing, from a row's status and its problem lines."""
    if status == "missing" or any(_is_gone(line, *_FOLDER_LEADS) for line in problems):
        return MISSING
    if not problems:
        return OK
    if all(is_project_gone(line) for line in problems):
        return PROJECT_GONE
    return BROKEN


_SHOWN_MAX = 300


def _printable(problem: str) -> str:
    """A problem line as text any output and the registry take: bytes that are not UTF-8 (from
    a link target or a script) as `\\xNN` escapes, and at most _SHOWN_MAX characters."""
    try:
        raw = problem.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file name decodes to
        raw = problem.encode("utf-8", "backslashreplace")
    text = raw.decode("utf-8", "backslashreplace")
    if len(text) > _SHOWN_MAX:
        text = f"{text[:_SHOWN_MAX]}... ({len(text)} characters)"
    return text


def check_health(info: VenvInfo, project_path: str | None = None) -> Health:
    """Judge an env by stat and small reads only: every cause found, not just the first."""
    problems: list[str] = []
    if not os.path.isdir(info.path):
        problems.append(f"env folder {info.path} is gone")
    else:
        cfg_path = info.path / "pyvenv.cfg"
        cfg_read = read_small_file(cfg_path) is not None
        conda = info.tool == "conda"
        if not cfg_read and not conda:
            if os.path.lexists(cfg_path):
                problems.append("pyvenv.cfg is not a small regular file")
            else:
                problems.append("pyvenv.cfg is missing")
        problems.extend(info.value_problems)
        if cfg_read and not conda and not info.value_problems:
            if info.home is None:
                problems.append("pyvenv.cfg has no 'home' key")
            elif not os.path.isdir(info.home):
                problems.append(f"base Python folder {info.home} is gone")
        problem, resolved = _interpreter_problem(info)
        if problem:
            problems.append(problem)
        m = re.match(_VERSION, info.python_version or "")
        if m:
            env_xy = (int(m[1]), int(m[2]))
            base = _base_minor(info, resolved, env_xy)
            if base != env_xy:
                problems.append(
                    f"base Python is {base[0]}.{base[1]} "
                    f"but the env was built for {env_xy[0]}.{env_xy[1]}"
                )
        for recorded in _recorded_paths(info.path):
            if not _same_place(recorded, info.path):
                problems.append(f"env was moved: its scripts point to {recorded}")
                break
        project_problem = project_file_problem(info.path)
        if project_problem is not None:
            problems.append(project_problem)
    if project_path and not os.path.isdir(project_path):
        problems.append(project_gone_problem(project_path))
    return Health(ok=not problems, problems=tuple(_printable(line) for line in problems))


def disk_usage(path: Path) -> int:
    """Bytes on disk of a tree: no symlink followed, each hard-linked inode counted once."""
    seen: set[tuple[int, int]] = set()

    def size(st: os.stat_result) -> int:
        if st.st_nlink > 1:
            key = (st.st_dev, st.st_ino)
            if key in seen:
                return 0
            seen.add(key)
        blocks = getattr(st, "st_blocks", None)
        return blocks * 512 if blocks is not None else st.st_size

    try:
        root = os.lstat(path)
    except (OSError, ValueError):
        return 0
    total = size(root)
    stack = [os.fspath(path)] if stat.S_ISDIR(root.st_mode) else []
    while stack:
        try:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    total += size(st)
                    if stat.S_ISDIR(st.st_mode):
                        stack.append(entry.path)
        except OSError:
            continue
    return total
