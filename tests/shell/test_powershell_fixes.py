"""The PowerShell fixes of issue 13, each shown on the tree tree-sitter parses from
shell/venvreg.ps1 or on what the CLI writes for pwsh (pwsh itself cannot run here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from test_powershell import (
    FUNCTION_FILE,
    ascii_expression_value,
    emitted,
    function_tree,
    helper_calls,
    nodes_of_type,
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
    found = []
    for node in nodes_of_type(root, "command"):
        names = [c for c in node.children if c.type == "command_name"]
        if names and text_of(names[0]) == name:
            found.append(node)
    return found


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
