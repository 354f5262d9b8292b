"""envdir.venv against real envs made by virtualenv, stdlib venv and uv, then broken on purpose.

Each kind is created once per session; a test that breaks an env breaks its own clone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support import run_unprivileged
from venvreg.envdir.venv import (
    Health,
    VenvInfo,
    check_health,
    disk_usage,
    inspect_venv,
    parse_pyvenv_cfg,
    read_file_head,
    read_small_file,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX layout, FIFOs, symlinks")

T = TypeVar("T")
KINDS = ("virtualenv", "venv", "uv")
XY = f"{sys.version_info[0]}.{sys.version_info[1]}"
XYZ = f"{XY}.{sys.version_info[2]}"
OTHER_MINOR = f"{sys.version_info[0]}.{sys.version_info[1] + 1}"


def finishes(fn: Callable[[], T], seconds: float = 5.0) -> T:
    """Run fn in a thread and fail (instead of hanging the suite) if it blocks."""
    result: list[T] = []
    worker = threading.Thread(target=lambda: result.append(fn()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"blocked for more than {seconds}s"
    assert result, "raised instead of returning"
    return result[0]


def uv_command() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    probe = subprocess.run([sys.executable, "-m", "uv", "--version"], capture_output=True)
    if probe.returncode == 0:
        return [sys.executable, "-m", "uv"]
    if os.environ.get("CI"):
        pytest.fail("uv is not installed")
    pytest.skip("uv is not installed")


def create_env(kind: str, dest: Path) -> Path:
    """Make a real env of `kind` at dest, isolated from the user's config."""
    if kind == "virtualenv":
        cmd = [sys.executable, "-m", "virtualenv", "-q", "--no-periodic-update", str(dest)]
    elif kind == "venv":
        cmd = [sys.executable, "-m", "venv", "--without-pip", str(dest)]
    else:
        cmd = [*uv_command(), "venv", "-q", "--seed", "--python", sys.executable, str(dest)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    subprocess.run(cmd, check=True, cwd=dest.parent, env=env, capture_output=True)
    return dest


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """kind -> the session's pristine env of that kind (never modify it)."""
    cache: dict[str, Path] = {}

    def get(kind: str) -> Path:
        if kind not in cache:
            cache[kind] = create_env(kind, tmp_path_factory.mktemp(kind) / "env")
        return cache[kind]

    return get


def clone_env(src: Path, dest: Path) -> Path:
    """Copy an env and rewrite its scripts to dest, as virtualenv-clone does: a healthy copy."""
    shutil.copytree(src, dest, symlinks=True)
    old, new = os.fsencode(src), os.fsencode(dest)
    for script in (dest / "bin").iterdir():
        if script.is_file() and not script.is_symlink():
            script.write_bytes(script.read_bytes().replace(old, new))
    return dest


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def env(made: Callable[[str], Path], kind: str, tmp_path: Path) -> Path:
    """A private, healthy clone of the session env of each kind."""
    return clone_env(made(kind), tmp_path / "clone")


def health(path: Path, project: str | None = None) -> Health:
    return check_health(inspect_venv(path), project)


def set_cfg(env: Path, key: str, value: str | None) -> None:
    """Replace (or drop, with None) every `key = ...` line of pyvenv.cfg."""
    cfg = env / "pyvenv.cfg"
    lines = [ln for ln in cfg.read_text().splitlines() if ln.split("=")[0].strip() != key]
    if value is not None:
        lines.append(f"{key} = {value}")
    cfg.write_text("\n".join(lines) + "\n")


def relink(link: Path, target: Path | str) -> None:
    link.unlink()
    link.symlink_to(target)


def fake_base(root: Path, xy: str) -> Path:
    """A base-Python-shaped folder for version X.Y (nothing in it is runnable, nothing is run)."""
    (root / "bin").mkdir(parents=True)
    (root / "lib" / f"python{xy}").mkdir(parents=True)
    (root / "bin" / f"python{xy}").write_bytes(b"")
    (root / "bin" / "python").symlink_to(f"python{xy}")
    return root / "bin"


# --- read_small_file -------------------------------------------------------------------------


def test_read_small_file_reads_regular_files_and_symlinks_to_them(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x" * 10)
    (tmp_path / "link").symlink_to(tmp_path / "f")
    assert read_small_file(tmp_path / "f") == b"x" * 10
    assert read_small_file(tmp_path / "link") == b"x" * 10
    assert read_small_file(tmp_path / "f", limit=10) == b"x" * 10
    assert read_small_file(tmp_path / "f", limit=9) is None
    assert read_file_head(tmp_path / "f", limit=4) == b"xxxx"


def test_read_small_file_refuses_what_is_not_a_small_regular_file(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"y" * (64 * 1024 + 1))
    (tmp_path / "file").write_bytes(b"")
    assert read_small_file(tmp_path / "big") is None
    assert read_small_file(tmp_path / "missing") is None
    assert read_small_file(tmp_path) is None
    assert read_small_file(tmp_path / "file" / "below") is None  # ENOTDIR
    assert read_small_file(Path("nul\0byte")) is None
    assert read_small_file(tmp_path / "file") == b""


def test_read_small_file_never_blocks_on_fifo_or_device(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "fifo-link").symlink_to(tmp_path / "fifo")
    for name in ("fifo", "fifo-link"):
        assert finishes(lambda n=name: read_small_file(tmp_path / n)) is None
        assert finishes(lambda n=name: read_file_head(tmp_path / n)) is None
    if Path("/dev/zero").exists():
        (tmp_path / "zero").symlink_to("/dev/zero")
        assert finishes(lambda: read_file_head(tmp_path / "zero")) is None


def test_read_small_file_rechecks_the_opened_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A regular file swapped for a FIFO between stat and open is still refused."""
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "regular").write_bytes(b"x")
    real_stat = Path.stat

    def lying_stat(self: Path, **kwargs: bool) -> os.stat_result:
        return real_stat(tmp_path / "regular" if self.name == "fifo" else self, **kwargs)

    monkeypatch.setattr(Path, "stat", lying_stat)
    assert finishes(lambda: read_small_file(tmp_path / "fifo")) is None


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs procfs")
def test_read_small_file_refuses_a_file_larger_than_it_claims() -> None:
    # procfs files say st_size 0 and hold more: the read itself must enforce the limit.
    assert read_small_file(Path("/proc/self/status"), limit=100) is None
    assert len(read_small_file(Path("/proc/self/status")) or b"") > 100


def test_read_small_file_permission_denied(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(b"s")
    secret.chmod(0)
    code = "import sys; from pathlib import Path; from venvreg.envdir.venv import read_small_file;"
    code += "print(read_small_file(Path(sys.argv[1])))"
    result = run_unprivileged(code, str(secret))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


# --- parse_pyvenv_cfg ------------------------------------------------------------------------


def test_parse_pyvenv_cfg_is_tolerant() -> None:
    data = (
        b"\xef\xbb\xbfHOME = /opt/py/bin\r\n"
        b"just garbage without equals\r\n"
        b"  Version_Info=3.11.7.final.0  \r\n"
        b"command = python -m venv --prompt=x /e\r\n"
        b"home = /second/wins/not\n"
        b" = no key\n"
        b"# comment = ignored\n"
    )
    assert parse_pyvenv_cfg(data) == {
        "home": "/opt/py/bin",
        "version_info": "3.11.7.final.0",
        "command": "python -m venv --prompt=x /e",
    }
    assert parse_pyvenv_cfg(b"") == {}
    assert parse_pyvenv_cfg(b"\x00\xff\xfe\x80") == {}


def test_parse_pyvenv_cfg_keeps_undecodable_path_bytes_like_fsdecode() -> None:
    assert parse_pyvenv_cfg(b"home = /opt/\xff/bin")["home"] == os.fsdecode(b"/opt/\xff/bin")


@given(st.binary(max_size=512))
def test_parse_pyvenv_cfg_never_raises(data: bytes) -> None:
    cfg = parse_pyvenv_cfg(data)
    assert all(isinstance(k, str) and k == k.strip().lower() and k for k in cfg)


# --- inspect_venv and check_health on healthy envs ------------------------------------------


@pytest.mark.slow
def test_real_envs_are_described(made: Callable[[str], Path], kind: str) -> None:
    path = made(kind)
    info = inspect_venv(path)
    assert info == VenvInfo(
        path=path,
        is_venv=True,
        cfg=info.cfg,
        home=info.cfg["home"],
        python_version=XYZ,
        interpreter=path / "bin" / "python",
        site_packages=path / "lib" / f"python{XY}" / "site-packages",
        tool=kind,
        prompt=None,
        include_system_site_packages=False,
    )
    assert Path(info.cfg["home"]).is_dir()
    assert check_health(info) == Health(ok=True, problems=())


@pytest.mark.slow
def test_relative_path_is_made_absolute(
    made: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = made("venv")
    monkeypatch.chdir(path.parent)
    info = inspect_venv(Path("env"))
    assert info.path == Path.cwd() / "env"
    assert check_health(info).ok


@pytest.mark.slow
def test_prompt_and_system_site_packages(env: Path) -> None:
    set_cfg(env, "prompt", "'my env'")
    set_cfg(env, "include-system-site-packages", "True")
    info = inspect_venv(env)
    assert (info.prompt, info.include_system_site_packages) == ("my env", True)


@pytest.mark.slow
def test_symlinked_workon_home_is_not_moved(tmp_path: Path, kind: str) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    create_env(kind, tmp_path / "link" / "made-via-link")
    create_env(kind, real / "made-via-real")
    for name in ("made-via-link", "made-via-real"):
        for home in (real, tmp_path / "link"):
            assert health(home / name).problems == (), (name, home)


@pytest.mark.slow
def test_symlinked_env_folder_is_not_moved(env: Path, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(env)
    assert health(tmp_path / "alias").problems == ()


def test_conda_env_is_recognised(tmp_path: Path) -> None:
    (tmp_path / "conda-meta").mkdir()
    (tmp_path / "conda-meta" / "history").write_text("==> 2024-01-01 <==\n")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").symlink_to(os.path.realpath(sys.executable))
    (tmp_path / "lib" / f"python{XY}" / "site-packages").mkdir(parents=True)
    info = inspect_venv(tmp_path)
    assert (info.is_venv, info.tool, info.python_version) == (True, "conda", XY)
    assert info.site_packages == tmp_path / "lib" / f"python{XY}" / "site-packages"
    assert check_health(info).problems == ()


def test_plain_folder_is_not_a_venv(tmp_path: Path) -> None:
    info = inspect_venv(tmp_path)
    assert (info.is_venv, info.tool, info.interpreter, info.site_packages) == (
        False,
        "unknown",
        None,
        None,
    )
    assert check_health(info).problems == (
        "pyvenv.cfg is missing",
        "interpreter bin/python is missing",
    )
    gone = tmp_path / "gone"
    assert check_health(inspect_venv(gone)).problems == (f"env folder {gone} is gone",)


# --- group F: each fault reported with its cause --------------------------------------------


@pytest.mark.slow
def test_dangling_interpreter(env: Path, tmp_path: Path) -> None:
    missing = tmp_path / "removed-base" / f"python{XY}"
    relink(env / "bin" / "python", missing)
    assert health(env).problems == (
        f"interpreter bin/python points to missing {os.path.realpath(missing)}",
    )


@pytest.mark.slow
def test_interpreter_symlink_loop_and_absence(env: Path) -> None:
    relink(env / "bin" / "python", env / "lib")
    lib = os.path.realpath(env / "lib")
    assert health(env).problems == (f"interpreter bin/python points to {lib}, which is not a file",)
    relink(env / "bin" / "python3", "python")
    relink(env / "bin" / "python", "python3")
    assert health(env).problems == ("interpreter bin/python is a symlink loop",)
    (env / "bin" / "python").unlink()
    (env / "bin" / "python3").unlink()
    assert health(env).problems == ("interpreter bin/python is missing",)


@pytest.mark.slow
def test_missing_home_key(env: Path) -> None:
    set_cfg(env, "home", None)
    assert health(env).problems == ("pyvenv.cfg has no 'home' key",)


@pytest.mark.slow
def test_home_folder_gone(env: Path, tmp_path: Path) -> None:
    gone = tmp_path / "uninstalled" / "bin"
    set_cfg(env, "home", str(gone))
    assert health(env).problems == (f"base Python folder {gone} is gone",)


@pytest.mark.slow
def test_minor_drift_seen_through_the_interpreter_symlink(env: Path, tmp_path: Path) -> None:
    # The base's `python` now points at a newer minor; a stale pythonX.Y still sits beside it,
    # so only the resolved file name tells (a distro upgrade retargeting /usr/bin/python3).
    base_bin = fake_base(tmp_path / "base", OTHER_MINOR)
    (base_bin / f"python{XY}").write_bytes(b"")
    set_cfg(env, "home", str(base_bin))
    relink(env / "bin" / "python", base_bin / "python")
    assert health(env).problems == (f"base Python is {OTHER_MINOR} but the env was built for {XY}",)


@pytest.mark.slow
def test_minor_drift_seen_next_to_home_for_copied_interpreter(env: Path, tmp_path: Path) -> None:
    base_bin = fake_base(tmp_path / "base", OTHER_MINOR)
    set_cfg(env, "home", str(base_bin))
    (env / "bin" / "python").unlink()
    (env / "bin" / "python").write_bytes(b"")  # like --copies: says nothing about the base
    assert health(env).problems == (f"base Python is {OTHER_MINOR} but the env was built for {XY}",)


@pytest.mark.slow
def test_minor_drift_from_the_recorded_version(env: Path) -> None:
    older = f"{sys.version_info[0]}.{sys.version_info[1] - 1}"
    for key in ("version", "version_info"):
        set_cfg(env, key, f"{older}.0")
    assert inspect_venv(env).python_version == f"{older}.0"
    assert health(env).problems == (f"base Python is {XY} but the env was built for {older}",)


@pytest.mark.slow
def test_moved_env(env: Path, tmp_path: Path) -> None:
    moved = tmp_path / "moved"
    env.rename(moved)
    assert health(moved).problems == (f"env was moved: its scripts point to {env}",)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["virtualenv", "uv"])  # the venv kind is made without pip
def test_moved_env_seen_by_pip_script_alone(env: Path, tmp_path: Path, kind: str) -> None:
    for script in (env / "bin").glob("activate*"):
        script.unlink()
    moved = tmp_path / "moved"
    env.rename(moved)
    assert health(moved).problems == (f"env was moved: its scripts point to {env}",)


@pytest.mark.slow
def test_moved_env_with_hostile_path(tmp_path: Path, kind: str) -> None:
    # pip, virtualenv and uv write a `#!/bin/sh` + `'''exec' '...'` trampoline for such paths;
    # venv before the CVE-2024-9287 fix pastes the path raw into "...", so `$` is unreadable there.
    name = 'it\'s "a" env' if kind == "venv" else 'it\'s "a" $env `x`'
    odd = create_env(kind, tmp_path / name)
    assert health(odd).problems == ()
    moved = tmp_path / "moved"
    odd.rename(moved)
    assert health(moved).problems == (f"env was moved: its scripts point to {odd}",)
    if kind != "venv":  # the pip script's trampoline alone must tell too
        assert next(iter((moved / "bin" / "pip").read_text().splitlines())) == "#!/bin/sh"
        for script in (moved / "bin").glob("activate*"):
            script.unlink()
        assert health(moved).problems == (f"env was moved: its scripts point to {odd}",)


@pytest.mark.slow
def test_project_folder_gone(env: Path, tmp_path: Path) -> None:
    assert health(env, str(tmp_path)).problems == ()
    gone = tmp_path / "project"
    assert health(env, str(gone)).problems == (f"project folder {gone} is gone",)


@pytest.mark.slow
def test_several_faults_are_all_reported(env: Path, tmp_path: Path) -> None:
    set_cfg(env, "home", None)
    relink(env / "bin" / "python", tmp_path / "nowhere")
    moved = tmp_path / "moved"
    env.rename(moved)
    assert health(moved, str(tmp_path / "p")).problems == (
        "pyvenv.cfg has no 'home' key",
        f"interpreter bin/python points to missing {os.path.realpath(tmp_path / 'nowhere')}",
        f"env was moved: its scripts point to {env}",
        f"project folder {tmp_path / 'p'} is gone",
    )


# --- group F: hostile pyvenv.cfg ------------------------------------------------------------


def replace_cfg(env: Path, make: Callable[[Path], None]) -> Path:
    cfg = env / "pyvenv.cfg"
    cfg.unlink()
    make(cfg)
    return cfg


@pytest.mark.slow
def test_pyvenv_cfg_missing(env: Path) -> None:
    (env / "pyvenv.cfg").unlink()
    info = inspect_venv(env)
    assert (info.is_venv, info.tool, info.python_version) == (False, "unknown", XY)
    assert check_health(info).problems == ("pyvenv.cfg is missing",)


@pytest.mark.slow
@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\xff\xfe garbage \x80\x81\n\x00", b"no equals sign here\nnor here\n"],
    ids=["empty", "binary", "no-equals"],
)
def test_pyvenv_cfg_without_home(env: Path, content: bytes) -> None:
    replace_cfg(env, lambda cfg: cfg.write_bytes(content))
    info = finishes(lambda: inspect_venv(env))
    assert (info.is_venv, info.cfg, info.home, info.tool) == (True, {}, None, "unknown")
    assert info.python_version == XY  # from lib/pythonX.Y
    assert check_health(info).problems == ("pyvenv.cfg has no 'home' key",)


@pytest.mark.slow
def test_pyvenv_cfg_crlf(env: Path, kind: str) -> None:
    before = inspect_venv(env)
    cfg = env / "pyvenv.cfg"
    cfg.write_bytes(cfg.read_bytes().replace(b"\n", b"\r\n"))
    after = inspect_venv(env)
    assert after == before
    assert check_health(after).ok


@pytest.mark.slow
def test_pyvenv_cfg_huge(env: Path) -> None:
    cfg = env / "pyvenv.cfg"
    cfg.write_bytes(cfg.read_bytes() + b"# padding\n" * 7000)
    info = inspect_venv(env)
    assert (info.is_venv, info.cfg, info.home) == (False, {}, None)
    assert check_health(info).problems == ("pyvenv.cfg is not a small regular file",)


@pytest.mark.slow
@pytest.mark.parametrize("special", ["fifo", "dev-zero", "directory"])
def test_pyvenv_cfg_special_file_never_blocks(env: Path, special: str) -> None:
    if special == "dev-zero" and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    makers: dict[str, Callable[[Path], None]] = {
        "fifo": lambda cfg: os.mkfifo(cfg),
        "dev-zero": lambda cfg: cfg.symlink_to("/dev/zero"),
        "directory": lambda cfg: cfg.mkdir(),
    }
    replace_cfg(env, makers[special])
    verdict = finishes(lambda: check_health(inspect_venv(env)))
    assert verdict.problems == ("pyvenv.cfg is not a small regular file",)


# --- disk_usage -----------------------------------------------------------------------------


def test_disk_usage_counts_hard_links_once_and_follows_no_symlink(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "data").write_bytes(os.urandom(1 << 20))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "big").write_bytes(os.urandom(4 << 20))
    before = disk_usage(tree)
    assert before >= 1 << 20
    os.link(tree / "sub" / "data", tree / "hardlink")
    (tree / "to-file").symlink_to(outside / "big")
    (tree / "to-dir").symlink_to(outside)
    (tree / "to-root").symlink_to("/")
    after = disk_usage(tree)
    assert before <= after < before + (64 << 10)
    assert disk_usage(tree / "to-dir") < 64 << 10  # the link itself, not its target
    assert disk_usage(tmp_path / "missing") == 0
    assert disk_usage(tree / "sub" / "data") == (tree / "sub" / "data").stat().st_blocks * 512


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="GNU du -B1")
def test_disk_usage_matches_du(made: Callable[[str], Path]) -> None:
    path = made("virtualenv")
    du = subprocess.run(["du", "-s", "-B1", str(path)], capture_output=True, text=True, check=True)
    assert disk_usage(path) == int(du.stdout.split()[0])


def test_disk_usage_skips_unreadable_folders(tmp_path: Path) -> None:
    (tmp_path / "readable").write_bytes(b"y" * 10000)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "f").write_bytes(b"x" * 10000)
    locked.chmod(0)
    code = "import sys; from pathlib import Path; from venvreg.envdir.venv import disk_usage;"
    code += "print(disk_usage(Path(sys.argv[1])))"
    try:
        result = run_unprivileged(code, str(tmp_path))
    finally:
        locked.chmod(0o700)
    assert result.returncode == 0, result.stderr
    assert 0 < int(result.stdout) < disk_usage(tmp_path)


def test_module_imports_only_light_stdlib() -> None:
    code = (
        "import sys; before = set(sys.modules); import venvreg.envdir.venv;"
        "new = {m.split('.')[0] for m in set(sys.modules) - before};"
        "bad = {'subprocess', 'json', 'email'} | (new - set(sys.stdlib_module_names));"
        "print(sorted(new & bad - {'venvreg'}))"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
    )
    assert out.stdout.strip() == "[]"


def _iter_lines(path: Path) -> Iterator[str]:
    yield from path.read_text().splitlines()


@pytest.mark.slow
def test_shebang_forms_are_what_the_parser_expects(made: Callable[[str], Path], kind: str) -> None:
    """Documents the script shapes the moved-env check relies on, so a tool change shows up."""
    env = made(kind)
    activate = "\n".join(_iter_lines(env / "bin" / "activate"))
    assert re.search(
        rf"^\s*(export )?VIRTUAL_ENV=['\"]?{re.escape(str(env))}['\"]?$", activate, re.M
    )
    if kind != "venv":
        assert next(_iter_lines(env / "bin" / "pip")) == f"#!{env}/bin/python"


def test_pretty_json_is_json_dumps_with_an_indent_of_two() -> None:
    """The CLI's JSON layout (cli/output.py) against the json module, over generated values:
    every scalar type, escapes, empty containers, nesting, and shapes it hands back to json."""
    import json
    import random
    import string

    from venvreg.cli.output import pretty_json

    rnd = random.Random(12)
    scalars = [None, True, False, 0, -5, 2**70, 1.5, 1e300, "", 'a"b\\c\n\x00\x1f é 🚒 \u2028']

    def value(depth: int) -> object:
        roll = rnd.random()
        if depth > 3 or roll < 0.5:
            return rnd.choice([*scalars, "".join(rnd.choices(string.printable, k=5))])
        if roll < 0.75:
            return [value(depth + 1) for _ in range(rnd.randint(0, 4))]
        keys = ("".join(rnd.choices(string.printable + "é\x00", k=3)) for _ in range(4))
        return {key: value(depth + 1) for key in keys}

    for _ in range(3000):
        data = value(0)
        assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False)
    for data in ({1: 2}, (1, 2), [(), {}], {"a": (1, [2])}, {"x": {1.5: 1}}):
        assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False)
    with pytest.raises(TypeError):
        pretty_json({"a": object()})
