"""Hostile group B in real shells: the eval contract between the functions and the CLI.

A CLI that prints half its code and dies gets nothing evaluated; what the CLI prints on stdout
always parses as code of its shell; the user's own aliases and functions named like the
commands venvreg relies on change nothing; strict modes raise no error and print no noise;
sourcing the file twice is harmless and starts no Python."""

from __future__ import annotations

import subprocess

import pytest
from shells import ALL_SHELLS, POSIX_SHELLS, require_shell


@pytest.fixture(scope="module")
def sb(make_sandbox):
    sandbox = make_sandbox("wrapper")
    project = sandbox.root / "project a"
    project.mkdir()
    sandbox.project = project
    for name in ("env-a", "env b", "x'$(touch PWNED)'y"):
        sandbox.plain_env(name)
    result = sandbox.cli("project", "set", "env-a", str(project))
    assert result.returncode == 0, result.stderr
    return sandbox


# --- a CLI that dies halfway ---

DYING = {
    "killed": "kill -9 $$",
    "failed": "exit 1",
    "terminated": "kill -TERM $$",
}
COMMANDS = [
    "workon env-a",
    "workon",
    "lsvirtualenv -b",
    "mkvirtualenv new-env",
    "rmvirtualenv env-a",
    "showvirtualenv env-a",
    "cdvirtualenv",
    "cdproject",
    "mktmpenv",
]


@pytest.mark.parametrize("how", sorted(DYING))
@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_a_cli_dying_halfway_gets_nothing_evaluated(shell, how, sb):
    sentinel = sb.root / f"dying-{shell}-{how}" / "SENTINEL"
    sentinel.parent.mkdir()
    fake = sentinel.parent / "venvreg"
    half = [
        "__venvreg_print 'half'",
        f"touch {sb.q('bash', str(sentinel))}",
        f"__venvreg_activate env-a {sb.q('bash', str(sb.workon_home / 'env-a'))}",
    ]
    fake.write_text(
        "#!/bin/sh\n"
        + "".join(f"printf '%s\\n' {sb.q('bash', line)}\n" for line in half)
        + DYING[how]
        + "\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    script = 'show PWD0 "$PWD"\n'
    for index, command in enumerate(COMMANDS):
        script += f"{command}; rc c{index}\n"
    script += 'showvar VIRTUAL_ENV; show PWD1 "$PWD"\n'
    run = sb.run(shell, script, env={"VENVREG_EXE": str(fake)})
    expected = {"killed": 137, "failed": 1, "terminated": 143}[how]
    for index, command in enumerate(COMMANDS):
        assert run.rc(f"c{index}") == expected, (command, run.describe())
    assert "half" not in run.text(), run.describe()
    assert not sentinel.exists()
    assert run["VIRTUAL_ENV"] == "<unset>"
    assert run["PWD1"] == run["PWD0"]


# --- what the CLI prints always parses as code of its shell ---

PARSE_COMMAND = {
    "bash": ["-n"],
    "zsh": ["-n"],
    "fish": ["--no-execute"],
}


def emitted(sb, shell: str, *args: str, env: dict[str, str] | None = None):
    return sb.cli("__shell", shell, args[0], "--", *args[1:], env=env)


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_everything_printed_on_stdout_parses_as_code(shell, sb):
    executable = require_shell(shell)
    hostile = "x'$(touch PWNED)'y"
    env_a = str(sb.workon_home / "env-a")
    # get_env_details hooks make lsvirtualenv and showvirtualenv emit calls, not only prints
    for hook in (
        sb.workon_home / "get_env_details",
        sb.workon_home / hostile / "bin" / "get_env_details",
    ):
        hook.write_text("#!/bin/sh\necho details\n", encoding="utf-8")
        hook.chmod(0o755)
    active = {"VIRTUAL_ENV": env_a}
    ok = [
        (("workon", hostile), None),
        (("workon", "-c", "env-a"), None),
        (("workon", "-n", "env b"), None),
        (("workon", "-h"), None),
        (("lsvirtualenv", "-b"), None),
        (("lsvirtualenv", "-l"), None),
        (("lsvirtualenv",), None),
        (("showvirtualenv", hostile), None),
        (("allvirtualenv", "echo", "it's", "$(touch PWNED)"), None),
        (("cdvirtualenv",), active),
        (("cdvirtualenv", "bin"), active),
        (("cdsitepackages",), active),
        (("lssitepackages", "-a"), active),
        (("cdproject",), active),
        (("toggleglobalsitepackages",), active),
        (("toggleglobalsitepackages", "-q"), active),
        (("setvirtualenvproject", "env-a", str(sb.project)), None),
        (("mkvirtualenv", "-h"), None),
        (("mkproject", "-h"), None),
        (("virtualenvwrapper",), None),
        (("rmvirtualenv", "no-such-env"), None),
    ]
    failing = [
        (("workon", "no-such-env"), None),
        (("workon", "-n", "no-such-env"), None),
        (("cdproject",), {"VIRTUAL_ENV": str(sb.workon_home / "env b")}),
        (("cdvirtualenv",), None),
        (("mkvirtualenv", ";|&<>"), None),
        (("cpvirtualenv", "no-such-env", "x"), None),
        (("rmvirtualenv",), None),
    ]
    status_one = [  # virtualenvwrapper's status 1 with code to run (the list, the usage)
        (("workon",), None),
        (("lsvirtualenv", "-h"), None),
        (("add2virtualenv",), active),
        (("showvirtualenv",), None),
    ]
    scratch = sb.root / f"parse-{shell}"
    scratch.mkdir()
    for index, (args, env) in enumerate(ok + status_one):
        result = emitted(sb, shell, *args, env=env)
        assert result.returncode == 0, (args, result.stderr)
        if args == ("rmvirtualenv", "no-such-env"):  # status 0, its messages on stderr only
            assert result.stdout == "" and "Did not find environment" in result.stderr, result
        else:
            assert result.stdout.strip() or args == ("toggleglobalsitepackages", "-q"), args
        code = scratch / f"{index}.{shell}"
        code.write_text(result.stdout, encoding="utf-8", errors="surrogateescape")
        parsed = subprocess.run(
            [executable, *PARSE_COMMAND[shell], str(code)], capture_output=True, text=True
        )
        assert parsed.returncode == 0 and parsed.stderr == "", (args, result.stdout, parsed)
    for args, env in failing:
        result = emitted(sb, shell, *args, env=env)
        assert result.returncode != 0, args
        assert result.stdout == "", (args, result.stdout)  # messages go to stderr only
        assert result.stderr.strip(), args
    assert sb.sentinels() == []


# --- the user's aliases and functions ---

HIJACKED = ("cd", "rm", "echo", "python", "printf", "source", "deactivate")


def hijack(shell: str, log: str, aliases: bool) -> str:
    if shell == "fish":
        lines = [f"function hijack; builtin printf '%s\\n' \"HIJACK:$argv[1]\" >> {log}; end"]
        lines += [f"function {name}; hijack {name}; end" for name in HIJACKED]
        return "\n".join(lines) + "\n"
    lines = [f"function hijack {{ \\builtin printf '%s\\n' \"HIJACK:$1\" >> {log}; }}"]
    # `function NAME` rather than `NAME()`: the second time round the aliases exist
    lines += [f"function {name} {{ hijack {name}; }}" for name in HIJACKED]
    if aliases:
        if shell == "bash":
            lines.append("shopt -s expand_aliases")
        lines += [f"alias {name}='hijack alias-{name}'" for name in HIJACKED]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_user_aliases_and_functions_change_nothing(shell, sb):
    log_path = sb.root / f"hijack-{shell}.log"
    log = sb.q(shell, str(log_path))
    hook_var = f"HOOKED_{shell}"
    hook = sb.workon_home / ("postactivate.fish" if shell == "fish" else "postactivate")
    hook.write_text(
        f"set -g {hook_var} sourced\n" if shell == "fish" else f"{hook_var}=sourced\n",
        encoding="utf-8",
    )
    if shell != "fish":  # the other variant must exist too, for the shells not under test
        sb.workon_home.joinpath("postactivate.fish").write_text("", encoding="utf-8")
    undo = "\\deactivate" if shell != "fish" else "deactivate"
    # fish autoloads its default fish_prompt through whatever `source` is defined, a quirk of
    # fish itself: the user's prompt is defined here, as in any config.fish.
    prompt = "function fish_prompt; builtin printf '> '; end\n" if shell == "fish" else ""
    script = (
        prompt
        + hijack(shell, log, aliases=True)
        + f"builtin source {sb.q(shell, sb.function_file(shell))}\n"  # with them in place
        + hijack(shell, log, aliases=True)  # and defined again afterwards
        + 'show PATH0 "$PATH"\n'
        + 'workon env-a; rc workon; show PWD_A "$PWD"; show VE_A "$VIRTUAL_ENV"\n'
        + sb.py_show("PREFIX", "sys.prefix", python="command python")
        + f'show HOOK "${hook_var}"\n'
        + 'cdvirtualenv; rc cdv; show PWD_ENV "$PWD"\n'
        + 'cdproject; rc cdproject; show PWD_PROJECT "$PWD"\n'
        + "workon -n 'env b'; rc switch; show VE_B \"$VIRTUAL_ENV\"\n"
        + f"{undo}; rc deactivate\n"
        + 'showvar VIRTUAL_ENV; show PATH1 "$PATH"\n'
        + "lsvirtualenv -b >/dev/null; rc ls\n"
    )
    run = sb.run(shell, script, source=None)
    assert run.stderr == "", run.describe()
    for label in ("workon", "cdv", "cdproject", "switch", "deactivate", "ls"):
        assert run.rc(label) == 0, (label, run.describe())
    assert run["PWD_A"] == str(sb.project)
    assert run["VE_A"] == str(sb.workon_home / "env-a")
    assert run["PREFIX"] == str(sb.workon_home / "env-a")
    assert run["HOOK"] == "sourced"
    assert run["PWD_ENV"] == str(sb.workon_home / "env-a")
    assert run["PWD_PROJECT"] == str(sb.project)
    assert run["VE_B"] == str(sb.workon_home / "env b")
    assert run["VIRTUAL_ENV"] == "<unset>"
    assert run["PATH1"] == run["PATH0"]
    called = log_path.read_text(encoding="utf-8") if log_path.exists() else ""
    assert called == "", called
    hook.unlink()


# --- strict modes ---

STRICT = {
    "bash": "set -euo pipefail\n",
    "zsh": "setopt nounset err_exit pipe_fail\n",
}
COMPLETE = {
    "bash": "COMP_WORDS=(workon e); COMP_CWORD=1; __venvreg_complete_envs\n"
    + 'show COMPLETIONS "${COMPREPLY[*]}"\n',
    "zsh": 'local -a reply; __venvreg_env_names; show COMPLETIONS "${reply[*]}"\n',
}
PROMPT = {"bash": "", "zsh": "PS1='z> '\n"}  # bash without PS1 at all: unset is the hard case


@pytest.mark.parametrize("shell", POSIX_SHELLS)
def test_strict_modes_whole_journey_without_noise(shell, make_sandbox):
    sb = make_sandbox(f"strict-{shell}")
    project = sb.root / "project"
    (project / "sub").mkdir(parents=True)
    for name in ("env-a", "env-b"):
        sb.plain_env(name)
    for command in (
        ("project", "set", "env-a", str(project)),
        ("config", "set", "auto_activate", "true"),
    ):
        assert sb.cli(*command).returncode == 0
    noisy = sb.q(shell, str(sb.root / "noisy.err"))
    auto = 'eval "$PROMPT_COMMAND"\n' if shell == "bash" else ""  # a prompt, in bash
    script = (
        STRICT[shell]
        + f"source {sb.q(shell, sb.function_file(shell))}\n"
        + f"source {sb.q(shell, sb.function_file(shell))}\n"
        + PROMPT[shell]
        + 'show PATH0 "$PATH"\n'
        + 'workon env-a; show PWD_A "$PWD"\n'
        + 'cdvirtualenv; cdproject; show PWD_P "$PWD"\n'
        + "workon env-b\n"
        + "workon -c env-a\n"
        + "deactivate\n"
        + 'show PATH1 "$PATH"\n'
        + COMPLETE[shell]
        + "lsvirtualenv -b >/dev/null; showvirtualenv env-a >/dev/null\n"
        + "builtin cd /\n"
        + auto
        + f"builtin cd {sb.q(shell, str(project / 'sub'))}\n"
        + auto
        + 'show AUTO "$VIRTUAL_ENV"\n'
        + "builtin cd /\n"
        + auto
        + 'show AUTO_OFF "${VIRTUAL_ENV-}"\n'
        + f'mkvirtualenv strict-new 2>>{noisy} >/dev/null; show MK "$VIRTUAL_ENV"\n'
        + f"deactivate; rmvirtualenv strict-new 2>>{noisy} >/dev/null\n"
        + f"mktmpenv 2>>{noisy} >/dev/null; deactivate 2>>{noisy} >/dev/null\n"
        + "show DONE yes\n"
    )
    run = sb.run(shell, script, cwd=sb.root)
    assert run.returncode == 0, run.describe()
    assert run.stderr == "", run.describe()
    assert run["DONE"] == "yes"
    assert run["PWD_A"] == str(project)
    assert run["PWD_P"] == str(project)
    assert run["PATH1"] == run["PATH0"]
    assert sorted(run["COMPLETIONS"].split()) == ["env-a", "env-b"]
    assert run["AUTO"] == str(sb.workon_home / "env-a")
    assert run["AUTO_OFF"] == ""
    assert run["MK"] == str(sb.workon_home / "strict-new")
    assert not (sb.workon_home / "strict-new").exists()
    assert sorted(p.name for p in sb.workon_home.iterdir() if p.is_dir()) == [
        ".venvreg",
        "env-a",
        "env-b",
    ]


# --- sourcing twice ---


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_sourcing_twice_is_harmless_and_starts_no_python(shell, sb):
    recorder, log = sb.recorder(f"twice-{shell}")
    path = sb.q(shell, sb.function_file(shell))
    registered = {
        "bash": 'show HOOKS "$PROMPT_COMMAND"; show SPEC "$(complete -p workon)"\n',
        "zsh": 'show HOOKS "${(j: :)chpwd_functions}"\n',
        "fish": "show HOOKS (functions --handlers-type variable | string match -e __venvreg"
        + " | string collect)\n",
    }[shell]
    script = (
        f"source {path}\nsource {path}\n"
        + f"test -s {sb.q(shell, str(log))}; rc log_written\n"
        + registered
        + 'show PATH0 "$PATH"\n'
        + "workon -n env-a; rc workon; deactivate; rc deactivate\n"
        + 'show PATH1 "$PATH"\n'
    )
    run = sb.run(shell, script, env={"VENVREG_EXE": str(recorder)})
    assert run.rc("log_written") == 1, run.describe()  # sourcing three times: no call
    assert run["HOOKS"].count("__venvreg_") == 1, run["HOOKS"]
    if shell == "bash":
        assert run["SPEC"].count("workon") == 1
    assert run.rc("workon") == 0 and run.rc("deactivate") == 0
    assert run["PATH1"] == run["PATH0"]
    assert sb.calls(log) == [f"__shell {shell} workon -- -n env-a"]
    assert run.stderr == ""
