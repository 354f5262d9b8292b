"""Auto-activation (`venvreg config set auto_activate true`) in real shells: entering a project
folder activates its env, leaving deactivates what was auto-activated, a manual activation is
left alone, a shell started inside a project starts activated. VENVREG_EXE is a wrapper that
records every call before running the real venvreg: a cd that changes nothing about activation
must start no Python at all.

bash reads the script as an interactive shell (stdin, `-i`) so its PROMPT_COMMAND runs before
every line as it does at a real prompt; zsh (chpwd) and fish (PWD events) react to cd itself."""

from __future__ import annotations

import pytest
from shells import ALL_SHELLS

pytestmark = pytest.mark.parametrize("shell", ALL_SHELLS)


@pytest.fixture(scope="module")
def sb(make_sandbox):
    sandbox = make_sandbox("auto")
    projects = sandbox.root / "projects"
    # `p.*` must match itself only: read as a glob or a regex it would match `p.XYZ`
    a, b = projects / "proj a", projects / "p.*"
    for folder in (a / "sub" / "deeper", b, projects / "p.XYZ", sandbox.root / "outside"):
        folder.mkdir(parents=True)
    for name in ("auto-a", "auto-b", "manual"):
        sandbox.plain_env(name)
    for command in (
        ("config", "set", "auto_activate", "true"),
        ("project", "set", "auto-a", str(a)),
        ("project", "set", "auto-b", str(b)),
    ):
        result = sandbox.cli(*command)
        assert result.returncode == 0, result.stderr
    assert (sandbox.workon_home / ".venvreg" / "projects").is_file()
    sandbox.a, sandbox.b, sandbox.projects = a, b, projects
    return sandbox


def run_auto(sb, shell, script, cwd=None, name="rec"):
    recorder, log = sb.recorder(f"{name}-{shell}")
    if log.exists():
        log.unlink()
    run = sb.run(
        shell, script, cwd=cwd, env={"VENVREG_EXE": str(recorder)}, interactive=shell == "bash"
    )
    return run, sb.calls(log)


def test_entering_and_leaving_projects(shell, sb):
    q = lambda path: sb.q(shell, str(path))  # noqa: E731
    steps = [
        ("sub", sb.a / "sub"),
        ("deeper", sb.a / "sub" / "deeper"),
        ("root_a", sb.a),
        ("outside", sb.root / "outside"),
        ("again_a", sb.a / "sub"),
        ("b", sb.b),
        ("glob_lookalike", sb.projects / "p.XYZ"),
        ("b_again", sb.b),
        ("outside2", sb.root / "outside"),
    ]
    script = 'show START "$VIRTUAL_ENV"\n'
    for label, folder in steps:
        script += f"cd {q(folder)}\n"
        script += f'show VE_{label} "$VIRTUAL_ENV"\n'
    run, calls = run_auto(sb, shell, script, cwd=sb.root)
    env = lambda name: str(sb.workon_home / name)  # noqa: E731
    expected = {
        "START": "",
        "VE_sub": env("auto-a"),
        "VE_deeper": env("auto-a"),
        "VE_root_a": env("auto-a"),
        "VE_outside": "",
        "VE_again_a": env("auto-a"),
        "VE_b": env("auto-b"),
        "VE_glob_lookalike": "",
        "VE_b_again": env("auto-b"),
        "VE_outside2": "",
    }
    assert {key: run[key] for key in expected} == expected, run.describe()
    # one Python start per activation, none for the cds that changed nothing about it
    assert calls == [
        f"__shell {shell} workon -- -n auto-a",
        f"__shell {shell} workon -- -n auto-a",
        f"__shell {shell} workon -- -n auto-b",
        f"__shell {shell} workon -- -n auto-b",
    ], run.describe()


def test_a_manual_activation_is_left_alone(shell, sb):
    q = lambda path: sb.q(shell, str(path))  # noqa: E731
    script = (
        "workon manual\n"
        + f"cd {q(sb.a / 'sub')}\n"
        + 'show VE_IN_PROJECT "$VIRTUAL_ENV"\n'
        + f"cd {q(sb.root / 'outside')}\n"
        + 'show VE_LEFT "$VIRTUAL_ENV"\n'
        + "deactivate\n"
        + f"cd {q(sb.a)}\n"
        + 'show VE_AUTO "$VIRTUAL_ENV"\n'
        + "workon -n manual\n"  # a manual workon over an auto-activated env: stays
        + f"cd {q(sb.root / 'outside')}\n"
        + 'show VE_MANUAL_AFTER_AUTO "$VIRTUAL_ENV"\n'
    )
    run, calls = run_auto(sb, shell, script, cwd=sb.root)
    manual = str(sb.workon_home / "manual")
    assert run["VE_IN_PROJECT"] == manual, run.describe()
    assert run["VE_LEFT"] == manual
    assert run["VE_AUTO"] == str(sb.workon_home / "auto-a")
    assert run["VE_MANUAL_AFTER_AUTO"] == manual
    assert len(calls) == 3, calls  # workon manual, the auto-activation, workon -n manual


def test_a_shell_started_in_a_project_starts_activated(shell, sb):
    run, calls = run_auto(
        sb,
        shell,
        'show VE "$VIRTUAL_ENV"\n'
        + 'show PROMPT_ENV "$VIRTUAL_ENV_PROMPT"\n'
        + 'show PWD "$PWD"\n',
        cwd=sb.a / "sub" / "deeper",
    )
    assert run["VE"] == str(sb.workon_home / "auto-a"), run.describe()
    assert run["PROMPT_ENV"] == "auto-a"
    assert calls == [f"__shell {shell} workon -- -n auto-a"]
    # the shell stayed where it started (-n): no cd into the project root
    assert run["PWD"] == str(sb.a / "sub" / "deeper")


def test_off_by_default(shell, make_sandbox):
    sb = make_sandbox(f"auto-off-{shell}")
    project = sb.root / "project"
    project.mkdir()
    sb.plain_env("env")
    assert sb.cli("project", "set", "env", str(project)).returncode == 0
    assert not (sb.workon_home / ".venvreg" / "projects").exists()
    run, calls = run_auto(
        sb, shell, f'cd {sb.q(shell, str(project))}\nshow VE "$VIRTUAL_ENV"\n', cwd=sb.root
    )
    assert run["VE"] == "", run.describe()
    assert calls == []
