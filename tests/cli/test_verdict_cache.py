"""The cached health verdicts (hostile group F): a listing judges an env again only when its
stat fingerprint changed, reads each env's interpreter link once and stats what many envs'
links point to once per listing. Each change below must still reach every env it touches."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

XY = f"{sys.version_info[0]}.{sys.version_info[1]}"
VERSION = "{}.{}.{}".format(*sys.version_info[:3])


def _base(root: Path) -> Path:
    """A base "Python" that is a plain file (never run: health is judged by stat alone)."""
    bin_dir = root / "base" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / f"python{XY}"
    python.write_bytes(b"\x7fELF not really\n")
    return python


def _env(home: Path, name: str, base: Path, relative_chain: bool = False) -> Path:
    """An env as `python -m venv --without-pip` leaves it, its bin/python linked to `base`
    (or, with `relative_chain`, through bin/python3 as virtualenv links them)."""
    env = home / name
    (env / "lib" / f"python{XY}" / "site-packages").mkdir(parents=True)
    (env / "bin").mkdir()
    (env / "pyvenv.cfg").write_text(
        f"home = {base.parent}\ninclude-system-site-packages = false\nversion = {VERSION}\n",
        encoding="utf-8",
    )
    if relative_chain:
        os.symlink(base, env / "bin" / "python3")
        os.symlink("python3", env / "bin" / "python")
    else:
        os.symlink(base, env / "bin" / "python")
    return env


def _states(cli: Any) -> dict[str, tuple[bool, list[str]]]:
    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    return {e["name"]: (e["healthy"], e["problems"]) for e in json.loads(result.stdout)}


def test_the_base_python_removed_under_many_envs_breaks_each(
    cli: Any, workon_home: Path, isolated: Path
) -> None:
    base = _base(isolated)
    workon_home.mkdir(parents=True, exist_ok=True)
    for name in ("one", "two", "three"):
        _env(workon_home, name, base)
    assert {name: ok for name, (ok, _) in _states(cli).items()} == dict.fromkeys(
        ("one", "two", "three"), True
    )
    base.unlink()
    states = _states(cli)
    assert all(not ok for ok, _ in states.values()), states
    assert all(any("points to missing" in p for p in problems) for _, problems in states.values())
    base.write_bytes(b"\x7fELF back\n")
    assert all(ok for ok, _ in _states(cli).values())


@pytest.mark.parametrize("renamed_over", [False, True], ids=["unlinked", "renamed-over"])
@pytest.mark.parametrize("relative_chain", [False, True], ids=["absolute", "through-python3"])
def test_a_link_retargeted_by_hand_is_judged_again(
    cli: Any, workon_home: Path, isolated: Path, relative_chain: bool, renamed_over: bool
) -> None:
    """A symlink cannot change in place: retargeting makes a new link, removed and made or
    renamed over the old one, which changes bin/ (the listing reads the link again only then),
    whether it is bin/python itself or a link further down its chain."""
    base = _base(isolated)
    workon_home.mkdir(parents=True, exist_ok=True)
    env = _env(workon_home, "moved", base, relative_chain)
    _env(workon_home, "kept", base)
    assert _states(cli)["moved"][0] is True
    link = env / "bin" / ("python3" if relative_chain else "python")
    if renamed_over:
        (env / "bin" / ".new").symlink_to(isolated / "uninstalled" / f"python{XY}")
        os.replace(env / "bin" / ".new", link)
    else:
        link.unlink()
        link.symlink_to(isolated / "uninstalled" / f"python{XY}")
    states = _states(cli)
    assert states["moved"][0] is False
    assert any("points to missing" in problem for problem in states["moved"][1])
    assert states["kept"] == (True, [])


def test_json_is_what_the_json_module_writes(cli: Any, workon_home: Path, isolated: Path) -> None:
    """print_json lays out the C encoder's scalars itself: byte for byte json.dumps(indent=2)."""
    base = _base(isolated)
    workon_home.mkdir(parents=True, exist_ok=True)
    _env(workon_home, "plain", base)
    _env(workon_home, 'we"ird\\é🚒', base)
    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert result.stdout == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_a_link_retargeted_in_the_clock_tick_of_its_listing_is_judged_again(
    cli: Any, workon_home: Path, isolated: Path
) -> None:
    """bin/'s time moves in clock ticks of a few milliseconds: a link made again in the tick
    of the listing that judged the env leaves bin/'s stat as that listing saw it. The link is
    trusted on bin/'s word only once bin/ has settled, so it is read again, and the env is
    broken."""
    base = _base(isolated)
    workon_home.mkdir(parents=True, exist_ok=True)
    env = _env(workon_home, "fresh", base)
    bin_dir = env / "bin"
    assert _states(cli)["fresh"][0] is True  # judged while bin/ had just been made
    seen = bin_dir.stat()
    link = bin_dir / "python"
    link.unlink()
    link.symlink_to(isolated / "uninstalled" / f"python{XY}")
    os.utime(bin_dir, ns=(seen.st_atime_ns, seen.st_mtime_ns))  # the same tick
    healthy, problems = _states(cli)["fresh"]
    assert healthy is False
    assert any("points to missing" in problem for problem in problems), problems
