"""PowerShell: shell/venvreg.ps1 and the code `venvreg __shell pwsh` prints.

pwsh cannot be installed on this project's machines, so the function file and every emitted
script are parsed with tree-sitter-powershell instead, and each helper call's arguments are
decoded with PowerShell's own rule for single-quoted strings (which, unlike tree-sitter, treats
the curly quotes U+2018-U+201B as quotes too). The end-to-end test at the bottom runs only where
pwsh exists.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import tree_sitter_powershell
from tree_sitter import Language, Node, Parser

from support import Hold
from venvreg.emit.code import HELPERS
from venvreg.emit.quoting import quote_pwsh
from venvreg.envdir.venv import inspect_venv
from venvreg.names import name_key, name_problem
from venvreg.shellcmds.help import COMMANDS
from venvreg.shellcmds.hot import LSVIRTUALENV_USAGE, WORKON_HELP
from venvreg.shellcmds.lifecycle import TMPENV_MESSAGE
from venvreg.shellcmds.packages import PTH_FOOTER, PTH_HEADER

FUNCTION_FILE = Path(__file__).resolve().parents[2] / "shell" / "venvreg.ps1"
PARSER = Parser(Language(tree_sitter_powershell.language()))

# The characters PowerShell's tokenizer takes for a single quote.
QUOTES = "'\u2018\u2019\u201a\u201b"

# Hostile group A, as env names (each one legal: checked below) ...
HOSTILE_NAMES = [
    "x'$(touch PWNED)'y",
    "`touch PWNED`",
    "${IFS};&!!",
    "~",
    "=ls",
    "[ab]",
    "\u2018curly\u2019 \u201alow\u201b",
    "$HOME @args $null",
    "it's \u00e8\u0440\u0442\U0001f692\u265e\u4e2d\u7247-j",
    "{a,b} (touch PWNED)",
    "a --% b",
]
# ... and as folders: WORKON_HOME (no ':', the PATH separator, so no $env:HOME), a project.
HOSTILE_FOLDER = (
    "wh '\";&&e-$ \u00e8\u0440\u0442\U0001f692\u265e\u4e2d\u7247-j [ab]*? "
    "\u2018\u2019\u201a\u201b `t` $(touch PWNED) $HOME @(1) ~"
)
HOSTILE_PROJECT = "proj x'$(touch PWNED)'y [ab]*? \u2018q\u2019 `b` $env:HOME"
HOSTILE_PROMPT = "p \u2018q\u2019 $(touch PWNED) `t` [ab]*?"

CMDLET = re.compile(r"^Microsoft\.PowerShell\.(Core|Management|Utility)\\[A-Z][a-z]+-[A-Za-z]+$")


# --- Parsing PowerShell ---


def syntax_problems(source: str) -> list[str]:
    """Every ERROR or MISSING node tree-sitter finds, with its line and column (1-based)."""
    data = source.encode("utf-8")
    problems = []
    stack = [PARSER.parse(data).root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            line, column = node.start_point
            text = data[node.start_byte : node.end_byte][:60].decode("utf-8", "replace")
            kind = "MISSING" if node.is_missing else "ERROR"
            problems.append(f"line {line + 1}, column {column + 1}: {kind} {node.type} {text!r}")
        stack.extend(node.children)
    return sorted(problems)


def text_of(node: Node) -> str:
    assert node.text is not None
    return node.text.decode("utf-8")


def powershell_string(text: str) -> str:
    """The value of the single-quoted PowerShell string `text` (the whole literal), by the
    tokenizer's rule: any of ' \u2018 \u2019 \u201a \u201b opens and closes it, and two of
    them in a row stand for the second. A lone quote before the end means PowerShell would end
    the string there: the value was not quoted for PowerShell."""
    assert text[:1] in QUOTES, f"not a single-quoted string: {text!r}"
    value, i = [], 1
    while i < len(text):
        char = text[i]
        if char in QUOTES:
            if i + 1 < len(text) and text[i + 1] in QUOTES:
                value.append(text[i + 1])
                i += 2
                continue
            assert i == len(text) - 1, f"PowerShell ends {text!r} early, at offset {i}"
            return "".join(value)
        value.append(char)
        i += 1
    raise AssertionError(f"unterminated string {text!r}")


def scan_calls(script: str) -> list[tuple[str, list[str]]]:
    """The helper calls of an emitted script read by PowerShell's quoting rules, independently
    of tree-sitter: NAME, then space-separated single-quoted strings, then a newline."""
    calls: list[tuple[str, list[str]]] = []
    pos = 0
    while pos < len(script):
        match = re.compile(r"[A-Za-z_]+").match(script, pos)
        assert match, f"no command name at offset {pos}: {script[pos : pos + 40]!r}"
        name, pos, words = match.group(), match.end(), []
        while script[pos] == " ":
            start, pos = pos + 1, pos + 1
            assert script[pos] in QUOTES, f"bare word at offset {pos}: {script[pos : pos + 40]!r}"
            pos += 1
            while True:
                if script[pos] in QUOTES:
                    if script[pos + 1] in QUOTES:
                        pos += 2
                        continue
                    pos += 1
                    break
                pos += 1
            assert script[pos] in " \n", f"a string ends early at offset {pos}"
            words.append(powershell_string(script[start:pos]))
        assert script[pos] == "\n", f"the call does not end at offset {pos}"
        pos += 1
        calls.append((name, words))
    return calls


def string_argument(element: Node) -> str:
    """The raw text of a command argument that must be one single-quoted string literal."""
    node = element
    for expected in ("array_literal_expression", "unary_expression", "string_literal"):
        assert node.type == expected and node.named_child_count == 1, (
            f"argument {text_of(element)!r} is a {node.type}, not a single-quoted string"
        )
        node = node.named_children[0]
    assert node.type == "verbatim_string_characters", f"{text_of(element)!r} is a {node.type}"
    assert text_of(node) == text_of(element)
    return text_of(node)


def tree_calls(script: str) -> list[tuple[str, list[str]]]:
    """The helper calls tree-sitter sees: only statements `HELPER 'arg' 'arg' ...`."""
    root = PARSER.parse(script.encode("utf-8")).root_node
    calls: list[tuple[str, list[str]]] = []
    if root.named_child_count == 0:
        return calls
    (statements,) = root.named_children
    assert statements.type == "statement_list"
    for pipeline in statements.named_children:
        assert pipeline.type == "pipeline", text_of(pipeline)
        (chain,) = pipeline.named_children
        (command,) = chain.named_children
        assert command.type == "command", text_of(command)
        name_node, *rest = command.named_children
        assert name_node.type == "command_name", text_of(command)
        words = []
        for elements in rest:
            assert elements.type == "command_elements", text_of(command)
            for element in elements.named_children:
                if element.type == "command_argument_sep":
                    continue
                raw = string_argument(element)
                value = powershell_string(raw)
                assert quote_pwsh(value) == raw, f"{raw!r} is not quote_pwsh({value!r})"
                words.append(value)
        calls.append((text_of(name_node), words))
    return calls


def helper_calls(script: str) -> list[tuple[str, list[str]]]:
    """Check an emitted script (parses, helper calls of single-quoted strings only) and
    return its calls as (helper, [decoded argument, ...])."""
    if script == "":
        return []  # nothing to do (the grammar wants at least one statement; PowerShell not)
    assert syntax_problems(script) == [], script
    calls = tree_calls(script)
    assert calls == scan_calls(script), script
    for name, _ in calls:
        assert name in HELPERS, f"{name} is not a helper the function file defines"
    return calls


# --- The function file ---


def function_tree() -> Node:
    return PARSER.parse(FUNCTION_FILE.read_bytes()).root_node


def nodes_of_type(root: Node, kind: str) -> list[Node]:
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.type == kind:
            found.append(node)
        stack.extend(node.children)
    return found


def test_function_file_parses() -> None:
    assert syntax_problems(FUNCTION_FILE.read_text(encoding="utf-8")) == []


def test_function_file_is_ascii() -> None:
    # Windows PowerShell reads a .ps1 without a BOM in the ANSI code page.
    data = FUNCTION_FILE.read_bytes()
    assert [i for i, byte in enumerate(data) if byte > 127] == []


def test_function_file_defines_every_command_and_helper_globally() -> None:
    functions = {}
    for node in nodes_of_type(function_tree(), "function_statement"):
        (name,) = [c for c in node.children if c.type == "function_name"]
        assert text_of(name).startswith("global:"), f"{text_of(name)} is not global"
        body = [c for c in node.children if c.type == "script_block"]
        functions[text_of(name).removeprefix("global:")] = text_of(body[0]) if body else ""
    commands = [name for name, _ in COMMANDS]
    assert len(commands) == 18
    missing = (set(commands) | HELPERS | {"__venvreg_deactivate", "deactivate"}) - set(functions)
    assert missing == set()
    for command in commands:
        # Arguments go on as one array: never splatted into __venvreg_call's own parameters.
        assert functions[command].strip() == f"__venvreg_call '{command}' $args"


def test_function_file_commands_cannot_be_hijacked() -> None:
    """Every command is a venvreg helper or a module-qualified cmdlet (a user's alias or
    function named Set-Location, cd, ls or venvreg changes nothing); filesystem cmdlets take
    -LiteralPath; nothing is evaluated through Invoke-Expression."""
    for node in nodes_of_type(function_tree(), "command"):
        names = [c for c in node.children if c.type == "command_name"]
        if not names:
            continue  # `& $command`, `. $block`: a CommandInfo or script block, no lookup
        name = text_of(names[0])
        assert name.startswith("__venvreg_") or CMDLET.match(name), f"bare command {name!r}"
        assert "Invoke-Expression" not in name
        parameters = [text_of(p) for p in nodes_of_type(node, "command_parameter")]
        verb_noun = name.rpartition("\\")[2]
        if verb_noun in ("Set-Location", "Push-Location", "Get-ChildItem", "Remove-Item"):
            assert "-LiteralPath" in parameters, text_of(node)


def ascii_expression_value(expression: str) -> str:
    """The value of what quote_pwsh_ascii writes, read from tree-sitter's tree: single-quoted
    strings and [char]0xHHHH casts joined by +, nothing else."""
    assert expression.isascii(), expression
    root = PARSER.parse(expression.encode("ascii")).root_node
    assert syntax_problems(expression) == []
    ordered = sorted(
        nodes_of_type(root, "verbatim_string_characters") + nodes_of_type(root, "cast_expression"),
        key=lambda node: node.start_byte,
    )
    units: list[str] = []
    for node in ordered:
        if node.type == "verbatim_string_characters":
            units.append(powershell_string(text_of(node)))
            continue
        (kind,) = nodes_of_type(node, "type_literal")
        (number,) = nodes_of_type(node, "hexadecimal_integer_literal")
        assert text_of(kind) == "[char]"
        units.append(chr(int(text_of(number), 16)))
    operators = {text_of(n) for n in nodes_of_type(root, "+")}
    assert operators <= {"+"}
    joined = "".join(units).encode("utf-16-le", "surrogatepass")
    return joined.decode("utf-16-le")


def test_init_prints_the_default_home_and_the_file(cli, tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / HOSTILE_FOLDER
    monkeypatch.setenv("WORKON_HOME", str(home))
    result = cli("init", "pwsh")
    assert result.returncode == 0, result.stderr
    first, _, rest = result.stdout.partition("\n")
    assert rest == FUNCTION_FILE.read_text(encoding="utf-8")
    assert syntax_problems(result.stdout) == []
    assert first.startswith("$global:__VenvregDefaultHome = ")
    assert ascii_expression_value(first.removeprefix("$global:__VenvregDefaultHome = ")) == str(
        home
    )
    assert cli("init", "powershell").stdout == result.stdout
    path = cli("init", "pwsh", "--path")  # the installed copy: site-packages in CI
    assert Path(path.stdout.strip()).name == "venvreg.ps1"
    assert Path(path.stdout.strip()).read_bytes() == FUNCTION_FILE.read_bytes()


# --- The code `venvreg __shell pwsh` prints ---


@dataclass
class World:
    home: Path
    project: Path
    envs: dict[str, Path]


@pytest.fixture
def world(isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plain_venv) -> World:
    """A hostile WORKON_HOME holding a plain env per hostile name, each linked to a hostile
    project folder; the first one has a hostile prompt in its pyvenv.cfg."""
    home = tmp_path / HOSTILE_FOLDER
    home.mkdir()
    project = tmp_path / HOSTILE_PROJECT
    project.mkdir()
    monkeypatch.setenv("WORKON_HOME", str(home))
    monkeypatch.delenv("VIRTUALENVWRAPPER_HOOK_DIR", raising=False)
    monkeypatch.delenv("VIRTUALENVWRAPPER_WORKON_CD", raising=False)
    monkeypatch.delenv("PROJECT_HOME", raising=False)
    template = plain_venv(tmp_path / "template")  # copied (symlinks kept): one venv run
    envs = {}
    for name in HOSTILE_NAMES:
        assert name_problem(name) is None, name
        envs[name] = Path(shutil.copytree(template, home / name, symlinks=True))
        (envs[name] / ".project").write_text(f"{project}\n", encoding="utf-8")
    cfg = envs[HOSTILE_NAMES[0]] / "pyvenv.cfg"
    cfg.write_text(cfg.read_text(encoding="utf-8") + f"prompt = {HOSTILE_PROMPT}\n", "utf-8")
    return World(home, project, envs)


def emitted(cli, command: str, *args: str, env: dict[str, str] | None = None) -> list:
    """Run `venvreg __shell pwsh COMMAND -- ARGS`; it must succeed and print valid code."""
    result = cli("__shell", "pwsh", command, "--", *args, env=env)
    assert result.returncode == 0, result.stderr
    return helper_calls(result.stdout)


def refused(cli, command: str, *args: str, env: dict[str, str] | None = None) -> str:
    """A failing command prints nothing to evaluate; its message goes to stderr."""
    result = cli("__shell", "pwsh", command, "--", *args, env=env)
    assert result.returncode != 0
    assert result.stdout == ""
    return result.stderr


def activate(world: World, name: str, cd: str = "1", prompt: str | None = None) -> tuple:
    path = world.envs.get(name, world.home / name)
    prompt = prompt if prompt is not None else inspect_venv(path).prompt or name
    home = str(world.home)
    project = str(world.project) if (path / ".project").is_file() else ""
    values = [name, str(path), str(path / "bin"), prompt, prompt, project, cd, home, home]
    return ("__venvreg_activate", values)


def details(name: str) -> list[tuple]:
    """What env_details prints for an env without get_env_details hooks, then a blank line."""
    return [("__venvreg_print", [name, "=" * len(name)]), ("__venvreg_print", [""])]


def test_workon_activates_every_hostile_name(cli, world: World) -> None:
    for name in HOSTILE_NAMES:
        prompt = HOSTILE_PROMPT if name == HOSTILE_NAMES[0] else None
        assert emitted(cli, "workon", name) == [activate(world, name, "1", prompt)]
        assert emitted(cli, "workon", "-n", name) == [activate(world, name, "0", prompt)]
    hooks = world.home.parent / ("hooks " + HOSTILE_PROJECT)
    hooks.mkdir()
    env = {"VIRTUALENVWRAPPER_HOOK_DIR": str(hooks), "VIRTUALENVWRAPPER_WORKON_CD": "0"}
    ((call, values),) = emitted(cli, "workon", HOSTILE_NAMES[1], env=env)
    assert call == "__venvreg_activate"
    assert values[6:] == ["0", str(hooks), str(world.home)]


def test_workon_lists_helps_and_fails_without_code(cli, world: World) -> None:
    names = sorted(HOSTILE_NAMES, key=name_key)
    assert emitted(cli, "workon") == [("__venvreg_print", names), ("__venvreg_status", ["1"])]
    assert emitted(cli, "workon", "-h") == [("__venvreg_print", WORKON_HELP)]
    missing = "no such env x'$(touch PWNED)'y"
    assert "does not exist" in refused(cli, "workon", missing)


def test_activation_refuses_the_path_separator(cli, tmp_path: Path, plain_venv) -> None:
    home = tmp_path / "a:b"  # venv refuses to create there: made beside it, then moved in
    home.mkdir()
    plain_venv(tmp_path / "env").rename(home / "env")
    message = refused(cli, "workon", "env", env={"WORKON_HOME": str(home)})
    assert "PATH separator" in message


def test_lsvirtualenv_and_showvirtualenv(cli, world: World) -> None:
    names = sorted(HOSTILE_NAMES, key=name_key)
    assert emitted(cli, "lsvirtualenv", "-b") == [("__venvreg_print", names)]
    expected = []
    for name in names:
        expected += [*details(name), ("__venvreg_print", [""])]
    assert emitted(cli, "lsvirtualenv", "-l") == expected
    usage = [("__venvreg_print", LSVIRTUALENV_USAGE), ("__venvreg_status", ["1"])]
    assert emitted(cli, "lsvirtualenv", "-h") == usage

    # A get_env_details hook: run inside each env, by the shell's own helpers.
    hook = world.home / "get_env_details"
    hook.write_text("#!/bin/sh\n", encoding="utf-8")
    hook.chmod(0o755)
    name = HOSTILE_NAMES[0]
    path = world.envs[name]
    info = inspect_venv(path)
    calls = emitted(cli, "showvirtualenv", name)
    assert calls == [
        (
            "__venvreg_print",
            [
                name,
                "=" * len(name),
                f"path: {path}",
                f"python: {info.python_version}",
                f"project: {world.project}",
            ],
        ),
        (
            "__venvreg_in_env",
            [str(path), str(path / "bin"), "__venvreg_run_hook", str(hook), str(world.home), name],
        ),
        ("__venvreg_print", [""]),
    ]
    assert "does not exist" in refused(cli, "showvirtualenv", "*")


def test_allvirtualenv_and_virtualenvwrapper(cli, world: World) -> None:
    command = ["python", "-c", "x'$(touch PWNED)'y", "*", "~", "--%", ""]
    expected = []
    for name in sorted(HOSTILE_NAMES, key=name_key):
        path = world.envs[name]
        expected += [
            ("__venvreg_print", [name, "=" * len(name)]),
            ("__venvreg_in_env", [str(path), str(path / "bin"), *command]),
            ("__venvreg_print", [""]),
        ]
    assert emitted(cli, "allvirtualenv", *command) == expected
    ((call, lines),) = emitted(cli, "virtualenvwrapper")
    assert call == "__venvreg_print"
    assert f"WORKON_HOME: {world.home}" in lines


def test_commands_inside_the_active_env(cli, world: World, tmp_path: Path) -> None:
    name = HOSTILE_NAMES[0]
    path = world.envs[name]
    emitted(cli, "workon", name)  # registers it
    active = {"VIRTUAL_ENV": str(path)}
    site = str(inspect_venv(path).site_packages)
    sub = "sub x'$(touch PWNED)'y [ab]*?"

    assert emitted(cli, "cdvirtualenv", env=active) == [("__venvreg_cd", [str(path)])]
    assert emitted(cli, "cdvirtualenv", sub, env=active) == [("__venvreg_cd", [f"{path}/{sub}"])]
    assert emitted(cli, "cdsitepackages", env=active) == [("__venvreg_cd", [site])]
    assert emitted(cli, "cdproject", env=active) == [("__venvreg_cd", [str(world.project)])]

    extra = tmp_path / "extra \u2018x\u2019 $(touch PWNED) [ab]*?"
    assert emitted(cli, "add2virtualenv", str(extra), env=active) == []
    pth = [PTH_HEADER, str(extra), PTH_FOOTER]
    assert emitted(cli, "lssitepackages", "-l", env=active) == [
        ("__venvreg_exec", ["ls", "-l", site]),
        ("__venvreg_print", ["", "_virtualenv_path_extensions.pth:", *pth]),
    ]
    assert emitted(cli, "add2virtualenv", env=active) == [
        ("__venvreg_print", ["Usage: add2virtualenv dir [dir ...]"]),
        ("__venvreg_print", ["", "Existing paths:", str(extra)]),
        ("__venvreg_status", ["2"]),
    ]
    enabled = [("__venvreg_print", ["Enabled global site-packages"])]
    assert emitted(cli, "toggleglobalsitepackages", env=active) == enabled
    disabled = [("__venvreg_print", ["Disabled global site-packages"])]
    assert emitted(cli, "toggleglobalsitepackages", env=active) == disabled
    assert emitted(cli, "toggleglobalsitepackages", "-q", env=active) == []
    assert emitted(cli, "wipeenv", env=active) == [("__venvreg_print", ["Nothing to remove."])]

    other = tmp_path / "other \u201alow\u201b project"
    other.mkdir()
    assert emitted(cli, "setvirtualenvproject", str(path), str(other)) == [
        ("__venvreg_print", [f"Setting project for {name} to {other}"])
    ]
    # The active env cannot be removed: an error branch with code.
    assert emitted(cli, "rmvirtualenv", name, env=active) == [("__venvreg_status", ["1"])]
    assert "no virtualenv active" in refused(cli, "cdvirtualenv")


def test_creating_copying_and_removing(cli, world: World, tmp_path: Path, monkeypatch) -> None:
    home = str(world.home)
    post_mk = ("__venvreg_source_hook", [f"{home}/postmkvirtualenv.ps1", "post_mkvirtualenv"])

    # mkvirtualenv: a real env, a hostile name, linked to a hostile project.
    name = "new x'$(touch PWNED)'y \u2018q\u2019 [ab]"
    calls = emitted(cli, "mkvirtualenv", "-a", str(world.project), name)
    new = world.home / name
    world.envs[name] = new
    assert calls == [
        ("__venvreg_print", [f"Setting project for {name} to {world.project}"]),
        activate(world, name),
        post_mk,
    ]

    # cpvirtualenv: the copy is activated, then both hooks are sourced.
    copy = "copy `x` $HOME"
    calls = emitted(cli, "cpvirtualenv", name, copy)
    world.envs[copy] = world.home / copy
    assert calls == [
        activate(world, copy),
        post_mk,
        ("__venvreg_source_hook", [f"{home}/postcpvirtualenv.ps1", "post_cpvirtualenv"]),
    ]

    # mktmpenv: activated, entered, announced; deactivate removes it with rmtmpenv.
    calls = emitted(cli, "mktmpenv")
    tmp_name = calls[0][1][0]
    assert re.fullmatch(r"tmp-[0-9a-f]{15}", tmp_name)
    tmp_env = world.home / tmp_name
    assert calls == [
        activate(world, tmp_name),
        ("__venvreg_cd", [str(tmp_env)]),
        post_mk,
        ("__venvreg_print", [TMPENV_MESSAGE]),
    ]
    monkeypatch.chdir(tmp_env)
    assert emitted(cli, "rmtmpenv", str(tmp_env)) == [("__venvreg_cd", [home])]
    monkeypatch.chdir(tmp_path)

    # mkproject: a hostile PROJECT_HOME.
    project_home = tmp_path / ("projects " + HOSTILE_PROJECT)
    project_home.mkdir()
    monkeypatch.setenv("PROJECT_HOME", str(project_home))
    project_name = "proj `p` \u201alow\u201b"
    project = project_home / project_name
    calls = emitted(cli, "mkproject", project_name)
    assert calls[:2] == [
        ("__venvreg_print", [f"Creating {project}"]),
        ("__venvreg_print", [f"Setting project for {project_name} to {project}"]),
    ]
    assert calls[2][0] == "__venvreg_activate"
    assert calls[2][1][:3] == [project_name, f"{home}/{project_name}", f"{home}/{project_name}/bin"]
    assert calls[2][1][5:7] == [str(project), "1"]
    assert calls[3:] == [
        post_mk,
        ("__venvreg_run_hook", [f"{home}/premkproject", home, project_name]),
        ("__venvreg_source_hook", [f"{home}/postmkproject.ps1", "project.post_mkproject"]),
    ]

    # rmvirtualenv: into the trash; a name that is not there is only a message.
    assert emitted(cli, "rmvirtualenv", copy) == []
    assert not (world.home / copy).exists()
    assert emitted(cli, "rmvirtualenv", "gone *") == []
    assert all(path.is_dir() for path in world.envs.values() if path.name != copy)
    assert "specify an environment" in refused(cli, "rmvirtualenv")
    assert "already exists" in refused(cli, "cpvirtualenv", name, HOSTILE_NAMES[0])


# --- Real pwsh ---

# THE ONE SKIP ALLOWED IN CI: pwsh cannot be installed on this project's machines (no package
# for them), so this runs only on a machine that has it; everything else above runs everywhere.
PWSH = shutil.which("pwsh")
PWSH_SKIP = "pwsh is not installable on this project's machines"

HOOK_LOG_PS1 = (
    "[System.IO.File]::AppendAllText({log}, {label} + ' ' + ($args -join ',') + \"`n\")\n"
)


def venvreg_exe() -> str:
    beside = Path(sys.executable).parent / "venvreg"
    found = str(beside) if beside.is_file() else shutil.which("venvreg")
    assert found, "venvreg is not installed next to this Python nor on PATH"
    return found


def file_script(
    *, exe: str, home: Path, tmp_path: Path, name: str, other: str, other_env: Path,
    auto_project: Path,
) -> str:  # fmt: skip
    """The script the real-pwsh test runs with -File (built apart, so it is parsed everywhere)."""
    q = quote_pwsh
    return f"""
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
function show([string]$Key, $Value) {{
    [Console]::Out.Write([string][char]0x1e + $Key + [char]0x1f + [string]$Value + [char]0x1e)
}}
function global:prompt {{ 'base> ' }}
function global:Set-Location {{ throw 'hijacked Set-Location' }}
function global:Push-Location {{ throw 'hijacked Push-Location' }}
function global:Pop-Location {{ throw 'hijacked Pop-Location' }}
function global:Write-Output {{ throw 'hijacked Write-Output' }}
function global:Get-Command {{ throw 'hijacked Get-Command' }}
function global:Remove-Item {{ throw 'hijacked Remove-Item' }}
function global:ls {{ throw 'hijacked ls' }}
function global:venvreg {{ throw 'hijacked venvreg' }}
$env:WORKON_HOME = {q(str(home))}
$env:VENVREG_EXE = {q(exe)}
. {q(str(FUNCTION_FILE))}
# Another module (zoxide-like) chains the handler, then the profile is loaded again, this
# time as init prints it: the handler must not end up calling itself.
$global:ForeignCount = 0
$ic = $ExecutionContext.SessionState.InvokeCommand
$foreignPrevious = $ic.LocationChangedAction
$ic.LocationChangedAction = [EventHandler[Management.Automation.LocationChangedEventArgs]] {{
    param($s, $e)
    $global:ForeignCount++
    if ($null -ne $foreignPrevious) {{ $foreignPrevious.Invoke($s, $e) }}
}}.GetNewClosure()
$initCode = & $env:VENVREG_EXE init pwsh | Microsoft.PowerShell.Utility\\Out-String
Microsoft.PowerShell.Utility\\Invoke-Expression $initCode
show DEFAULTHOME $global:__VenvregDefaultHome
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(tmp_path))}
show PATH0 $env:PATH
workon {q(name)}
show rc1 $LASTEXITCODE
show VE1 $env:VIRTUAL_ENV
show PREFIX1 (python -c 'import sys; print(sys.prefix)')
show PROMPT1 (prompt)
show PATH1 $env:PATH
show LOC1 $ExecutionContext.SessionState.Path.CurrentLocation.ProviderPath
workon -n {q(other)}
show rc2 $LASTEXITCODE
show VE2 $env:VIRTUAL_ENV
show PATH2 $env:PATH
show PROMPT2 (prompt)
deactivate
show PATH3 $env:PATH
show VE3 ([string][Environment]::GetEnvironmentVariable('VIRTUAL_ENV'))
show PROMPT3 (prompt)
show DEACTIVATE3 ([bool](Microsoft.PowerShell.Core\\Get-Command deactivate -ErrorAction Ignore))
workon
show rc4 $LASTEXITCODE
workon 'no such env'
show rc5 $LASTEXITCODE
showvirtualenv '*'
showvirtualenv '~'
show rc6 $LASTEXITCODE
$completions = (TabExpansion2 -inputScript 'workon x' -cursorColumn 8).CompletionMatches
show COMPLETE (($completions | Microsoft.PowerShell.Core\\ForEach-Object CompletionText) -join '|')
$completions = (TabExpansion2 -inputScript 'venvreg show x' -cursorColumn 14).CompletionMatches
show CLI (($completions | Microsoft.PowerShell.Core\\ForEach-Object CompletionText) -join '|')
& $env:VENVREG_EXE config set auto_activate true
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(auto_project))}
show AUTO1 ([string]$env:VIRTUAL_ENV)
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(auto_project / "sub"))}
show AUTO2 ([string]$env:VIRTUAL_ENV)
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(tmp_path))}
show AUTO3 ([string]$env:VIRTUAL_ENV)
$before = $global:ForeignCount
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(tmp_path))}
show FOREIGN ($global:ForeignCount - $before)
# A direct deactivate of an auto-activated env, whose hook leaves the project.
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(auto_project))}
show AUTO4 ([string]$env:VIRTUAL_ENV)
deactivate
show DEACT4 ([string]$env:VIRTUAL_ENV)
show DEACTPATH4 $env:PATH
show DEACTLOC4 $ExecutionContext.SessionState.Path.CurrentLocation.ProviderPath
setvirtualenvproject {q(other)} '~/tilde project'
show TILDE ([System.IO.File]::ReadAllText({q(str(other_env / ".project"))}).Trim())
# -Force and -Rest:value reach a function run in each env as parameters, not as values.
function global:Probe-Args {{
    param([switch]$Force, [string]$Rest)
    show PROBE ([string]$Force.IsPresent + ',' + $Rest)
}}
allvirtualenv Probe-Args -Force -Rest:'a b'
# A prompt drawn with Write-Host: the prefix comes before what it draws.
$savedPrompt = ${{function:global:prompt}}
function global:prompt {{ Microsoft.PowerShell.Utility\\Write-Host 'drawn>' -NoNewline; ' ' }}
workon -n {q(name)}
$drawn = prompt 6>&1 | Microsoft.PowerShell.Core\\ForEach-Object {{
    if ($_ -is [System.Management.Automation.InformationRecord]) {{ $_.MessageData.Message }}
    else {{ $_ }}
}}
show DRAWN (-join $drawn)
deactivate
${{function:global:prompt}} = $savedPrompt
exit 0
"""


@pytest.mark.skipif(PWSH is None, reason=PWSH_SKIP)
def test_real_pwsh_end_to_end(isolated: Path, tmp_path: Path, plain_venv) -> None:
    q = quote_pwsh
    home = tmp_path / HOSTILE_FOLDER
    home.mkdir()
    project = tmp_path / HOSTILE_PROJECT
    project.mkdir()
    name, other = HOSTILE_NAMES[0], HOSTILE_NAMES[8]
    env, other_env = plain_venv(home / name), plain_venv(home / other)
    (env / ".project").write_text(f"{project}\n", encoding="utf-8")
    log = tmp_path / "hooks.log"

    # Hooks everywhere virtualenvwrapper looks, each logging its place and arguments.
    (project / ".virtualenvwrapper").mkdir()
    for folder, place in (
        (home, "home"),
        (env / "bin", "bin"),
        (project / ".virtualenvwrapper", "project"),
    ):
        for hook in ("postactivate", "predeactivate", "postdeactivate"):
            text = HOOK_LOG_PS1.format(log=q(str(log)), label=q(f"{hook}@{place}"))
            (folder / f"{hook}.ps1").write_text(text, encoding="utf-8")
    for folder, place in ((home, "home"), (env / "bin", "bin")):
        script = folder / "preactivate"
        script.write_text(
            f"#!/bin/sh\nprintf 'preactivate@{place} %s %s\\n' \"$1\" \"$PWD\" >> '{log}'\n",
            encoding="utf-8",
        )
        script.chmod(0o755)
    # A hook that calls `exit`: it ends the hook only, never the session nor the command.
    (other_env / "bin" / "postactivate.ps1").write_text(
        HOOK_LOG_PS1.format(log=q(str(log)), label="'postactivate@otherbin ' + $PSCommandPath")
        + "exit 7\n",
        encoding="utf-8",
    )
    # A predeactivate hook that leaves the folder: with auto-activation on, that location
    # change must not deactivate the env again from inside deactivate.
    (other_env / "bin" / "predeactivate.ps1").write_text(
        HOOK_LOG_PS1.format(log=q(str(log)), label="'predeactivate@otherbin'")
        + f"Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(tmp_path))}\n",
        encoding="utf-8",
    )
    tilde_project = isolated / "tilde project"
    tilde_project.mkdir()
    (home / ".venvreg").mkdir(exist_ok=True)
    auto_project = tmp_path / "auto \u2018p\u2019 [ab]*? $(touch PWNED)"
    (auto_project / "sub").mkdir(parents=True)

    sep = os.pathsep
    script = file_script(
        exe=venvreg_exe(), home=home, tmp_path=tmp_path, name=name, other=other,
        other_env=other_env, auto_project=auto_project,
    )  # fmt: skip
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIRTUAL_ENV", "VIRTUALENVWRAPPER_", "VENVREG_", "PYTHON"))
    }
    environment["VENVREG_CONFIG"] = os.environ["VENVREG_CONFIG"]
    linked = subprocess.run(
        [venvreg_exe(), "project", "set", other, str(auto_project)],
        capture_output=True,
        text=True,
        env={**environment, "WORKON_HOME": str(home)},
        timeout=60,
    )
    assert linked.returncode == 0, linked.stderr
    script_file = tmp_path / "e2e.ps1"
    script_file.write_text(script, encoding="utf-8-sig")
    assert PWSH is not None
    proc = subprocess.run(
        [PWSH, "-NoLogo", "-NoProfile", "-NonInteractive", "-File", str(script_file)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        cwd=tmp_path,
        timeout=120,
    )
    values = dict(re.findall("\x1e([^\x1e\x1f]*)\x1f([^\x1e]*)\x1e", proc.stdout))
    report = f"rc={proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    assert proc.returncode == 0, report
    assert "hijacked" not in proc.stderr, report
    path0 = values["PATH0"]
    assert values["rc1"] == "0", report
    assert values["VE1"] == str(env)
    assert values["PREFIX1"] == str(env)
    assert values["PROMPT1"] == f"({name}) base> "
    assert values["PATH1"] == f"{env / 'bin'}{sep}{path0}"
    assert values["LOC1"] == str(project)
    assert values["rc2"] == "0", report  # the hook's `exit 7` is not the status
    assert values["DEFAULTHOME"] == str(home)
    assert values["TILDE"] == str(tilde_project)
    assert values["FOREIGN"] == "1", report
    assert values["VE2"] == str(other_env)
    assert values["PATH2"] == f"{other_env / 'bin'}{sep}{path0}"
    assert values["PROMPT2"] == f"({other}) base> "
    assert values["PATH3"] == path0
    assert values["VE3"] == ""
    assert values["PROMPT3"] == "base> "
    assert values["DEACTIVATE3"] == "False"
    assert values["rc4"] == "1"
    assert values["rc5"] == "1"
    assert values["rc6"] == "1"
    # Passed verbatim: neither globbed against the files here nor tilde-expanded.
    assert "Environment '*' does not exist" in proc.stderr, report
    assert "Environment '~' does not exist" in proc.stderr, report
    assert values["COMPLETE"] == quote_pwsh(name)
    assert values["CLI"] == quote_pwsh(name)  # `venvreg` itself, the same way
    assert [values["AUTO1"], values["AUTO2"], values["AUTO3"]] == [str(other_env)] * 2 + [""]
    first_env_round = [
        f"preactivate@home {name} {home}",
        f"preactivate@bin {name} {home}",
        "postactivate@project post_activate",
        "postactivate@home post_activate",
        "postactivate@bin post_activate",
        "predeactivate@project pre_deactivate",
        "predeactivate@bin pre_deactivate",
        "predeactivate@home pre_deactivate",
        f"postdeactivate@bin post_deactivate,{name}",
        f"postdeactivate@home post_deactivate,{name}",
    ]
    other_on = [
        f"preactivate@home {other} {home}",
        "postactivate@home post_activate",
        f"postactivate@otherbin {other_env / 'bin' / 'postactivate.ps1'} post_activate",
    ]
    other_off = [
        "predeactivate@otherbin pre_deactivate",
        "predeactivate@home pre_deactivate",
        f"postdeactivate@home post_deactivate,{other}",
    ]
    assert values["AUTO4"] == str(other_env), report
    assert [values["DEACT4"], values["DEACTPATH4"]] == ["", path0], report
    assert values["DEACTLOC4"] == str(tmp_path), report
    assert log.read_text(encoding="utf-8").splitlines() == [
        # workon NAME, then workon other: the first env is deactivated first
        *first_env_round,
        *other_on,
        # deactivate
        *other_off,
        # auto-activation: entering the project, then leaving it
        *other_on,
        *other_off,
        # auto-activation again, then a direct deactivate: each hook once
        *other_on,
        *other_off,
        # workon -n under a Write-Host prompt, then deactivate
        *first_env_round,
    ]
    assert values["PROBE"] == "True,a b", report
    assert values["DRAWN"] == f"({name}) drawn> ", report
    assert list(tmp_path.rglob("PWNED")) == []
    terminal_session(isolated, tmp_path, environment)


# --- Real pwsh on a terminal: Ctrl-C, a non-ASCII home, ~ paths, the profile loaded twice ---

# What the session runs first (pwsh -NoExit -File): PowerShell's own line editor, not
# PSReadLine, and the profile in both of its forms, the second over the first.
TERMINAL_SETUP = """Microsoft.PowerShell.Core\\Remove-Module PSReadLine -ErrorAction Ignore
function global:show([string]$Key, $Value) {
    [Console]::Out.Write([string][char]0x1e + $Key + [char]0x1f + [string]$Value + [char]0x1e)
}
function global:prompt { 'term> ' }
. (& $env:VENVREG_EXE init pwsh --path)
$initCode = & $env:VENVREG_EXE init pwsh | Microsoft.PowerShell.Utility\\Out-String
Microsoft.PowerShell.Utility\\Invoke-Expression $initCode
show LOADED $global:__VenvregDefaultHome
"""
# Typed after Ctrl-C stopped `mkvirtualenv victim`, one line at a time, each ending in the
# marker it is waited for.
TERMINAL_LINES = [
    "show BUSY $global:__VenvregBusy",
    "show CODEFILE ([string]$env:VENVREG_CODE_FILE)",
    "show VE0 ([string]$env:VIRTUAL_ENV)",
    "$env:VENVREG_TEST_HOLD = $null; show CLEARED 1",
    "mkvirtualenv -a '~/proj x' kept; show RC $LASTEXITCODE",
    "show VE $env:VIRTUAL_ENV",
    "show PROJ ([System.IO.File]::ReadAllText($env:VIRTUAL_ENV + '/.project').Trim())",
    "cdproject; show LOC $PWD.ProviderPath",
    "show COMPLETE (((TabExpansion2 -inputScript 'workon ke' -cursorColumn 9).CompletionMatches"
    " | Microsoft.PowerShell.Core\\ForEach-Object CompletionText) -join '|')",
]
MARK = re.compile("\x1e([^\x1e\x1f]*)\x1f([^\x1e]*)\x1e")


class Terminal:
    """pwsh on a pseudo-terminal that is its controlling terminal, as in a user's window: Ctrl-C
    typed there is SIGINT for the foreground process group, pwsh and what it runs."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        import fcntl
        import pty
        import termios

        self.master, child = pty.openpty()

        def controlling_terminal() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            argv, stdin=child, stdout=child, stderr=child, env=env, cwd=cwd,
            preexec_fn=controlling_terminal,
        )  # fmt: skip
        os.close(child)
        self.screen = b""

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait_for(self, key: str) -> dict[str, str]:
        """Read until the marker `key` has been printed; every marker so far."""
        import select
        import time

        deadline = time.monotonic() + 120  # a guard against hangs, not a timing assertion
        while key not in self.values():
            assert time.monotonic() < deadline, f"no {key}:\n{self.text()[-3000:]}"
            assert self.process.poll() is None, f"pwsh exited:\n{self.text()[-3000:]}"
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                chunk = os.read(self.master, 65536)
                # .NET asks the terminal where the cursor is; answer as a terminal would.
                for _ in range(chunk.count(b"\x1b[6n")):
                    self.type(b"\x1b[1;1R")
                self.screen += chunk
        return self.values()

    def values(self) -> dict[str, str]:
        return dict(MARK.findall(self.text()))

    def text(self) -> str:
        return self.screen.decode("utf-8", "replace")

    def close(self) -> int:
        self.type(b"exit 0\r")
        try:
            while self.process.poll() is None:
                import select

                ready, _, _ = select.select([self.master], [], [], 0.5)
                if ready:
                    try:
                        self.screen += os.read(self.master, 65536)
                    except OSError:
                        break
            return self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            os.close(self.master)


def terminal_session(isolated: Path, tmp_path: Path, environment: dict[str, str]) -> None:
    """Ctrl-C while mkvirtualenv builds (held at create-building) reaches venvreg as SIGINT:
    it removes its half-made env and row, and the session goes on. The home is not ASCII and
    holds WORKON_HOME's default; the profile is loaded twice; `~` paths are expanded."""
    home = tmp_path / "Jos\u00e9 \u4e2d \U0001f692"
    (home / "proj x").mkdir(parents=True)
    setup = tmp_path / "setup.ps1"
    setup.write_text(TERMINAL_SETUP, encoding="utf-8-sig")
    hold = Hold(tmp_path / "terminal-hold")
    env = {key: value for key, value in environment.items() if key != "WORKON_HOME"}
    env |= {"HOME": str(home), "VENVREG_CONFIG": str(tmp_path / "terminal.toml")}
    env |= {"TERM": "dumb", "VENVREG_EXE": venvreg_exe(), **hold.env("create-building")}
    assert PWSH is not None
    argv = [PWSH, "-NoLogo", "-NoProfile", "-NoExit", "-File", str(setup)]
    terminal = Terminal(argv, env, home)
    try:
        default_home = home / ".virtualenvs"
        assert terminal.wait_for("LOADED")["LOADED"] == str(default_home)
        terminal.type(b"mkvirtualenv victim\r")
        hold.wait_held(terminal.process, "create-building")
        assert (default_home / "victim").is_dir()
        terminal.type(b"\x03")
        for line in TERMINAL_LINES:
            terminal.type(line.encode("utf-8") + b"\r")
            values = terminal.wait_for(line.rpartition("show ")[2].split(" ")[0])
    finally:
        status = terminal.close()
    report = terminal.text()[-3000:]
    assert status == 0, report
    # Its clean-up ran (pwsh did not kill it): no folder, no row, and the function's own
    # clean-up ran too.
    assert not (default_home / "victim").exists(), report
    assert [values["BUSY"], values["CODEFILE"], values["VE0"]] == ["0", "", ""], report
    assert values["RC"] == "0", report
    assert values["VE"] == str(default_home / "kept")
    assert values["PROJ"] == values["LOC"] == str(home / "proj x")
    assert values["COMPLETE"] == "kept"
    listed = subprocess.run(
        [venvreg_exe(), "ls", "--json"], capture_output=True, text=True, env=env, timeout=60
    )
    assert [row["name"] for row in json.loads(listed.stdout)] == ["kept"], listed.stderr


def test_real_pwsh_scripts_parse(tmp_path: Path) -> None:
    """What the real-pwsh test runs, parsed here where pwsh cannot run: every script, hook and
    typed line is valid PowerShell."""
    home = tmp_path / HOSTILE_FOLDER
    script = file_script(
        exe=venvreg_exe(), home=home, tmp_path=tmp_path, name=HOSTILE_NAMES[0],
        other=HOSTILE_NAMES[8], other_env=home / HOSTILE_NAMES[8],
        auto_project=tmp_path / "auto",
    )  # fmt: skip
    log = quote_pwsh(str(tmp_path / "log"))
    hook = HOOK_LOG_PS1.format(log=log, label="'x'")
    exiting = HOOK_LOG_PS1.format(log=log, label="'x ' + $PSCommandPath") + "exit 7\n"
    for source in (script, hook, exiting, TERMINAL_SETUP, *TERMINAL_LINES):
        assert syntax_problems(source) == [], source
