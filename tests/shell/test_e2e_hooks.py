"""virtualenvwrapper's hooks in real shells: which file runs when, in which order, with which
arguments, and whether it is run (a subprocess) or sourced (in the user's shell).

Every hook appends one line to a log. Sourced hooks also set a shell variable the script prints
afterwards: only a hook sourced by the shell itself can do that; run hooks set one too, which
must NOT reach the shell. fish sources the `.fish` variants; the other variant of every sourced
hook is written as well and logs WRONG-VARIANT if it is ever read."""

from __future__ import annotations

from pathlib import Path

import pytest
from shells import ALL_SHELLS

pytestmark = pytest.mark.parametrize("shell", ALL_SHELLS)

RUN = ("preactivate", "premkvirtualenv", "prermvirtualenv", "postrmvirtualenv", "get_env_details")
SOURCED = ("postactivate", "predeactivate", "postdeactivate", "postmkvirtualenv")
# Hooks the scenario below reaches: sourced ones must have set their variable in the shell.
SOURCED_TAGS = (
    "P:postactivate", "G:postactivate", "A:postactivate", "P:predeactivate", "A:predeactivate",
    "G:predeactivate", "A:postdeactivate", "G:postdeactivate", "B:postactivate",
    "G:postmkvirtualenv",
)  # fmt: skip
RUN_TAGS = (
    "G:preactivate", "A:preactivate", "G:premkvirtualenv", "G:get_env_details",
    "G:prermvirtualenv",
)  # fmt: skip


def ident(tag: str) -> str:
    return tag.replace(":", "_").replace("-", "_")


class Hooks:
    """Writes hook files that log to one file."""

    def __init__(self, sb, shell: str, log: Path) -> None:
        self.sb, self.shell, self.log = sb, shell, log
        self.cwd_log = log.with_name(log.name + ".cwd")

    def run_hook(self, path: Path, tag: str) -> None:
        sh = lambda value: self.sb.q("bash", value)  # noqa: E731
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "#!/bin/sh\n"
            f"printf '%s\\n' \"{tag} $*\" >> {sh(str(self.log))}\n"
            f"pwd >> {sh(str(self.cwd_log))}\n"
            f"HOOKED_{ident(tag)}=run\n",
            encoding="utf-8",
        )
        path.chmod(0o755)

    def sourced(self, path: Path, tag: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fish_path = path.with_name(path.name + ".fish")
        right, wrong = (fish_path, path) if self.shell == "fish" else (path, fish_path)
        right.write_text(self._sourced_text(self.shell, tag), encoding="utf-8")
        other = "bash" if self.shell == "fish" else "fish"
        wrong.write_text(self._sourced_text(other, "WRONG-VARIANT"), encoding="utf-8")

    def _sourced_text(self, shell: str, tag: str) -> str:
        log = self.sb.q(shell, str(self.log))
        if shell == "fish":
            return (
                f"builtin printf '%s\\n' \"{tag} $argv last=$VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV"
                f' pwd=$PWD" >> {log}\nset -g HOOKED_{ident(tag)} sourced\n'
            )
        return (
            f"\\builtin printf '%s\\n' \"{tag} $* last=${{VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV-}}"
            f' pwd=$PWD" >> {log}\nHOOKED_{ident(tag)}=sourced\n'
        )

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []

    def cwds(self) -> list[str]:
        if not self.cwd_log.exists():
            return []
        return self.cwd_log.read_text(encoding="utf-8").splitlines()


def mark(sb, shell: str, log: Path, text: str) -> str:
    """A line of script writing `== text` into the log, to cut the sequence into steps."""
    return f"builtin printf '%s\\n' {sb.q(shell, '== ' + text)} >> {sb.q(shell, str(log))}\n"


@pytest.fixture(scope="module")
def sb(make_sandbox):
    return make_sandbox("hooks")


def steps(lines: list[str]) -> dict[str, list[str]]:
    """The log cut at the `== step` lines; the pwd/last details dropped where not asked for."""
    out: dict[str, list[str]] = {}
    current = ""
    for line in lines:
        if line.startswith("== "):
            current = line[3:]
            out[current] = []
        else:
            out.setdefault(current, []).append(line)
    return out


def short(line: str) -> str:
    return line.split(" last=")[0]


def test_hook_order_for_mkvirtualenv_workon_switch_deactivate_rmvirtualenv(shell, sb):
    root = sb.root / shell
    log = root / "hooks.log"
    hooks = Hooks(sb, shell, log)
    global_dir = root / "global hooks"
    a, b = sb.plain_env(f"hook-a-{shell}"), sb.plain_env(f"hook-b-{shell}")
    new = f"hook-new-{shell}"
    project = root / "project a"
    project.mkdir(parents=True)
    assert sb.cli("project", "set", a.name, str(project)).returncode == 0
    for hook in RUN:
        hooks.run_hook(global_dir / hook, f"G:{hook}")
    for hook in SOURCED:
        hooks.sourced(global_dir / hook, f"G:{hook}")
    for env, label in ((a, "A"), (b, "B")):
        hooks.run_hook(env / "bin" / "preactivate", f"{label}:preactivate")
        hooks.run_hook(env / "bin" / "get_env_details", f"{label}:get_env_details")
        for hook in ("postactivate", "predeactivate", "postdeactivate"):
            hooks.sourced(env / "bin" / hook, f"{label}:{hook}")
    for hook in ("postactivate", "predeactivate"):
        hooks.sourced(project / ".virtualenvwrapper" / hook, f"P:{hook}")
    q = sb.q
    set_hook_dir = (
        f"set -g VIRTUALENVWRAPPER_HOOK_DIR {q(shell, str(global_dir))}\n"
        if shell == "fish"
        else f"VIRTUALENVWRAPPER_HOOK_DIR={q(shell, str(global_dir))}\n"
    )  # a shell variable, not exported: as in many rc files
    m = lambda text: mark(sb, shell, log, text)  # noqa: E731
    script = (
        set_hook_dir
        + m("mkvirtualenv")
        + f"mkvirtualenv {q(shell, new)}; rc mk\n"
        + m("deactivate new")
        + "deactivate\n"
        + m("workon a")
        + f"workon {q(shell, a.name)}; rc workon\n"
        + "showvar HOOKED_P_postactivate; showvar HOOKED_G_postactivate; "
        + "showvar HOOKED_A_postactivate\n"
        + m("switch to b")
        + f"workon {q(shell, b.name)}; rc switch\n"
        + m("deactivate b")
        + "deactivate; rc deactivate\n"
        + m("showvirtualenv a")
        + f"showvirtualenv {q(shell, a.name)} >/dev/null; rc show\n"
        + m("rmvirtualenv new")
        + f"rmvirtualenv {q(shell, new)}; rc rm\n"
        + "".join(f"showvar HOOKED_{ident(tag)}\n" for tag in SOURCED_TAGS + RUN_TAGS)
    )
    run = sb.run(shell, script, cwd=root)
    for label in ("mk", "workon", "switch", "deactivate", "show", "rm"):
        assert run.rc(label) == 0, (label, run.describe())
    got = steps(hooks.lines())
    assert not [line for line in hooks.lines() if "WRONG-VARIANT" in line], hooks.lines()
    short_steps = {step: [short(line) for line in lines] for step, lines in got.items()}
    assert short_steps["mkvirtualenv"] == [
        f"G:premkvirtualenv {new}",
        f"G:preactivate {new}",
        "G:postactivate post_activate",
        "G:postmkvirtualenv post_mkvirtualenv",
    ]
    assert short_steps["deactivate new"] == [
        "G:predeactivate pre_deactivate",
        f"G:postdeactivate post_deactivate {new}",
    ]
    assert short_steps["workon a"] == [
        f"G:preactivate {a.name}",
        f"A:preactivate {a.name}",
        "P:postactivate post_activate",
        "G:postactivate post_activate",
        "A:postactivate post_activate",
    ]
    # the project's postactivate runs after the cd into the project
    assert got["workon a"][2].endswith(f"pwd={project}")
    assert short_steps["switch to b"] == [
        "P:predeactivate pre_deactivate",
        "A:predeactivate pre_deactivate",
        "G:predeactivate pre_deactivate",
        f"A:postdeactivate post_deactivate {a.name}",
        f"G:postdeactivate post_deactivate {a.name}",
        f"G:preactivate {b.name}",
        f"B:preactivate {b.name}",
        "G:postactivate post_activate",
        "B:postactivate post_activate",
    ]
    # during postdeactivate, VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV names the env just left
    assert f"last={a} " in got["switch to b"][3] + " "
    assert f"last={a} " in got["switch to b"][4] + " "
    assert short_steps["deactivate b"] == [
        "B:predeactivate pre_deactivate",
        "G:predeactivate pre_deactivate",
        f"B:postdeactivate post_deactivate {b.name}",
        f"G:postdeactivate post_deactivate {b.name}",
    ]
    assert short_steps["showvirtualenv a"] == [
        f"G:get_env_details {a.name}",
        f"A:get_env_details {a.name}",
    ]
    assert short_steps["rmvirtualenv new"] == [
        f"G:prermvirtualenv {new}",
        f"G:postrmvirtualenv {new}",
    ]
    # run hooks run in WORKON_HOME
    assert set(hooks.cwds()) == {str(sb.workon_home)}
    # sourced hooks ran in this shell; run hooks did not
    for tag in SOURCED_TAGS:
        assert run[f"HOOKED_{ident(tag)}"] == "sourced", tag
    for tag in RUN_TAGS:
        assert run[f"HOOKED_{ident(tag)}"] == "<unset>", tag
    assert "VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV" not in run.values  # not printed, never leaked


def test_global_hooks_default_to_workon_home(shell, make_sandbox):
    sb = make_sandbox(f"default-hooks-{shell}")
    log = sb.root / "hooks.log"
    hooks = Hooks(sb, shell, log)
    env = sb.plain_env("plain")
    hooks.run_hook(sb.workon_home / "preactivate", "G:preactivate")
    hooks.sourced(sb.workon_home / "postactivate", "G:postactivate")
    hooks.sourced(sb.workon_home / "predeactivate", "G:predeactivate")
    hooks.sourced(sb.workon_home / "postdeactivate", "G:postdeactivate")
    hooks.run_hook(env / "bin" / "preactivate", "L:preactivate")
    (env / "bin" / "preactivate").chmod(0o644)  # not executable: skipped with a message
    run = sb.run(shell, "workon plain; rc workon; deactivate; rc deactivate\n")
    assert run.rc("workon") == 0 and run.rc("deactivate") == 0, run.describe()
    assert [short(line) for line in hooks.lines()] == [
        "G:preactivate plain",
        "G:postactivate post_activate",
        "G:predeactivate pre_deactivate",
        "G:postdeactivate post_deactivate plain",
    ]
    assert f"hook {env / 'bin' / 'preactivate'} is not executable" in run.stderr


# virtualenvwrapper 6.1's stock global hook files: name -> sourced (then not executable)
STOCK_GLOBAL = {
    "initialize": True, "premkvirtualenv": False, "postmkvirtualenv": True,
    "prermvirtualenv": False, "postrmvirtualenv": False, "predeactivate": True,
    "postdeactivate": True, "preactivate": False, "postactivate": True,
    "get_env_details": False, "premkproject": False, "postmkproject": True,
}  # fmt: skip
STOCK_LOCAL = {
    "predeactivate": True, "postdeactivate": True, "preactivate": False, "postactivate": True,
    "get_env_details": False,
}  # fmt: skip
# virtualenvwrapper writes postmkproject executable although it is sourced
EXECUTABLE_SOURCED = {"postmkproject"}


def stock_name(shell: str, name: str, sourced: bool) -> str:
    return name + ".fish" if sourced and shell == "fish" else name


def test_sourcing_makes_the_hook_folder_and_the_stock_hook_files(shell, make_sandbox):
    """virtualenvwrapper's initialize: VIRTUALENVWRAPPER_HOOK_DIR is created with each stock
    hook file, sourced ones not executable, run ones executable; a user's file is kept."""
    sb = make_sandbox(f"stock-{shell}")
    hook_dir = sb.root / "hook dir" / "nested"
    (hook_dir).mkdir(parents=True)
    mine = hook_dir / stock_name(shell, "postactivate", True)
    mine.write_text("# mine\n", encoding="utf-8")
    run = sb.run(shell, "rc sourced\n", env={"VIRTUALENVWRAPPER_HOOK_DIR": str(hook_dir)})
    assert run.rc("sourced") == 0 and run.stderr == "", run.describe()
    assert mine.read_text(encoding="utf-8") == "# mine\n"
    for name, sourced in STOCK_GLOBAL.items():
        path = hook_dir / stock_name(shell, name, sourced)
        assert path.is_file(), path
        executable = not sourced or name in EXECUTABLE_SOURCED
        if path != mine:
            assert (path.stat().st_mode & 0o777) == (0o755 if executable else 0o644), path
            text = path.read_text(encoding="utf-8")
            assert text.startswith("#!") and text.endswith("\n\n"), text
            assert text.splitlines()[1].startswith("# This hook is "), text
    header = (hook_dir / "premkvirtualenv").read_text(encoding="utf-8").splitlines()
    assert header[1:] == [
        "# This hook is run after a new virtualenv is created and before it is activated.",
        "# argument: name of new environment",
        "",
    ]
    assert not any(sb.workon_home.iterdir())  # the hook folder was elsewhere


def test_sourcing_again_writes_nothing_and_runs_no_python(shell, make_sandbox):
    sb = make_sandbox(f"stock-again-{shell}")
    first = sb.run(shell, "rc first\n")
    assert first.rc("first") == 0, first.describe()
    before = {p.name: p.stat().st_mtime_ns for p in sb.workon_home.iterdir()}
    assert len(before) == len(STOCK_GLOBAL)
    script, log = sb.recorder("venvreg")
    log.unlink(missing_ok=True)
    again = sb.run(shell, "rc again\n", env={"PATH": f"{script.parent}:{sb.path}"})
    assert again.rc("again") == 0, again.describe()
    assert {p.name: p.stat().st_mtime_ns for p in sb.workon_home.iterdir()} == before
    assert sb.calls(log) == []


def test_initialize_is_sourced_when_the_file_is_sourced(shell, make_sandbox):
    sb = make_sandbox(f"initialize-{shell}")
    log = sb.root / "hooks.log"
    Hooks(sb, shell, log).sourced(sb.workon_home / "initialize", "G:initialize")
    run = sb.run(shell, "showvar HOOKED_G_initialize\n")
    assert run["HOOKED_G_initialize"] == "sourced", run.describe()
    assert [short(line) for line in Hooks(sb, shell, log).lines()] == ["G:initialize initialize"]


def test_mkvirtualenv_makes_the_envs_stock_hook_files(shell, sb):
    name = f"stock-local-{shell}"
    run = sb.run(shell, f"mkvirtualenv {sb.q(shell, name)} >/dev/null 2>&1; rc mk; deactivate\n")
    assert run.rc("mk") == 0, run.describe()
    bin_dir = sb.workon_home / name / "bin"
    for hook, sourced in STOCK_LOCAL.items():
        path = bin_dir / stock_name(shell, hook, sourced)
        assert path.is_file(), path
        assert (path.stat().st_mode & 0o777) == (0o644 if sourced else 0o755), path
        assert path.read_text(encoding="utf-8").splitlines()[1].startswith("# This hook is ")


def test_cpvirtualenv_hooks_and_their_arguments(shell, sb):
    """precpvirtualenv (run: the source env's path, the new name), then premkvirtualenv (run:
    the new name), activation, then postmkvirtualenv and postcpvirtualenv (sourced)."""
    root = sb.root / f"cp-{shell}"
    log = root / "hooks.log"
    hooks = Hooks(sb, shell, log)
    global_dir = root / "hooks"
    for hook in ("precpvirtualenv", "premkvirtualenv", "preactivate"):
        hooks.run_hook(global_dir / hook, f"G:{hook}")
    for hook in ("postmkvirtualenv", "postcpvirtualenv", "postactivate"):
        hooks.sourced(global_dir / hook, f"G:{hook}")
    source = sb.plain_env(f"cp-src-{shell}")
    assert sb.cli("list").returncode == 0  # registers the folder, as lsvirtualenv's user expects
    target = f"cp-dst-{shell}"
    run = sb.run(
        shell,
        f"cpvirtualenv {sb.q(shell, source.name)} {sb.q(shell, target)}; rc cp\n"
        "showvar HOOKED_G_postcpvirtualenv\n",
        env={"VIRTUALENVWRAPPER_HOOK_DIR": str(global_dir)},
    )
    assert run.rc("cp") == 0, run.describe()
    assert [short(line) for line in hooks.lines()] == [
        f"G:precpvirtualenv {source} {target}",
        f"G:premkvirtualenv {target}",
        f"G:preactivate {target}",
        "G:postactivate post_activate",
        "G:postmkvirtualenv post_mkvirtualenv",
        "G:postcpvirtualenv post_cpvirtualenv",
    ]
    assert run["HOOKED_G_postcpvirtualenv"] == "sourced"


def test_mkproject_hooks_and_their_arguments(shell, sb):
    """virtualenvwrapper's mkproject is mkvirtualenv (its hooks included), then premkproject
    (run: the name), then postmkproject (sourced, in the project folder)."""
    root = sb.root / f"mkproject-{shell}"
    log = root / "hooks.log"
    hooks = Hooks(sb, shell, log)
    global_dir = root / "hooks"
    for hook in ("premkproject", "premkvirtualenv", "preactivate"):
        hooks.run_hook(global_dir / hook, f"G:{hook}")
    for hook in ("postmkproject", "postmkvirtualenv", "postactivate"):
        hooks.sourced(global_dir / hook, f"G:{hook}")
    projects = root / "projects"
    projects.mkdir(parents=True)
    name = f"proj-{shell}"
    run = sb.run(
        shell,
        f"mkproject {sb.q(shell, name)}; rc mkproject\nshowvar HOOKED_G_postmkproject\n",
        env={"VIRTUALENVWRAPPER_HOOK_DIR": str(global_dir), "PROJECT_HOME": str(projects)},
    )
    assert run.rc("mkproject") == 0, run.describe()
    lines = hooks.lines()
    assert [short(line) for line in lines] == [
        f"G:premkvirtualenv {name}",
        f"G:preactivate {name}",
        "G:postactivate post_activate",
        "G:postmkvirtualenv post_mkvirtualenv",
        f"G:premkproject {name}",
        "G:postmkproject project.post_mkproject",
    ]
    assert lines[-1].endswith(f"pwd={projects / name}")
    assert run["HOOKED_G_postmkproject"] == "sourced"


def test_premkvirtualenv_runs_before_the_packages_are_installed(shell, sb, wheel):
    """virtualenvwrapper runs premkvirtualenv once virtualenv has made the env, then installs
    -r and -i into it: the hook sees the env and its own hook files, not the package yet."""
    root = sb.root / f"pre-install-{shell}"
    root.mkdir()
    seen = root / "seen.log"
    hook_dir = root / "hooks"
    hook_dir.mkdir()
    hook = hook_dir / "premkvirtualenv"
    q = lambda value: sb.q("bash", value)  # noqa: E731
    hook.write_text(
        "#!/bin/sh\n"
        f'env="$WORKON_HOME/$1"\n'
        f'ls "$env"/lib/python*/site-packages >> {q(str(seen))}\n'
        f'[ -e "$env/bin/postactivate" ] || [ -e "$env/bin/postactivate.fish" ] '
        f"&& echo LOCAL-HOOKS >> {q(str(seen))}\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)
    name = f"pre-install-{shell}"
    importable = 'importlib.util.find_spec("venvreg_e2e_pkg") is not None'
    run = sb.run(
        shell,
        f"mkvirtualenv -i {sb.q(shell, str(wheel))} {sb.q(shell, name)}; rc mk\n"
        + sb.py_show("AFTER", importable),
        env={"VIRTUALENVWRAPPER_HOOK_DIR": str(hook_dir)},
    )
    assert run.rc("mk") == 0, run.describe()
    listing = seen.read_text(encoding="utf-8").split()
    assert "pip" in listing  # the env existed, with its seed packages
    assert not [entry for entry in listing if entry.startswith("venvreg_e2e_pkg")], listing
    assert "LOCAL-HOOKS" in listing
    assert run["AFTER"] == "True"  # and -i installed it afterwards
