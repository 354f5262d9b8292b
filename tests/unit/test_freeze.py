"""venvreg.core.freeze: real installs checked against pip's own freeze, hand-made metadata for the
shapes pip cannot be asked for offline, and broken metadata that must never crash a snapshot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from importlib.metadata import distributions
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from venvreg.core.freeze import freeze

SIX = "six"


def pip(python: Path, *args: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    proc = subprocess.run(
        [str(python), "-m", "pip", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A virtualenv env with six from the index and a tiny local project installed editable.

    Returns (site-packages, project folder)."""
    root = tmp_path_factory.mktemp("freeze")
    env = root / "env"
    # --setuptools bundle: virtualenv seeds no setuptools for Python >= 3.12 by default.
    virtualenv = [sys.executable, "-m", "virtualenv", "-q", "--no-periodic-update"]
    subprocess.run([*virtualenv, "--setuptools=bundle", str(env)], check=True, capture_output=True)
    project = root / "tiny project"
    (project / "tinyproj").mkdir(parents=True)
    (project / "tinyproj" / "__init__.py").write_text("")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\n'
        'build-backend = "setuptools.build_meta"\n'
        '[project]\nname = "Tiny_Proj"\nversion = "0.3"\n'
        '[tool.setuptools]\npackages = ["tinyproj"]\n'
    )
    python = env / "bin" / "python"
    pip(python, "install", "-q", SIX, cwd=root)
    pip(python, "install", "-q", "--no-build-isolation", "--no-deps", "-e", str(project), cwd=root)
    site = next((env / "lib").glob("python*/site-packages"))
    return site, project


@pytest.mark.slow
def test_real_install_and_editable(installed: tuple[Path, Path]) -> None:
    site, project = installed
    lines = freeze(site)
    versions = {d.metadata["Name"]: d.version for d in distributions(path=[str(site)])}
    assert f"six=={versions['six']}" in lines
    assert f"-e {project.as_uri()}" in lines
    assert "%20" in project.as_uri()  # the space in the folder name is URL-quoted
    assert not any(ln.startswith(("pip==", "setuptools==")) for ln in lines)
    seeded = freeze(site, include_seed=True)
    assert any(ln.startswith("pip==") for ln in seeded)
    assert any(ln.startswith("setuptools==") for ln in seeded)
    assert set(lines) < set(seeded)


@pytest.mark.slow
def test_matches_pip_freeze(installed: tuple[Path, Path]) -> None:
    """Same lines as the env's own pip, except that pip writes a local editable as a bare path."""
    site, project = installed
    python = site.parents[2] / "bin" / "python"
    theirs = []
    for line in pip(python, "freeze", "--all", cwd=site).splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("-e /"):
            line = f"-e {Path(line[3:]).as_uri()}"
        theirs.append(line)
    assert f"-e {project.as_uri()}" in theirs
    assert freeze(site, include_seed=True) == theirs
    assert "Tiny_Proj" not in "\n".join(theirs)  # pip shows editables by location, not name


def dist(site: Path, name: str, version: str | None = "1.0", **direct_url: Any) -> Path:
    """Write a minimal NAME-VERSION.dist-info, with a direct_url.json when given."""
    folder = site / f"{name}-{version}.dist-info"
    folder.mkdir(parents=True)
    headers = f"Metadata-Version: 2.1\nName: {name}\n"
    if version is not None:
        headers += f"Version: {version}\n"
    (folder / "METADATA").write_text(headers + "\nLong description.\n")
    if direct_url:
        (folder / "direct_url.json").write_text(json.dumps(direct_url))
    return folder


def test_vcs_install_uses_commit_not_requested_revision(tmp_path: Path) -> None:
    vcs_info = {"vcs": "git", "requested_revision": "main", "commit_id": "0" * 40}
    dist(tmp_path, "Foo_Bar", url="https://github.com/o/foo.git", vcs_info=vcs_info)
    assert freeze(tmp_path) == [f"Foo_Bar @ git+https://github.com/o/foo.git@{'0' * 40}"]


def test_vcs_subdirectory_archive_and_local_dir(tmp_path: Path) -> None:
    dist(
        tmp_path,
        "mono",
        url="https://h/r.git",
        vcs_info={"vcs": "git", "commit_id": "abc"},
        subdirectory="pkg/sub",
    )
    dist(tmp_path, "arch", url="https://h/arch-1.0.tar.gz", archive_info={"hash": "sha256=ab"})
    dist(tmp_path, "newarch", url="https://h/n-1.0.whl", archive_info={"hashes": {"sha256": "a"}})
    dist(tmp_path, "local", url="file:///src/local", dir_info={})
    dist(tmp_path, "edit", url="file:///src/e%20dit", dir_info={"editable": True})
    assert freeze(tmp_path) == [
        "arch @ https://h/arch-1.0.tar.gz#sha256=ab",
        "-e file:///src/e%20dit",
        "local @ file:///src/local",
        "mono @ git+https://h/r.git@abc#subdirectory=pkg/sub",
        "newarch @ https://h/n-1.0.whl",
    ]


def test_sorted_case_insensitively_with_names_as_written(tmp_path: Path) -> None:
    for name in ("zeta", "Alpha", "beta.Name", "Gamma_x"):
        dist(tmp_path, name)
    assert freeze(tmp_path) == ["Alpha==1.0", "beta.Name==1.0", "Gamma_x==1.0", "zeta==1.0"]


def test_seed_packages_left_out_by_canonical_name(tmp_path: Path) -> None:
    for name in ("pip", "Setuptools", "wheel", "distribute", "wheel.extra"):
        dist(tmp_path, name)
    assert freeze(tmp_path) == ["wheel.extra==1.0"]
    assert len(freeze(tmp_path, include_seed=True)) == 5


def test_egg_info_folder_file_and_egg_link(tmp_path: Path) -> None:
    (tmp_path / "old-2.0-py3.11.egg-info").mkdir()
    (tmp_path / "old-2.0-py3.11.egg-info" / "PKG-INFO").write_text("Name: old\nVersion: 2.0\n")
    (tmp_path / "flat-0.1-py3.11.egg-info").write_text("Name: flat\nVersion: 0.1\n\nbody\n")
    (tmp_path / "Dev-Proj.egg-link").write_text("/src/dev proj\n.\n")
    assert freeze(tmp_path) == ["-e file:///src/dev%20proj", "flat==0.1", "old==2.0"]


def test_broken_metadata_is_skipped(tmp_path: Path) -> None:
    dist(tmp_path, "good")
    (tmp_path / "nometa-1.0.dist-info").mkdir()
    (tmp_path / "garbage-1.0.dist-info").mkdir()
    (tmp_path / "garbage-1.0.dist-info" / "METADATA").write_bytes(b"\x00\xff\xfe\n\x80:\x81\n")
    dist(tmp_path, "noversion", version=None)
    (tmp_path / "spaced-1.0.dist-info").mkdir()
    (tmp_path / "spaced-1.0.dist-info" / "METADATA").write_text("Name: two words\nVersion: 1\n")
    (tmp_path / "file-1.0.dist-info").write_text("Name: file\nVersion: 1\n")
    (tmp_path / "dir-1.0.dist-info" / "METADATA").mkdir(parents=True)
    (tmp_path / "badjson-1.0.dist-info").mkdir()
    (tmp_path / "badjson-1.0.dist-info" / "METADATA").write_text("Name: badjson\nVersion: 1\n")
    (tmp_path / "badjson-1.0.dist-info" / "direct_url.json").write_bytes(b"{\xff")
    dist(tmp_path, "listjson").joinpath("direct_url.json").write_text("[1, 2]")
    dist(tmp_path, "nourl", vcs_info={"vcs": "git", "commit_id": "x"})
    (tmp_path / "broken.egg-link").write_bytes(b"")
    (tmp_path / "relative.egg-link").write_text("not/absolute\n")
    assert freeze(tmp_path) == ["badjson==1", "good==1.0", "listjson==1.0", "nourl==1.0"]


def test_duplicate_dist_info_gives_one_line(tmp_path: Path) -> None:
    dist(tmp_path, "dup", "1.0")
    dist(tmp_path, "Dup", "2.0")
    assert freeze(tmp_path) == ["Dup==2.0"]


def test_huge_metadata_is_read_by_its_headers(tmp_path: Path) -> None:
    folder = dist(tmp_path, "pydantic-like", "2.0")
    meta = folder / "METADATA"
    meta.write_text(meta.read_text() + "changelog line\n" * 50_000)
    assert meta.stat().st_size > 512 * 1024
    assert freeze(tmp_path) == ["pydantic-like==2.0"]


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs")
def test_fifo_metadata_never_blocks(tmp_path: Path) -> None:
    (tmp_path / "fifo-1.0.dist-info").mkdir()
    os.mkfifo(tmp_path / "fifo-1.0.dist-info" / "METADATA")
    dist(tmp_path, "pipe").joinpath("direct_url.json").unlink(missing_ok=True)
    os.mkfifo(tmp_path / "pipe-1.0.dist-info" / "direct_url.json")
    result: list[list[str]] = []
    worker = threading.Thread(target=lambda: result.append(freeze(tmp_path)), daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "freeze blocked on a FIFO"
    assert result == [["pipe==1.0"]]


def test_missing_site_packages(tmp_path: Path) -> None:
    assert freeze(tmp_path / "nope") == []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=100))
def test_garbage_never_crashes(metadata: bytes, direct_url: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "x-1.dist-info"
        folder.mkdir()
        (folder / "METADATA").write_bytes(b"Name: x\nVersion: 1\n" + metadata)
        (folder / "direct_url.json").write_bytes(direct_url)
        assert all(isinstance(line, str) for line in freeze(Path(tmp)))
