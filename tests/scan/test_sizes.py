"""Sizes are measured once and cached (in the registry for registered envs, beside it for the
others): a second scan, `ls` after an adoption, or `--no-size` walk no env again; an env whose
site-packages changed is measured again."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import by_path, registry_rows, run_venvreg, scan_json
from .trees import XY, Maker, write


def site_packages(env: Path) -> Path:
    return env / "lib" / f"python{XY}" / "site-packages"


def test_a_second_scan_measures_nothing_again(
    sandbox: dict[str, str], isolated: Path, maker: Maker
) -> None:
    loose = maker.env("virtualenv", isolated / "src" / "loose" / "venv")
    kept = maker.env("venv", isolated / "src" / "kept" / ".venv")
    assert run_venvreg(sandbox, "adopt", str(kept)).returncode == 0
    first = by_path(scan_json(sandbox, str(isolated / "src")))
    for env in (loose, kept):
        assert first[str(env)]["size_bytes"] > 0
        assert first[str(env)]["size_measured_at"] is not None
    stamps = measured_at(sandbox, loose, kept)
    second = by_path(scan_json(sandbox, str(isolated / "src")))
    assert measured_at(sandbox, loose, kept) == stamps  # the same measurements, to the µs
    assert [second[str(e)]["size_bytes"] for e in (loose, kept)] == [
        first[str(e)]["size_bytes"] for e in (loose, kept)
    ]

    # An install changes site-packages: that env (only) is measured again, and is bigger.
    write(site_packages(loose) / "big.py", "x" * 200_000)
    third = by_path(scan_json(sandbox, str(isolated / "src")))
    assert third[str(loose)]["size_bytes"] >= first[str(loose)]["size_bytes"] + 200_000
    now = measured_at(sandbox, loose, kept)
    assert now[0] > stamps[0] and now[1] == stamps[1]


def measured_at(sandbox: dict[str, str], loose: Path, kept: Path) -> tuple[float, float]:
    """When each was measured, as stored: the scan cache for the unregistered env, the
    registry row for the adopted one."""
    state = Path(sandbox["WORKON_HOME"]) / ".venvreg"
    cache = json.loads((state / "scan-sizes.json").read_text())
    row = next(r for r in registry_rows(Path(sandbox["WORKON_HOME"])) if r["path"] == str(kept))
    return cache["entries"][str(loose)]["measured_at"], row["size_measured_at"]


def test_an_adopted_env_keeps_the_scans_measurement(
    sandbox: dict[str, str], isolated: Path, maker: Maker
) -> None:
    env = maker.env("virtualenv", isolated / "src" / "api" / "venv")
    measured = by_path(scan_json(sandbox, str(isolated / "src")))[str(env)]
    assert run_venvreg(sandbox, "adopt", str(env), "--name", "api").returncode == 0
    listed = json.loads(run_venvreg(sandbox, "ls", "--json").stdout)
    entry = next(e for e in listed if e["name"] == "api")
    assert (entry["size_bytes"], entry["size_measured_at"]) == (
        measured["size_bytes"],
        measured["size_measured_at"],
    )


def test_no_size_measures_nothing_but_shows_what_is_known(
    sandbox: dict[str, str], isolated: Path, maker: Maker
) -> None:
    env = maker.env("venv", isolated / "src" / "web" / ".venv")
    fresh = scan_json(sandbox, str(isolated / "src"), "--no-size")
    assert by_path(fresh)[str(env)]["size_bytes"] is None
    assert fresh["totals"]["unmeasured"] == 1
    table = run_venvreg(sandbox, "scan", str(isolated / "src"), "--no-size").stdout
    assert "(1 not measured)" in table
    measured = by_path(scan_json(sandbox, str(isolated / "src")))[str(env)]
    known = by_path(scan_json(sandbox, str(isolated / "src"), "--no-size"))[str(env)]
    assert known["size_bytes"] == measured["size_bytes"] > 0
    assert known["size_measured_at"] == measured["size_measured_at"]
