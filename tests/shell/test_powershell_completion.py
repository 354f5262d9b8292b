"""PowerShell Tab completion of the `venvreg` command itself, and the config file's
`workon_home` read by shell/venvreg.ps1: shown on the tree tree-sitter parses from the file
(pwsh cannot run here), and in real pwsh where it exists."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from test_e2e_cli_completion import CASES, SUPERSETS, expected
from test_powershell import (
    FUNCTION_FILE,
    HOSTILE_NAMES,
    PARSER,
    PWSH,
    PWSH_SKIP,
    QUOTES,
    nodes_of_type,
    powershell_string,
    syntax_problems,
    text_of,
)
from test_powershell_fixes import function_body
from tree_sitter import Node

from venvreg.cli import completion_spec
from venvreg.emit.quoting import quote_pwsh
from venvreg.settings.config import KEYS, read_file_values


def strings_in(node: Node) -> list[str]:
    """The values of the single-quoted strings under `node`, in order."""
    found = sorted(nodes_of_type(node, "verbatim_string_characters"), key=lambda n: n.start_byte)
    return [powershell_string(text_of(n)) for n in found]


def operands(body: Node, operator: str) -> list[list[str]]:
    """For each `operator` comparison in `body`, in order: the strings right of it."""
    found = [
        n
        for n in nodes_of_type(body, "comparison_expression")
        if any(c.type == "comparison_operator" and text_of(c) == operator for c in n.children)
    ]
    return [strings_in(n.children[-1]) for n in sorted(found, key=lambda n: n.start_byte)]


def operand(body: Node, operator: str) -> str:
    """The pattern right of the one `operator` comparison in `body`."""
    ((pattern, *_),) = operands(body, operator)
    return pattern


# --- The tables: what the generator wrote is what PowerShell reads ---


def test_the_switch_gives_each_command_its_tables() -> None:
    body = function_body("__venvreg_cli_spec")
    (switch,) = nodes_of_type(body, "switch_statement")
    flags = [text_of(n) for n in nodes_of_type(switch, "switch_parameter")]
    assert sorted(flags) == ["-CaseSensitive", "-Exact"]  # `LS` is no command, as for click
    read: dict[str, dict[str, object]] = {}
    for clause in nodes_of_type(switch, "switch_clause"):
        (condition,) = [c for c in clause.children if c.type == "switch_clause_condition"]
        names = strings_in(condition)
        if nodes_of_type(condition, "script_block_expression"):
            # an alias: `$_ -ceq 'a' -or $_ -ceq 'b'`, nothing else
            assert text_of(condition) == (
                "{ " + " -or ".join(f"$_ -ceq '{name}'" for name in names) + " }"
            )
        tables: dict[str, object] = {}
        for assignment in nodes_of_type(clause, "assignment_expression"):
            target, _, value = assignment.children
            (member,) = nodes_of_type(target, "simple_name")
            if text_of(member) == "repeat":
                assert text_of(value) == "$true"
                tables["repeat"] = True
            else:
                tables[text_of(member)] = strings_in(value)
        for name in names:
            assert name not in read, name
            read[name] = tables
    wanted = {}
    for entry in completion_spec.entries():
        tables = dict(completion_spec._tables(entry))
        if entry.repeat:
            tables["repeat"] = True
        for name in entry.names:
            wanted[name] = tables
    assert read == wanted
    assert "env" in read["show"]["args"] and read[""]["subs"]  # type: ignore[operator]


def test_keys_and_shells_are_the_cli_ones() -> None:
    text = FUNCTION_FILE.read_text(encoding="utf-8")
    for variable, values in (("Keys", list(KEYS)), ("Shells", list(completion_spec.SHELL_NAMES))):
        (line,) = [
            line for line in text.splitlines() if line.startswith(f"$global:__Venvreg{variable} =")
        ]
        root = PARSER.parse(line.encode("utf-8")).root_node
        assert syntax_problems(line) == [] and strings_in(root) == values


def test_the_completer_is_registered_for_venvreg_natively() -> None:
    text = FUNCTION_FILE.read_text(encoding="utf-8")
    registration = (
        "Microsoft.PowerShell.Core\\Register-ArgumentCompleter -Native -CommandName 'venvreg' "
        "-ScriptBlock {\n    param($wordToComplete, $commandAst, $cursorPosition)\n"
        "    __venvreg_cli_complete ([string]$wordToComplete) $commandAst $cursorPosition\n}"
    )
    assert registration in text
    body = text_of(function_body("__venvreg_cli_complete"))
    # The words before the cursor only, each by its value (a quoted word without its quotes).
    assert "if ($element.Extent.EndOffset -ge $Cursor) {" in body
    assert "[System.Management.Automation.Language.StringConstantExpressionAst]" in body
    # Nothing starts Python: no call of venvreg (or of anything) from the completer.
    for name in ("__venvreg_cli_complete", "__venvreg_offer", "__venvreg_env_names"):
        assert not [
            n for n in nodes_of_type(function_body(name), "command")
            if text_of(n.children[0]).startswith(("venvreg", "&", "__venvreg_call"))
        ], name  # fmt: skip


# --- Quoting of candidates ---


def bare_letter(char: str) -> bool:
    return ord(char) < 0x10000 and unicodedata.category(char)[0] in "LN"


def completion_text(name: str) -> str:
    """What __venvreg_offer writes for `name`, by its own two patterns: the name as it is when
    the bare pattern matches (in UTF-16 code units, as .NET matches), else single-quoted with
    each quote of the class doubled."""
    body = function_body("__venvreg_offer")
    # .NET's \\p{L} and \\p{N}, on UTF-16 code units (an astral character is two surrogates)
    assert operand(body, "-notmatch") == r"^[\p{L}\p{N}_.+-]+$"
    ((quote_class, doubled),) = operands(body, "-replace")
    assert doubled == "$0$0"
    if all(c in "_.+-" or bare_letter(c) for c in name):
        return name
    return "'" + re.sub(quote_class, lambda m: m.group(0) * 2, name) + "'"


def typed(word: str) -> str:
    """What __venvreg_typed makes of the word PowerShell hands the completer."""
    body = function_body("__venvreg_typed")
    opening = re.compile(operand(body, "-match"))
    ((closing, empty),) = operands(body, "-replace")
    assert empty == ""
    if opening.search(word):
        return re.sub(closing, "", word[1:], count=1)
    return word


@pytest.mark.parametrize("name", [*HOSTILE_NAMES, "with space", "alpha", "x.y+z_1", "a''b", "é"])
def test_a_candidate_reads_back_as_that_one_name(name: str) -> None:
    text = completion_text(name)
    line = f"venvreg show {text} --json"
    assert syntax_problems(line) == [], line
    root = PARSER.parse(line.encode("utf-8")).root_node
    (elements,) = nodes_of_type(root, "command_elements")
    words = [c for c in elements.named_children if c.type != "command_argument_sep"]
    assert [text_of(w) for w in words] == ["show", text, "--json"]
    if text.startswith("'"):
        assert powershell_string(text) == name
        assert text == quote_pwsh(name)  # the quoting venvreg uses for every pwsh value
    else:
        assert words[1].type == "generic_token" and text == name
        assert not set(name) & set(QUOTES + '"`$@(){};,&|<>#~ ')
    # Tab again on what was inserted: PowerShell hands over its value between quotes, and the
    # completer takes that value as the prefix, so the same name is offered again.
    handed = "'" + name + "'" if text.startswith("'") else name
    assert typed(handed) == name


# --- The config file's workon_home ---


def configured_home(text: str, windows: bool = False) -> str:
    """__venvreg_configured_home on a file holding `text`, by the file's own patterns."""
    body = function_body("__venvreg_configured_home")
    ((key,),) = operands(body, "-cnotmatch")
    (table,), (literal,), (basic,) = operands(body, "-cmatch")
    ((escape,),) = operands(body, "-replace")  # then the script block decoding each
    table_re, key_re, literal_re, basic_re = (re.compile(p) for p in (table, key, literal, basic))

    replace = text_of(body)
    assert "if ($escape.Length -eq 1) {\n                        $escape\n" in replace
    decode = "[char]::ConvertFromUtf32([System.Convert]::ToInt32($escape.Substring(1), 16))"
    assert decode in replace

    def decoded(found: re.Match[str]) -> str:
        """One escape, as the -replace script block decodes it ([char]::ConvertFromUtf32)."""
        text = found.group(1)
        if len(text) == 1:
            return text
        point = int(text[1:], 16)
        if 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
            raise ValueError(text)
        return chr(point)

    for line in text.splitlines():
        if table_re.search(line):
            return ""
        found = key_re.search(line)
        if not found:
            continue
        value = found.group(1)
        if string := literal_re.search(value):
            path = string.group(1)
        elif string := basic_re.search(value):
            try:
                path = re.sub(escape, decoded, string.group(1))
            except ValueError:
                return ""
        else:
            return ""
        starts = ("~/", "~\\") if windows else ("~/",)
        absolute = (
            path.startswith("/") if not windows else bool(re.match(r"[A-Za-z]:[\\/]|\\\\", path))
        )
        return path if path == "~" or absolute or path.startswith(starts) else ""
    return ""


CONFIGURED = (
    "# mine\nworkon_home = '~/elsewhere/envs'  # c\nauto_activate = true\n"
    "[prune]\nunused_days = 30\n"
)
CONFIGS = [
    (CONFIGURED, "~/elsewhere/envs"),
    ('"workon_home" = "/abs/envs"\n', "/abs/envs"),
    ("  'workon_home'='/sp aces/x [ab]*? $(y)'\n", "/sp aces/x [ab]*? $(y)"),
    ('workon_home = "/with\\\\back\\"slash"\n', '/with\\back"slash'),  # as `config set` writes
    ('workon_home = "/a\\u00e9\\U0001F692"\n', "/a\u00e9\U0001f692"),
    ('workon_home = "/tab\\there"\n', ""),  # another escape: left to the CLI
    ('workon_home = "\\uD800"\n', ""),  # not TOML
    ("workon_home = \'\'\'/multi\'\'\'\n", ""),
    ("workon_home = 'relative/envs'\n", ""),
    ("workon_home = '~'\n", "~"),
    ("[prune]\nworkon_home = '/not/top/level'\n", ""),
    ("WORKON_HOME = '/other/key'\n", ""),
    ("backend = 'uv'\n", ""),
]  # fmt: skip


@pytest.mark.parametrize(("text", "home"), CONFIGS)
def test_the_config_file_is_read_as_the_cli_reads_it(text: str, home: str, tmp_path: Path) -> None:
    assert configured_home(text) == home
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    if home:
        assert read_file_values(config)["workon_home"] == home


def test_the_config_file_is_where_the_cli_looks() -> None:
    body = text_of(function_body("__venvreg_config_file"))
    assert body.index("$env:VENVREG_CONFIG") < body.index("$IsWindows") < body.index("$IsMacOS")
    # platformdirs.user_config_dir('venvreg') on Windows: the local (not roaming) app data
    # folder, then appauthor (defaulting to the app name) and the app name.
    assert "GetFolderPath('LocalApplicationData')" in body
    assert "Combine($base, 'venvreg', 'venvreg', 'config.toml')" in body
    assert "Combine($HOME, 'Library', 'Application Support', 'venvreg', 'config.toml')" in body
    assert "([string]$env:XDG_CONFIG_HOME).Trim()" in body and "StartsWith('/', " in body
    home = text_of(function_body("__venvreg_home"))
    # WORKON_HOME first, then the config file, then the home `venvreg init` printed.
    assert home.index("$env:WORKON_HOME") < home.index("__venvreg_configured_home")
    assert home.index("__venvreg_configured_home") < home.index("__VenvregDefaultHome")
    # Completion and auto-activation both go through it.
    for name in ("__venvreg_env_names", "__venvreg_auto", "__venvreg_cli_complete"):
        assert "__venvreg_home" in text_of(function_body(name)), name


# --- Real pwsh ---

SHOW = """function show([string]$Key, $Value) {
    [Console]::Out.Write([string][char]0x1e + $Key + [char]0x1f + [string]$Value + [char]0x1e)
}
"""


def tab(line: str, field: str = "ListItemText") -> str:
    """A pwsh expression: the candidates TabExpansion2 gives at the end of `line`, joined by |."""
    return (
        f"(((TabExpansion2 -inputScript {quote_pwsh(line)} -cursorColumn {len(line)})"
        f".CompletionMatches | Microsoft.PowerShell.Core\\ForEach-Object {field}) -join '|')"
    )


PWSH_CASES = [
    *CASES,
    ("venvreg.exe restore ", {"TRASH"}),  # found by the name without its extension
    ("venvreg create x --backend=v", {"virtualenv", "venv"}),
    ("venvreg show 'with", {"with space"}),
]


def completion_script() -> str:
    script = SHOW + f". {quote_pwsh(str(FUNCTION_FILE))}\n"
    for index, (line, _) in enumerate(PWSH_CASES):
        script += f"show c{index} {tab(line)}\n"
    script += f"show QUOTED {tab('venvreg show w', 'CompletionText')}\n"
    script += f"show OPTION {tab('venvreg create x --backend=v', 'CompletionText')}\n"
    return script


def run_pwsh(
    script: str, env: dict[str, str], cwd: Path, folder: Path
) -> subprocess.CompletedProcess[str]:
    """`script` run by real pwsh from a file in `folder`, in `cwd`."""
    file = folder / "completion.ps1"
    file.write_text(script, encoding="utf-8-sig")
    assert PWSH is not None
    return subprocess.run(
        [PWSH, "-NoLogo", "-NoProfile", "-NonInteractive", "-File", str(file)],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=cwd, timeout=120,
    )  # fmt: skip


def values_of(proc: subprocess.CompletedProcess[str]) -> dict[str, str]:
    return dict(re.findall("\x1e([^\x1e\x1f]*)\x1f([^\x1e]*)\x1e", proc.stdout))


@pytest.fixture(scope="module")
def sb(completion_sandbox):
    return completion_sandbox


@pytest.mark.skipif(PWSH is None, reason=PWSH_SKIP)
def test_real_pwsh_completes_venvreg(sb, tmp_path: Path) -> None:
    """TabExpansion2 after `venvreg` in real pwsh: the cases bash, zsh and fish pass, without
    starting Python (PATH holds none and VENVREG_EXE only records being called). The folder
    is empty, so PowerShell's own file fallback (for a new name) offers nothing."""
    empty = tmp_path / "empty"
    empty.mkdir()
    run = run_pwsh(completion_script(), {**sb.env, **sb.no_python}, empty, tmp_path)
    values = values_of(run)
    report = f"rc={run.returncode}\n{run.stdout}\n{run.stderr}"
    assert run.returncode == 0 and run.stderr == "", report
    for index, (line, wanted) in enumerate(PWSH_CASES):
        got = set(filter(None, values[f"c{index}"].split("|")))
        if line in SUPERSETS:
            assert expected(sb, wanted) <= got, (line, got)
        else:
            assert got == expected(sb, wanted), (line, got)
    assert values["QUOTED"] == "'with space'"
    assert set(values["OPTION"].split("|")) == {"--backend=virtualenv", "--backend=venv"}
    sb.assert_no_python()


def test_real_pwsh_scripts_parse() -> None:
    """What the real-pwsh tests run, parsed here where pwsh cannot run."""
    assert syntax_problems(completion_script()) == []
    assert syntax_problems(configured_script(Path("/p"))) == []


def configured_script(project: Path) -> str:
    return (
        SHOW
        + f". {quote_pwsh(str(FUNCTION_FILE))}\n"
        + f"show WORKON {tab('workon ')}\n"
        + f"show VENVREG {tab('venvreg show ')}\n"
        + f"Microsoft.PowerShell.Management\\Set-Location -LiteralPath {quote_pwsh(str(project))}\n"
        + "show VE ([string]$env:VIRTUAL_ENV)\n"
    )


@pytest.mark.skipif(PWSH is None, reason=PWSH_SKIP)
@pytest.mark.parametrize("where", ["VENVREG_CONFIG", "XDG_CONFIG_HOME"])
def test_real_pwsh_reads_a_home_set_only_in_the_config_file(where: str, make_sandbox) -> None:
    """WORKON_HOME unset, the file loaded by path (no home line from `venvreg init`): the
    completion of workon and of venvreg, and auto-activation, use the config file's home,
    found by $env:VENVREG_CONFIG or, without it, in $XDG_CONFIG_HOME/venvreg."""
    box = make_sandbox(f"pwsh-configured-{where}")
    (box.home / ".virtualenvs").rmdir()
    home = box.home / "elsewhere" / "envs"
    home.mkdir(parents=True)
    text = CONFIGURED
    box.config.write_text(text, encoding="utf-8")
    env = {key: value for key, value in box.env.items() if key != "WORKON_HOME"}
    if where == "XDG_CONFIG_HOME":
        xdg = box.root / "xdg"
        (xdg / "venvreg").mkdir(parents=True)
        # a basic string this time, with an escape to decode
        text = 'workon_home = "~/elsewher\\u0065/envs"\nauto_activate = true\n'
        (xdg / "venvreg" / "config.toml").write_text(text, encoding="utf-8")
        box.config.unlink()
        env.pop("VENVREG_CONFIG")
        env["XDG_CONFIG_HOME"] = str(xdg)
    box.env = env
    box.workon_home = home
    project = box.env_with_project("far")
    env["VENVREG_EXE"] = str(box.exe)
    run = run_pwsh(configured_script(project), env, box.root, box.root)
    values = values_of(run)
    report = f"rc={run.returncode}\n{run.stdout}\n{run.stderr}"
    assert run.returncode == 0, report
    assert values["WORKON"] == "far", report
    assert values["VENVREG"] == "far", report
    assert values["VE"] == str(home / "far"), report
    assert not (box.home / ".virtualenvs").exists()
