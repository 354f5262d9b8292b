"""The docs keep up with the code (sqlite-utils style): a test fails when a command, option,
config key, JSON field or exit code is missing from docs/, or docs/reference.md is stale."""

from __future__ import annotations

import difflib
import json
import re
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from venvreg import errors
from venvreg.cli.reference import CommandDoc, all_commands, render_reference, root
from venvreg.settings.config import KEYS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
REGENERATE = "run python -m venvreg.cli.reference"

COMMANDS = all_commands()
LEAVES = [doc for doc in COMMANDS if not doc.is_group]


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def sections(markdown: str, level: str) -> dict[str, str]:
    """Heading text -> the text below it, up to the next heading of this level or above."""
    found: dict[str, str] = {}
    pattern = re.compile(rf"^(#{{2,{len(level)}}}) (.+)$", re.MULTILINE)
    matches = list(pattern.finditer(markdown))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(markdown)
        found[match.group(2).strip()] = markdown[match.end() : end]
    return found


def table_keys(text: str) -> list[str]:
    """The backticked first cell of every Markdown table row."""
    return re.findall(r"^\| `([^`]+)` \|", text, re.MULTILINE)


# -- the command reference ----------------------------------------------------------------------


def test_reference_is_current() -> None:
    path = DOCS / "reference.md"
    assert path.is_file(), f"docs/reference.md is missing: {REGENERATE}"
    current, expected = path.read_text(encoding="utf-8"), render_reference()
    if current != expected:
        diff = difflib.unified_diff(
            current.splitlines(), expected.splitlines(), "docs/reference.md", "generated", ""
        )
        pytest.fail(f"docs/reference.md is stale: {REGENERATE}\n" + "\n".join(list(diff)[:60]))


def test_reference_is_independent_of_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    narrow = render_reference()
    monkeypatch.setenv("COLUMNS", "300")
    assert render_reference() == narrow


def test_the_cli_has_the_commands_the_docs_talk_about() -> None:
    paths = {doc.path for doc in COMMANDS}
    for expected in ("venvreg create", "venvreg list", "venvreg trash list", "venvreg config set"):
        assert expected in paths
    aliases = {alias for doc in COMMANDS for alias in doc.aliases}
    assert {"venvreg ls", "venvreg rm"} <= aliases


@pytest.mark.parametrize("doc", [root(), *LEAVES], ids=lambda doc: doc.path)
def test_every_command_has_an_example(doc: CommandDoc) -> None:
    assert re.search(r"^Example: \S", doc.help, re.MULTILINE), (
        f"the help of `{doc.path}` has no 'Example: ...' line"
    )


@pytest.mark.parametrize("doc", COMMANDS, ids=lambda doc: doc.path)
def test_every_command_and_option_is_in_the_reference(doc: CommandDoc) -> None:
    level = "#" * max(2, doc.depth + 1)
    found = sections(read("reference.md"), level)
    assert doc.path in found, f"`{doc.path}` has no section in docs/reference.md: {REGENERATE}"
    section = found[doc.path]
    for alias in doc.aliases:
        assert f"`{alias}`" in section, f"alias `{alias}` is not mentioned: {REGENERATE}"
    for param in doc.params:
        if param.hidden:
            continue
        names = param.opts + param.secondary_opts if param.kind == "option" else []
        for name in names:
            assert re.search(rf"`[^`]*{re.escape(name)}\b", section), (
                f"option {name} of `{doc.path}` is not in docs/reference.md: {REGENERATE}"
            )
    for sub in doc.subcommands:
        assert f"`{sub.path}`" in section


# -- configuration, exit codes -----------------------------------------------------------------


def _shown_default(value: object) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    return f"`{value}`"


@pytest.mark.parametrize("name", list(KEYS))
def test_every_config_key_is_in_configuration_md(name: str) -> None:
    rows = {
        match.group(1): match.group(0)
        for match in re.finditer(r"^\| `([^`]+)` \|.*$", read("configuration.md"), re.MULTILINE)
    }
    assert name in rows, f"config key {name} is not documented in docs/configuration.md"
    cells = [cell.strip() for cell in rows[name].strip("|").split("|")]
    assert cells[2] == _shown_default(KEYS[name].default), (
        f"docs/configuration.md gives {name} the default {cells[2]}, the code has "
        f"{KEYS[name].default!r}"
    )


def test_configuration_md_documents_no_unknown_key() -> None:
    keys_section = sections(read("configuration.md"), "##")["Keys"]
    assert set(table_keys(keys_section)) == set(KEYS)


def exit_codes() -> set[int]:
    codes = {errors.EXIT_OK, errors.EXIT_FAILURE, errors.EXIT_USAGE}
    stack: list[type[errors.VenvregError]] = [errors.VenvregError]
    while stack:
        cls = stack.pop()
        codes.add(cls.exit_code)
        stack.extend(cls.__subclasses__())
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        codes.add(128 + getattr(signal, name, getattr(signal.Signals, name, 0)))
    return codes


@pytest.mark.parametrize("code", sorted(exit_codes()))
def test_every_exit_code_is_in_exit_codes_md(code: int) -> None:
    documented = {int(n) for n in re.findall(r"^\| (\d+) \|", read("exit-codes.md"), re.MULTILINE)}
    assert code in documented, f"exit status {code} is not documented in docs/exit-codes.md"


def test_exit_codes_for_signals_match_128_plus_n() -> None:
    assert {129, 130, 143} <= exit_codes()


# -- JSON --------------------------------------------------------------------------------------

JSON_SECTIONS = {
    "list": "`venvreg list --json`",
    "show": "`venvreg show NAME --json`",
    "trash": "`venvreg trash list --json`",
    "config": "`venvreg config list --json`",
    "scan": "`venvreg scan --json`",
    "doctor": "`venvreg doctor --json`",
    "prune": "`venvreg prune --json`",
    "config get": "`venvreg config get KEY --json`",
    "freeze": "`venvreg freeze NAME --json`",
    "project show": "`venvreg project show NAME --json`",
    "export": "`venvreg export --json`",
    "import": "`venvreg import FILE --dry-run --json`",
}


def documented_fields() -> dict[str, set[str]]:
    found = sections(read("json.md"), "##")
    fields = {key: set(table_keys(found.get(title, ""))) for key, title in JSON_SECTIONS.items()}
    fields["show"] |= fields["list"]  # "every field of a `venvreg list --json` item, plus:"
    return fields


def keys_of(output: str) -> set[str]:
    data = json.loads(output)
    items = data if isinstance(data, list) else [data]
    assert items, "expected at least one object in the JSON output"
    return set().union(*(item.keys() for item in items))


CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.mark.slow
def test_json_fields_match_json_md(
    cli: CliRunner, workon_home: Path, plain_venv: Callable[[Path], Path]
) -> None:
    def run(*args: str) -> str:
        result = cli(*args)
        assert result.returncode == 0, f"venvreg {' '.join(args)}: {result.stderr}"
        return result.stdout

    run("create", "demo")
    plain_venv(workon_home / "spare")
    run("list")
    run("rm", "spare", "--yes")

    documented = documented_fields()
    emitted = {
        "list": keys_of(run("ls", "--json")),
        "show": keys_of(run("show", "demo", "--json")),
        "trash": keys_of(run("trash", "list", "--json")),
    }
    for key, keys in emitted.items():
        title = JSON_SECTIONS[key]
        undocumented, stale = sorted(keys - documented[key]), sorted(documented[key] - keys)
        assert not undocumented, f"{title}: fields missing from docs/json.md: {undocumented}"
        assert not stale, f"{title}: docs/json.md lists fields that are not emitted: {stale}"


def scan_tables() -> dict[str, set[str]]:
    """The field tables of the scan section: "top" (the object), then one per `###` title."""
    text = sections(read("json.md"), "##")[JSON_SECTIONS["scan"]]
    parts = re.split(r"^### (.+)$", text, flags=re.MULTILINE)
    tables = {"top": set(table_keys(parts[0]))}
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        tables[title.strip()] = set(table_keys(body))
    return tables


@pytest.mark.slow
def test_scan_json_fields_match_json_md(
    cli: CliRunner, isolated: Path, plain_venv: Callable[[Path], Path]
) -> None:
    project = isolated / "src" / "api"
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'api'\n", encoding="utf-8")
    plain_venv(project / ".venv")
    result = cli("scan", str(isolated / "src"), "--json", "--adopt", "--all", "--yes")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["environments"] and data["adopted"]
    emitted = {
        "top": set(data),
        "`skipped`": set(data["skipped"]),
        "`totals`": set(data["totals"]),
        "Each item of `environments`": keys_of(json.dumps(data["environments"])),
    }
    documented = scan_tables()
    for title, keys in emitted.items():
        where = f"`venvreg scan --json`, {title}"
        undocumented, stale = sorted(keys - documented[title]), sorted(documented[title] - keys)
        assert not undocumented, f"{where}: fields missing from docs/json.md: {undocumented}"
        assert not stale, f"{where}: docs/json.md lists fields that are not emitted: {stale}"
    assert set(data["skipped_paths"]) <= set(data["skipped"])
    assert set(data["adopted"][0]) == {"name", "path"}


def subsection_tables(key: str) -> dict[str, set[str]]:
    """The field tables of a JSON section: "top" (the object), then one per `###` title."""
    text = sections(read("json.md"), "##")[JSON_SECTIONS[key]]
    parts = re.split(r"^### (.+)$", text, flags=re.MULTILINE)
    tables = {"top": set(table_keys(parts[0]))}
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        tables[title.strip()] = set(table_keys(body))
    return tables


@pytest.mark.slow
def test_doctor_and_prune_json_fields_match_json_md(
    cli: CliRunner, workon_home: Path, plain_venv: Callable[[Path], Path]
) -> None:
    workon_home.mkdir(parents=True)
    plain_venv(workon_home / "old")
    active = plain_venv(workon_home / "active")
    assert cli("ls").returncode == 0
    plain_venv(workon_home / "stray")  # not registered yet: a doctor finding

    result = cli("doctor", "--json")
    assert result.returncode == 1, result.stderr
    doctor = json.loads(result.stdout)
    assert doctor["findings"] and doctor["envs"]
    result = cli(
        "prune", "--dry-run", "--json", "--unused-for", "0d", env={"VIRTUAL_ENV": str(active)}
    )
    assert result.returncode == 0, result.stderr
    prune = json.loads(result.stdout)
    assert prune["candidates"] and prune["left_alone"]

    emitted = {
        "doctor": {
            "top": set(doctor),
            "Each item of `findings`": keys_of(json.dumps(doctor["findings"])),
        },
        "prune": {
            "top": set(prune),
            "Each item of `candidates`": keys_of(json.dumps(prune["candidates"])),
        },
    }
    for key, tables in emitted.items():
        documented = subsection_tables(key)
        for title, keys in tables.items():
            where = f"{JSON_SECTIONS[key]}, {title}"
            undocumented, stale = sorted(keys - documented[title]), sorted(documented[title] - keys)
            assert not undocumented, f"{where}: fields missing from docs/json.md: {undocumented}"
            assert not stale, f"{where}: docs/json.md lists fields that are not emitted: {stale}"
    assert keys_of(json.dumps(doctor["envs"])) == documented_fields()["list"]
    assert set(prune["left_alone"][0]) == {"name", "why"}


def test_config_json_example_has_every_key() -> None:
    text = sections(read("json.md"), "##")[JSON_SECTIONS["config"]]
    example = json.loads(text.split("```json", 1)[1].split("```", 1)[0])
    assert set(example) == set(KEYS), "update the example in docs/json.md to the config keys"


def test_timestamps_are_documented_as_utc_z() -> None:
    assert "UTC, ISO 8601" in read("json.md")
    from venvreg.cli.output import iso_time

    stamp = iso_time(0.0)
    assert stamp == "1970-01-01T00:00:00Z"


# -- README, CI, links -------------------------------------------------------------------------


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("Run the whole test suite:", 1)[1].split("```sh\n", 1)[1]
    command = block.split("\n```", 1)[0].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f'TEST_COMMAND="{command}"' in ci, ".ci/run must run README.md's test command"


@pytest.mark.parametrize(
    "page", ["README.md", *sorted(f"docs/{p.name}" for p in DOCS.glob("*.md"))]
)
def test_relative_links_resolve(page: str) -> None:
    path = ROOT / page
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
        if "://" in target:
            continue
        assert (path.parent / target).exists(), f"{page} links to missing {target}"


def test_json_of_the_smaller_read_commands_matches_json_md(
    cli: CliRunner, workon_home: Path, plain_venv: Callable[[Path], Path], tmp_path: Path
) -> None:
    """config get, freeze, project show, export and import --dry-run: every field emitted is
    documented in its section of docs/json.md, and every documented one is emitted."""
    plain_venv(workon_home / "demo")
    manifest = tmp_path / "envs.toml"
    assert cli("export", "-o", str(manifest)).returncode == 0
    manifest.write_text(manifest.read_text().replace('name = "demo"', 'name = "other"'))

    def emitted(*args: str) -> Any:
        result = cli(*args)
        assert result.returncode in (0, 1), f"venvreg {' '.join(args)}: {result.stderr}"
        return json.loads(result.stdout)

    exported = emitted("export", "--json")
    planned = emitted("import", str(manifest), "--dry-run", "--json")
    found = {
        ("config get", "top"): set(emitted("config", "get", "trash_days", "--json")),
        ("freeze", "top"): set(emitted("freeze", "demo", "--json")),
        ("project show", "top"): set(emitted("project", "show", "demo", "--json")),
        ("export", "top"): set(exported),
        ("export", "Each item of `environments`"): set(exported["environments"][0]),
        ("import", "top"): set(planned),
        ("import", "Each item of `environments`"): set(planned["environments"][0]),
    }
    for (key, table), keys in found.items():
        documented = subsection_tables(key)[table]
        where = f"{JSON_SECTIONS[key]}, {table}"
        assert keys == documented, (
            f"{where}: emitted {sorted(keys)}, documented {sorted(documented)}"
        )
