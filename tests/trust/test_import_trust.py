"""Import trusts its manifest only as far as it shows: `import --dry-run` lists every pip option,
local path and URL the package lines pass to pip and exits 1 when a row fails; `import` refuses
lines that change where packages come from unless --allow-pip-options.

Real manifests, real pip (six from a local folder, no index), the real CLI.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from lifecycle.conftest import SIX, _app_data, _environment, six_version, wheelhouse  # noqa: F401

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
EVIL = "http://127.0.0.1:9/simple"


def _manifest(tmp_path: Path, envs: dict[str, list[str]], python: str = "3") -> Path:
    """A manifest with one [[env]] per item, packages written as TOML basic strings."""
    path = tmp_path / "manifest.toml"
    parts = ["version = 1\n"]
    for name, packages in envs.items():
        listed = ", ".join(json.dumps(line) for line in packages)
        parts.append(f'\n[[env]]\nname = "{name}"\npython = "{python}"\npackages = [{listed}]\n')
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _names(cli: CliRunner) -> set[str]:
    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    return {entry["name"] for entry in json.loads(result.stdout)}


@pytest.mark.parametrize(
    "line",
    [
        f"--index-url {EVIL}",
        f"-i {EVIL}",
        f"-i{EVIL}",
        f"--extra-index-url={EVIL}",
        f"--extra-ind={EVIL}",  # pip takes any unambiguous prefix of a long option
        "-f /srv/wheels",
        "--find-links=/srv/wheels",
        "--trusted-host 127.0.0.1",
        "--trusted=127.0.0.1",
        "-r /srv/more-requirements.txt",
        "--constraint /srv/constraints.txt",
        f"{SIX} --index-url {EVIL}",
    ],
)
def test_dry_run_fails_the_row_of_an_option_that_changes_the_source(
    cli: CliRunner, tmp_path: Path, workon_home: Path, line: str
) -> None:
    manifest = _manifest(tmp_path, {"plain": [SIX], "risky": [line]})
    result = cli("import", str(manifest), "--dry-run")
    assert result.returncode == 1, result.stderr
    plan, listed = result.stdout.split("\n\n")
    rows = {row.split()[0]: row for row in plan.splitlines()}
    assert rows["plain"].split()[1] == "create"
    assert rows["risky"].split()[1] == "fail"
    assert "changes where packages come from (--allow-pip-options allows it)" in rows["risky"]
    assert listed.startswith("NAME   PASSES TO PIP")
    shown = listed.splitlines()[1:]
    assert {row.split()[0] for row in shown} == {"risky"}
    option = next(row for row in shown if row.split()[1] == "option")
    assert option.endswith("changes where packages come from")
    assert "Traceback" not in result.stderr
    assert not workon_home.exists() or _names(cli) == set()


def test_dry_run_lists_every_option_local_path_and_url(
    cli: CliRunner, tmp_path: Path, workon_home: Path
) -> None:
    lines = [
        SIX,
        "-e ./src/app",
        "pkg @ file:///srv/wheels/pkg-1.0-py3-none-any.whl",
        "other @ https://files.example/other-2.0-py3-none-any.whl",
        "../vendor/thing-1.0.tar.gz",
        "--pre",
        f"{SIX} --hash=sha256:abc",
        "--no-binary=:all:  # a comment with --index-url in it is not an option",
    ]
    result = cli("import", str(_manifest(tmp_path, {"app": lines})), "--dry-run")
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("PASSES TO PIP")[1]
    for value in (
        "-e ./src/app",
        "./src/app",
        "file:///srv/wheels/pkg-1.0-py3-none-any.whl",
        "https://files.example/other-2.0-py3-none-any.whl",
        "../vendor/thing-1.0.tar.gz",
        "--pre",
        "--hash=sha256:abc",
        "--no-binary=:all:",
    ):
        assert value in table, value
    assert "changes where packages come from" not in table
    assert "--index-url" not in table
    assert "dry run: nothing changed" in result.stderr
    assert not workon_home.exists() or _names(cli) == set()


def test_dry_run_exits_1_when_a_python_is_not_found(cli: CliRunner, tmp_path: Path) -> None:
    good = cli("import", str(_manifest(tmp_path, {"fine": [SIX]})), "--dry-run")
    assert good.returncode == 0, good.stderr
    bad = cli("import", str(_manifest(tmp_path, {"old": [SIX]}, python="2.1")), "--dry-run")
    assert bad.returncode == 1
    assert "no Python 2.1 was found here" in bad.stdout


def test_import_refuses_a_source_option_unless_allowed(
    cli: CliRunner,
    tmp_path: Path,
    workon_home: Path,
    wheelhouse: Path,  # noqa: F811
) -> None:
    manifest = _manifest(tmp_path, {"plain": [SIX], "mirror": [f"--find-links={wheelhouse}", SIX]})
    refused = cli("import", str(manifest))
    assert refused.returncode == 1
    assert (
        f"error: 'mirror': its packages pass --find-links={wheelhouse} to pip, which changes "
        "where packages come from (--allow-pip-options allows it)"
    ) in refused.stderr
    assert "1 created, 0 skipped, 1 failed" in refused.stderr
    assert _names(cli) == {"plain"}
    assert not (workon_home / "mirror").exists()
    assert six_version(workon_home / "plain") == "1.17.0"

    allowed = cli("import", str(manifest), "--allow-pip-options")
    assert allowed.returncode == 0, allowed.stderr
    assert "1 created, 1 skipped, 0 failed" in allowed.stderr
    assert f"'mirror': passes --find-links={wheelhouse} to pip (allowed)" in allowed.stderr
    assert _names(cli) == {"plain", "mirror"}
    assert six_version(workon_home / "mirror") == "1.17.0"


@pytest.mark.parametrize(
    "line",
    [f"{SIX}{split}--index-url {EVIL}" for split in ("\r", "\f", "\x85", "\u2028")] + [f"{SIX} \\"],
)
def test_a_line_pip_would_split_or_join_is_a_manifest_error(
    cli: CliRunner, tmp_path: Path, workon_home: Path, line: str
) -> None:
    """pip reads `six\\r--index-url URL` as two lines, the second an option no one saw; a line
    ending in a backslash is joined with the next."""
    manifest = _manifest(tmp_path, {"sneaky": [line, "--pre"]})
    for extra in ((), ("--dry-run",), ("--allow-pip-options",)):
        result = cli("import", str(manifest), *extra)
        assert result.returncode == 2, result.stderr
        assert (
            f'{manifest}:6: env "sneaky": packages[0] must be one line (pip would split or join it)'
        ) in result.stderr
        assert "Traceback" not in result.stderr
    assert not workon_home.exists() or _names(cli) == set()


@pytest.mark.parametrize(
    "url",
    [
        f"file:///srv/pkg\n--index-url {EVIL}",
        f"file:///srv/pkg\r--index-url {EVIL}",
        f"file:///srv/pkg\u2028--index-url {EVIL}",
        f"file:///srv/pkg --index-url {EVIL}",
        "file:///srv/caf\udce9",
    ],
)
def test_a_crafted_direct_url_never_becomes_a_pip_option(
    cli: CliRunner, env_in_home: Callable[[str], Path], tmp_path: Path, url: str
) -> None:
    """The package list venvreg reads from an env's metadata (freeze, export, the snapshot
    rebuild and restore install from) is one plain requirement per package, whatever an
    installed package's direct_url.json says."""
    env = env_in_home("crafted")
    site = next((env / "lib").glob("python*/site-packages"))
    dist_info = site / "evil-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n")
    (dist_info / "direct_url.json").write_text(json.dumps({"url": url, "dir_info": {}}))
    frozen = cli("freeze", "crafted")
    assert frozen.returncode == 0, frozen.stderr
    assert frozen.stdout == "evil==1.0\n"
    manifest = tmp_path / "out.toml"
    exported = cli("export", "-o", str(manifest))
    assert exported.returncode == 0, exported.stderr
    assert 'packages = [\n    "evil==1.0",\n]' in manifest.read_text()
    assert "index-url" not in manifest.read_text()
