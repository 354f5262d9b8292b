"""The PowerShell fixes of issue 13, each shown on the tree tree-sitter parses from
shell/venvreg.ps1 or on what the CLI writes for pwsh (pwsh itself cannot run here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_powershell import (
    FUNCTION_FILE,
    PARSER,
    ascii_expression_value,
    emitted,
    function_tree,
    helper_calls,
    nodes_of_type,
    syntax_problems,
    text_of,
)
from tree_sitter import Node


def function_body(name: str) -> Node:
    """The script block of `function global:NAME`."""
    for node in nodes_of_type(function_tree(), "function_statement"):
        (function_name,) = [c for c in node.children if c.type == "function_name"]
        if text_of(function_name) == f"global:{name}":
            (body,) = [c for c in node.children if c.type == "script_block"]
            return body
    raise AssertionError(f"no function {name}")


def commands_named(root: Node, name: str) -> list[Node]:
    """The commands called `name` under `root`, in the order they appear."""
    found = []
    for node in nodes_of_type(root, "command"):
        names = [c for c in node.children if c.type == "command_name"]
        if names and text_of(names[0]) == name:
            found.append(node)
    return sorted(found, key=lambda node: node.start_byte)


def enclosing(node: Node, kind: str) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type != kind:
        parent = parent.parent
    return parent


# --- 1: venvreg's output is not captured, so Ctrl-C reaches it as a signal ---


def test_the_venvreg_call_is_not_captured() -> None:
    body = function_body("__venvreg_call")
    (call,) = commands_named(body, "__venvreg_native")
    assert enclosing(call, "assignment_expression") is None, text_of(call)
    assert enclosing(call, "pipeline") is not None
    pipeline = enclosing(call, "pipeline")
    assert pipeline is not None and len(nodes_of_type(pipeline, "command")) == 1
    strings = [text_of(n) for n in nodes_of_type(body, "verbatim_string_characters")]
    assert "'VENVREG_CODE_FILE'" in strings


def test_the_code_goes_to_the_named_file_and_no_further(cli, isolated: Path, tmp_path) -> None:
    home = isolated / ".virtualenvs"
    (home / "e").mkdir(parents=True)
    code_file = tmp_path / "code.ps1"
    probe = "import os; print(os.environ.get('VENVREG_CODE_FILE', 'unset'))"
    env = {"VENVREG_CODE_FILE": str(code_file)}
    result = cli("__shell", "pwsh", "allvirtualenv", "--", sys.executable, "-c", probe, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert helper_calls(code_file.read_text(encoding="utf-8")) == emitted(
        cli, "allvirtualenv", sys.executable, "-c", probe
    )
    # A failing command leaves the file as it was: empty.
    code_file.write_text("", encoding="utf-8")
    failed = cli("__shell", "pwsh", "workon", "--", "nosuch", env=env)
    assert failed.returncode != 0 and code_file.read_text(encoding="utf-8") == ""


# --- 2: hooks run as script files ---


def test_sourced_hooks_are_script_files_not_script_blocks() -> None:
    body = function_body("__venvreg_source_hook")
    members = [text_of(n) for n in nodes_of_type(body, "invokation_expression")]
    members += [text_of(n) for n in nodes_of_type(body, "member_access")]
    assert not any("Create" in m or "ReadAllText" in m for m in members), members
    assert "[scriptblock]" not in text_of(body).lower()
    (lookup,) = commands_named(body, "__venvreg_application")
    assert "'ExternalScript'" in [
        text_of(n) for n in nodes_of_type(lookup, "verbatim_string_characters")
    ]
    dots = [
        n for n in nodes_of_type(body, "command") if text_of(n).startswith(". $__venvreg_script")
    ]
    assert len(dots) == 1
    # A hook's exit code (`exit 3`) is not left behind as the command's status.
    finally_blocks = nodes_of_type(body, "finally_clause")
    assert any("$global:LASTEXITCODE = $__venvreg_status" in text_of(b) for b in finally_blocks)


# --- 7: PowerShell older than 7.3 is refused before anything is defined ---


def test_old_powershell_is_refused_first() -> None:
    root = function_tree()
    (statements,) = [c for c in root.named_children if c.type == "statement_list"]
    first = statements.named_children[0]
    assert first.type == "if_statement", text_of(first)
    condition = text_of(first.named_children[0])
    assert "$PSVersionTable.PSVersion" in condition and "-lt" in condition
    assert "[version]'7.3'" in condition
    flows = nodes_of_type(first, "flow_control_statement")
    assert [text_of(f) for f in flows] == ["return"]
    assert "PowerShell 7.3 or newer is needed" in text_of(first)


# --- 5: re-loading never chains the location hook behind itself ---


def test_the_location_hook_is_chained_once_and_reads_no_global() -> None:
    root = function_tree()
    assignments = [
        a
        for a in nodes_of_type(root, "assignment_expression")
        if text_of(a).startswith("$commands.LocationChangedAction")
    ]
    assert len(assignments) == 1
    guard = enclosing(assignments[0], "if_statement")
    assert guard is not None
    assert "$null -eq $global:__VenvregLocationHook" in text_of(guard.named_children[0])
    handlers = [
        b for b in nodes_of_type(guard, "script_block_expression") if "param($source" in text_of(b)
    ]
    assert len(handlers) == 1
    # What it chains comes from its own closure, never from a global a later load rewrites.
    assert "$global:" not in text_of(handlers[0])
    assert ".GetNewClosure()" in text_of(guard)


# --- 8: a .bat/.cmd venvreg is refused ---


def test_batch_shims_are_refused_before_running() -> None:
    body = function_body("__venvreg_call")
    (check,) = commands_named(body, "__venvreg_shim")
    shim = function_body("__venvreg_shim")
    strings = {text_of(n) for n in nodes_of_type(shim, "verbatim_string_characters")}
    assert {"'.bat'", "'.cmd'"} <= strings
    (native,) = commands_named(body, "__venvreg_native")
    assert check.start_byte < native.start_byte


# --- 4: a leading ~ ---


def test_workon_home_tilde_is_expanded_for_completion() -> None:
    body = text_of(function_body("__venvreg_home"))
    assert "StartsWith('~/')" in body and "StartsWith('~\\')" in body
    assert "return $HOME" in body


def test_typed_paths_expand_tilde_for_pwsh_only(cli, isolated: Path, plain_venv) -> None:
    home = isolated / ".virtualenvs"
    home.mkdir()
    env = plain_venv(home / "e")
    project = isolated / "p"
    project.mkdir()
    assert emitted(cli, "setvirtualenvproject", "e", "~/p") == [
        ("__venvreg_print", [f"Setting project for e to {project}"])
    ]
    assert (env / ".project").read_text(encoding="utf-8").strip() == str(project)
    bash = cli("__shell", "bash", "setvirtualenvproject", "--", "e", "~/p")
    assert bash.returncode != 0 and "~/p" in bash.stderr  # bash expanded it already, if unquoted
    lib = isolated / "lib"
    active = {"VIRTUAL_ENV": str(env)}
    assert emitted(cli, "add2virtualenv", "~/lib", env=active) == []
    listing = emitted(cli, "add2virtualenv", env=active)
    assert ("__venvreg_print", ["", "Existing paths:", str(lib)]) in listing
    # An env name "~" is not a path: left alone.
    assert "'~' does not exist" in cli("__shell", "pwsh", "workon", "--", "~").stderr


def test_mkvirtualenv_project_tilde(cli, isolated: Path) -> None:
    project = isolated / "src x"
    project.mkdir()
    calls = emitted(cli, "mkvirtualenv", "-a", "~/src x", "t")
    assert calls[0] == ("__venvreg_print", [f"Setting project for t to {project}"])


# --- 6: a CR in a project folder is left out of the auto-activation map ---


def test_projects_file_leaves_out_line_breaks(cli, isolated: Path, plain_venv) -> None:
    home = isolated / ".virtualenvs"
    home.mkdir()
    for name in ("a", "b", "c"):
        plain_venv(home / name)
    good = isolated / "good"
    bad_cr = isolated / "bad\rgood"
    bad_lf = isolated / "bad\nx"
    for folder in (good, bad_cr, bad_lf):
        folder.mkdir()
    assert cli("config", "set", "auto_activate", "true").returncode == 0
    for name, folder in (("a", good), ("b", bad_cr), ("c", bad_lf)):
        result = cli("project", "set", name, str(folder))
        assert result.returncode == 0, result.stderr
    data = (home / ".venvreg" / "projects").read_bytes()
    assert b"\r" not in data
    assert data.decode("utf-8").split("\n") == [str(good), "a", ""]


# --- 3: init's output reads the same whatever code page PowerShell decodes it with ---


def test_init_pwsh_output_is_ascii_bytes(cli, isolated: Path, monkeypatch) -> None:
    home = isolated / "Jos\u00e9 \u4e2d \U0001f692"
    monkeypatch.setenv("WORKON_HOME", str(home))
    result = subprocess.run(
        [sys.executable, "-m", "venvreg", "init", "pwsh"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "latin-1"},  # what Python would write in
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    first = result.stdout.decode("ascii").partition("\n")[0]
    value = ascii_expression_value(first.removeprefix("$global:__VenvregDefaultHome = "))
    assert value == str(home)


def test_init_pwsh_path_in_the_console_code_page() -> None:
    from venvreg.cli.init_cmd import powershell_bytes
    from venvreg.errors import UsageError

    assert powershell_bytes("C:\\Users\\Jos\u00e9\n", "cp850") == b"C:\\Users\\Jos\x82\n"
    assert powershell_bytes("/home/jos\u00e9\n", "utf-8") == "/home/jos\u00e9\n".encode()
    try:
        powershell_bytes("C:\\Users\\\u4e2d\n", "cp850")
    except UsageError as error:
        assert "cannot be written in this console's code page (cp850)" in str(error)
        assert "Invoke-Expression" in str(error)
    else:
        raise AssertionError("a path outside the code page was written")


def test_init_pwsh_path_prints_the_file(cli) -> None:
    result = cli("init", "pwsh", "--path")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).read_bytes() == FUNCTION_FILE.read_bytes()


# --- 9: deactivate is not re-entered through auto-activation; $LASTEXITCODE is kept ---


def test_deactivate_is_busy_and_location_changes_keep_the_status() -> None:
    body = function_body("deactivate")
    assert "$global:__VenvregBusy++" in text_of(body)
    (inner,) = commands_named(body, "__venvreg_deactivate")
    assert enclosing(inner, "try_statement") is not None
    changed = function_body("__venvreg_location_changed")
    finals = [text_of(f) for f in nodes_of_type(changed, "finally_clause")]
    assert any("$global:LASTEXITCODE = $status" in f for f in finals)


# --- 9: allvirtualenv passes -Name words to a cmdlet or function as parameters ---


def parameter_pattern() -> re.Pattern[str]:
    body = function_body("__venvreg_invoke")
    (match,) = [n for n in nodes_of_type(body, "comparison_expression") if "-cmatch" in text_of(n)]
    (pattern,) = [text_of(n) for n in nodes_of_type(match, "verbatim_string_characters")]
    return re.compile(pattern[1:-1])  # ASCII classes only: the same in .NET and Python


def written_call(words: list[str]) -> str:
    """The call __venvreg_invoke writes for `words`, by its rule: a parameter-shaped word as
    itself (with its value, for -Name:value, by index), every other word by index."""
    pattern, parts, values = parameter_pattern(), ["& $__venvreg_command"], 0
    for word in words:
        found = pattern.fullmatch(word)
        if found and (found.group(2) or not found.group(3)):
            text = found.group(1) + found.group(2)
            if found.group(3):
                text += f'"$($__venvreg_values[{values}])"'
                values += 1
            parts.append(text)
        else:
            parts.append(f'"$($__venvreg_values[{values}])"')
            values += 1
    return " ".join(parts)


def test_allvirtualenv_binds_parameters_not_splatted_values() -> None:
    in_env = function_body("__venvreg_in_env")
    # Splatting an array binds every element as a positional value: '-Force' as a path.
    assert not [c for c in nodes_of_type(in_env, "command") if "@rest" in text_of(c)]
    assert len(commands_named(in_env, "__venvreg_invoke")) == 1
    words = ["-Force", "-Path:", "-Depth:2", "-?", "x", "-1", "--%", "--", "-a-b", "-a'b"]
    words += ["-$(touch PWNED)", "-x;y", "-a b", "-\u00e9t\u00e9", ""]
    call = written_call(words)
    assert syntax_problems(call) == [], call
    root = PARSER.parse(call.encode("utf-8")).root_node
    parameters = [text_of(n) for n in nodes_of_type(root, "command_parameter")]
    assert sorted(parameters) == sorted(["-Force", "-Path", "-Depth", "-?"])
    # Every other word, hostile ones included, is one expandable string holding an index only.
    found = sorted(nodes_of_type(root, "expandable_string_literal"), key=lambda n: n.start_byte)
    strings = [text_of(n) for n in found]
    assert strings == [f'"$($__venvreg_values[{i}])"' for i in range(len(strings))]
    assert len(strings) == len(words) - 3  # -Path: takes no value of its own; -Depth:2 one


# --- 9: run hooks on Windows: NAME.ps1 or NAME.exe, never a batch file ---


def test_run_hooks_on_windows_are_ps1_or_exe() -> None:
    finder = function_body("__venvreg_run_hook_file")
    (windows,) = [n for n in nodes_of_type(finder, "if_statement") if "$IsWindows" in text_of(n)]
    found = sorted(nodes_of_type(windows, "verbatim_string_characters"), key=lambda n: n.start_byte)
    assert [text_of(n) for n in found] == ["'.ps1'", "'.exe'", "'.bat'", "'.cmd'"]
    runner = function_body("__venvreg_run_hook")
    assert len(commands_named(runner, "__venvreg_run_hook_file")) == 1
    text = text_of(runner)
    # A .ps1 is run by this PowerShell's own pwsh, as a new process, not sourced.
    assert "[System.IO.Path]::Combine($PSHOME, 'pwsh.exe')" in text
    assert "@('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $file)" in text
    assert "is a batch file, which cmd.exe would re-parse" in text
    # Not the plain extension-less name of before, which Windows cannot start.
    assert "[System.IO.File]::Exists($Hook)" not in text


@pytest.mark.parametrize("windows", [True, False], ids=["windows", "posix"])
def test_run_hook_files(tmp_path: Path, windows: bool) -> None:
    from venvreg.shellcmds.runhooks import run_hook_argv, run_hook_file

    base = str(tmp_path / "premkvirtualenv")
    assert run_hook_file(base, windows) is None
    assert run_hook_argv(base, ("e",), windows, "pwsh") == (None, "")
    Path(base).write_text("#!/bin/sh\n", encoding="utf-8")
    Path(base).chmod(0o755)
    if not windows:
        assert run_hook_argv(base, ("e",), windows) == ([base, "e"], "")
        Path(base + ".ps1").write_text("", encoding="utf-8")
        assert run_hook_file(base, windows) == base  # no .ps1 run hooks on Unix
        return
    argv, problem = run_hook_argv(base, ("e",), windows, "pwsh")
    assert argv is None and "not a program Windows can start" in problem
    assert f"name it {base}.ps1 or {base}.exe" in problem
    Path(base + ".cmd").write_text("@echo off\n", encoding="utf-8")
    argv, problem = run_hook_argv(base, ("a&b",), windows, "pwsh")
    assert argv is None and "is a batch file, which cmd.exe would re-parse" in problem
    Path(base + ".exe").write_bytes(b"MZ")
    assert run_hook_argv(base, ("a&b",), windows, "pwsh") == ([base + ".exe", "a&b"], "")
    Path(base + ".ps1").write_text("", encoding="utf-8")
    pwsh_argv = ["pwsh", "-NoLogo", "-NoProfile", "-NonInteractive", "-File", base + ".ps1", "e"]
    assert run_hook_argv(base, ("e",), windows, "pwsh") == (pwsh_argv, "")
    argv, problem = run_hook_argv(base, ("e",), windows, None)
    assert argv is None and "needs pwsh (PowerShell 7) on PATH" in problem


# --- 9: VENVREG_EXE given without .exe on Windows ---


def test_venvreg_exe_without_extension_means_exe_on_windows() -> None:
    body = function_body("__venvreg_exe")
    ifs = nodes_of_type(body, "if_statement")
    (windows,) = [n for n in ifs if "$IsWindows" in text_of(n.named_children[0])]
    condition = text_of(windows.named_children[0])
    assert "[System.IO.Path]::GetExtension($exe) -eq ''" in condition
    assert "$exe = $exe + '.exe'" in text_of(windows)
    (lookup,) = commands_named(body, "__venvreg_application")
    assert windows.end_byte < lookup.start_byte
    # The shim check still runs on whatever was found.
    call = function_body("__venvreg_call")
    assert commands_named(call, "__venvreg_exe")[0].start_byte < (
        commands_named(call, "__venvreg_shim")[0].start_byte
    )


# --- 9: the (env) prefix comes before what a prompt draws with Write-Host ---


def test_the_prefix_is_drawn_before_write_host_output() -> None:
    prompt = function_body("prompt")
    (statements,) = prompt.named_children[0].named_children
    first = statements.named_children[0]
    # The old prompt runs first (its $? is the user's), its information stream caught.
    assert text_of(first) == "$previous = & $global:__VenvregPreviousPrompt 6>&1"
    assert [text_of(r) for r in nodes_of_type(first, "redirection")] == ["6>&1"]
    writes = commands_named(prompt, "Microsoft.PowerShell.Utility\\Write-Host")
    assert (
        text_of(writes[0]) == "Microsoft.PowerShell.Utility\\Write-Host -Object $prefix -NoNewline"
    )
    loops = nodes_of_type(prompt, "foreach_statement")
    assert len(loops) == 1 and writes[0].end_byte < loops[0].start_byte
    assert "HostInformationMessage" in text_of(loops[0])
    assert "-NoNewline:([bool]$message.NoNewLine) @colors" in text_of(writes[1])
    # A prompt that only returns its text gets the prefix in that text, as before.
    assert "return $prefix + $text" in text_of(prompt)
