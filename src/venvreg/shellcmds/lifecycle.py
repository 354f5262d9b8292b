"""mkvirtualenv, mktmpenv, mkproject, cpvirtualenv, rmvirtualenv and rmtmpenv (deactivate's): the
cold shell commands that create or remove, with virtualenvwrapper's flags, messages, hooks and
exit codes."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..core.context import Context
from ..core.create import CreateRequest, create
from ..core.session import open_context
from ..core.tempenvs import mark_temporary
from ..emit.activation import activate_call
from ..emit.code import ShellCode
from ..emit.quoting import paste_word
from ..errors import Interrupted, VenvregError
from ..registry.envs import EnvRecord
from ..settings.paths import env_bin_dir, is_within
from . import ShellRequest, WrapperError, WrapperUsage, typed_path
from .common import err, hook_dir, make_local_hooks, run_hook, sourced_hook
from .hot import activation_for

TMPENV_MARKER = "README.tmpenv"
TMPENV_MESSAGE = "This is a temporary environment. It will be deleted when you run 'deactivate'."


def _progress(line: str) -> None:
    err(f"  {line}")


@dataclass
class MkvirtualenvArgs:
    """mkvirtualenv's words, parsed the way virtualenvwrapper 6.1 parses them."""

    name: str | None = None
    project: str | None = None
    packages: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    python: str | None = None
    system_site_packages: bool = False
    prompt: str | None = None
    help: bool = False
    # what virtualenvwrapper hands to virtualenv: every word but -a, -i, -r, -p and their
    # values, in order, the name included (for VIRTUALENVWRAPPER_VIRTUALENV)
    words: list[str] = field(default_factory=list)
    # the virtualenv options among them that venvreg does not use itself, for the backend
    extra: list[str] = field(default_factory=list)


def parse_mkvirtualenv(args: list[str], shell: str = "", named: bool = True) -> MkvirtualenvArgs:
    """The name is the last word that is not an option, as virtualenvwrapper's is the last
    word; every option venvreg does not use itself is passed through to virtualenv. With
    `named` false (mktmpenv), no word is taken for the name. `shell`: pwsh gets `~` expanded
    in the paths of -a and -r (typed_path)."""
    parsed = MkvirtualenvArgs()
    words = iter(args)
    for word in words:
        if word == "-a":
            parsed.project = typed_path(shell, _value(words, word))
        elif word == "-i":
            parsed.packages.append(_value(words, word))
        elif word == "-r":
            parsed.requirements.append(typed_path(shell, _value(words, word)))
        elif word in ("-p", "--python"):
            parsed.python = _value(words, word)
        elif word.startswith("--python="):
            parsed.python = word.split("=", 1)[1]
        elif word == "--prompt":
            parsed.prompt = _value(words, word)
            parsed.words += [word, parsed.prompt]
        elif word.startswith("--prompt="):
            parsed.prompt = word.split("=", 1)[1]
            parsed.words.append(word)
        elif word == "--system-site-packages":
            parsed.system_site_packages = True
            parsed.words.append(word)
        elif word in ("-h", "--help"):
            parsed.help = True
        elif word == "--clear":
            raise WrapperUsage(
                "mkvirtualenv: --clear is refused: venvreg never clears an existing env (to "
                "start again: rmvirtualenv NAME, which keeps it in the trash, then mkvirtualenv)"
            )
        else:
            parsed.words.append(word)
            parsed.extra.append(word)
    if named:
        for index in range(len(parsed.extra) - 1, -1, -1):
            if not parsed.extra[index].startswith("-"):
                parsed.name = parsed.extra.pop(index)
                break
    return parsed


def _value(words: object, option: str) -> str:
    try:
        return next(words)  # type: ignore[call-overload,no-any-return]
    except StopIteration:
        raise WrapperUsage(f"mkvirtualenv: {option} needs a value") from None


MKVIRTUALENV_USAGE = [
    "Usage: mkvirtualenv [-a project_path] [-i package] [-r requirements_file] "
    "[-p python_interpreter] [virtualenv options] env_name",
    "",
    " -a project_path",
    "",
    "    Provide a full path to a project directory to associate with",
    "    the new environment.",
    "",
    " -i package",
    "",
    "    Install a package after the environment is created.",
    "    This option may be repeated.",
    "",
    " -r requirements_file",
    "",
    "    Provide a pip requirements file to install a base set of packages",
    "    into the new environment.",
    "",
    " -p python_interpreter",
    "",
    "    The Python interpreter to use: a path, or a version such as 3.12.",
    "",
    "Other options are passed to virtualenv (see `virtualenv --help`). The venv backend",
    "takes only --without-pip (or --no-pip, --no-seed), --system-site-packages, --symlinks",
    "and --copies (or --always-copy); the uv backend the same but --copies.",
]


def _create_request(parsed: MkvirtualenvArgs, project: str | None) -> CreateRequest:
    """VIRTUALENVWRAPPER_VIRTUALENV, when set, is run as virtualenvwrapper runs it (`PROGRAM
    ARGS... --python=X WORDS... NAME`); else VIRTUALENVWRAPPER_VIRTUALENV_ARGS and the
    passed-through options go to venvreg's backend."""
    assert parsed.name is not None
    args = os.environ.get("VIRTUALENVWRAPPER_VIRTUALENV_ARGS", "").split()
    program_name = os.environ.get("VIRTUALENVWRAPPER_VIRTUALENV", "")
    program = None
    if program_name:
        python = [f"--python={parsed.python}"] if parsed.python else []
        program = [program_name, *args, *python, *parsed.words]
    return CreateRequest(
        name=parsed.name,
        python=parsed.python,
        project=project,
        requirements=[os.path.abspath(path) for path in parsed.requirements],
        packages=parsed.packages,
        system_site_packages=parsed.system_site_packages,
        prompt=parsed.prompt,
        backend_args=[] if program else [*args, *parsed.extra],
        program=program,
    )


def _source_hook(code: ShellCode, hooks: Path, hook: str, internal: str) -> None:
    """Have the shell source `hook` (its variant for this shell) from the global hook folder,
    with virtualenvwrapper's internal hook name as $1."""
    code.call("__venvreg_source_hook", sourced_hook(hooks, hook, code.shell), internal)


def _make_env(
    context: Context, parsed: MkvirtualenvArgs, code: ShellCode, cd_mode: str = "auto"
) -> EnvRecord:
    """Create (with the project linked), run premkvirtualenv, activate: mkvirtualenv's sequence."""
    assert parsed.name is not None
    project = None
    if parsed.project is not None:
        if not os.path.isdir(parsed.project):
            raise WrapperError(
                f"Cannot associate project with {parsed.project}, it is not a directory"
            )
        project = os.path.abspath(parsed.project)

    def before_install(folder: Path) -> None:
        # As virtualenvwrapper: the env's own hook files and premkvirtualenv once the env
        # exists, before -r and -i install anything into it.
        make_local_hooks(Path(env_bin_dir(str(folder))), code.shell)
        run_hook(hook_dir(context.home) / "premkvirtualenv", context.home.root, folder.name)

    try:
        record = create(context, _create_request(parsed, project), _progress, before_install)
    except (KeyboardInterrupt, Interrupted):
        err(_left_after_interrupt(context, parsed.name))
        raise
    if project is not None:
        code.print(f"Setting project for {record.name} to {project}")
    activate_call(code, activation_for(str(context.home.root), record.name, record.path, cd_mode))
    return record


def _left_after_interrupt(context: Context, name: str) -> str:
    """What an interrupted creation left, said plainly (create() has cleaned up by now)."""
    from ..registry import envs

    path = context.home.env_path(name)
    try:
        record = envs.get_by_name(context.conn, name)
    except VenvregError:
        record = None
    if record is None and not os.path.lexists(path):
        return f"Interrupted: {name} was not created; nothing was left behind."
    if record is not None and record.status == "ready":
        return f"Interrupted: {name} was created but not activated (workon {name})."
    return f"Interrupted: {path} was left half made; `venvreg doctor` shows it."


def mkvirtualenv(request: ShellRequest) -> str:
    parsed = parse_mkvirtualenv(request.args, request.shell)
    code = ShellCode(request.shell)
    if parsed.help:
        return code.print(*MKVIRTUALENV_USAGE).text()
    if parsed.name is None:
        raise WrapperUsage("mkvirtualenv: no environment name given\n" + MKVIRTUALENV_USAGE[0])
    context = open_context()
    try:
        _make_env(context, parsed, code)
    finally:
        context.close()
    hooks = hook_dir(context.home)
    _source_hook(code, hooks, "postmkvirtualenv", "post_mkvirtualenv")
    return code.text()


def mktmpenv(request: ShellRequest) -> str:
    """mktmpenv [-c|-n] [options]: a tmp-<hex> env, deleted when it is deactivated."""
    cd = os.environ.get("VIRTUALENVWRAPPER_WORKON_CD", "1") == "1"
    rest: list[str] = []
    for word in request.args:
        if word in ("-c", "--cd"):
            cd = True
        elif word in ("-n", "--no-cd"):
            cd = False
        else:
            rest.append(word)
    parsed = parse_mkvirtualenv(rest, request.shell, named=False)
    if parsed.extra and not parsed.extra[-1].startswith("-"):
        before = parsed.extra[-2] if len(parsed.extra) > 1 else ""
        if not before.startswith("-") or "=" in before:  # not an option's value: a name
            raise WrapperUsage("mktmpenv: it chooses the name itself; give options only")
    parsed.name = "tmp-" + secrets.token_hex(8)[:15]
    parsed.words.append(parsed.name)
    code = ShellCode(request.shell)
    context = open_context()
    try:
        record = _make_env(context, parsed, code)
        mark_temporary(context, record)  # the marker file alone never deletes anything
        (Path(record.path) / TMPENV_MARKER).write_text(TMPENV_MESSAGE + "\n", encoding="utf-8")
    finally:
        context.close()
    if cd:
        code.cd(record.path)
    hooks = hook_dir(context.home)
    _source_hook(code, hooks, "postmkvirtualenv", "post_mkvirtualenv")
    return code.print(TMPENV_MESSAGE).text()


def rmtmpenv(request: ShellRequest) -> str:
    """Called by deactivate for an env holding README.tmpenv: delete it for good, only when
    mktmpenv made it (core/tempenvs.py); an adopted or found env holding the marker stays."""
    from ..core.remove import plan_removal, remove
    from ..core.tempenvs import is_temporary
    from ..registry import envs

    code = ShellCode(request.shell)
    if len(request.args) != 1:
        raise WrapperError("rmtmpenv: expected the path of the temporary environment")
    path = request.args[0]
    leave_env = is_within(os.path.realpath(os.getcwd()), os.path.realpath(path), or_same=True)
    context = open_context()
    try:
        record = envs.get_by_path(context.conn, path)
        if record is None or not is_temporary(context, record):
            raise WrapperError(
                f"venvreg: {path} holds {TMPENV_MARKER}, but venvreg did not make it with "
                "mktmpenv; it is not a temporary environment and was left alone"
            )
        err(f"Removing temporary environment: {record.name}")
        hooks = hook_dir(context.home)
        run_hook(hooks / "prermvirtualenv", context.home.root, record.name)
        remove(context, plan_removal(context, record.name), purge=True)
        run_hook(hooks / "postrmvirtualenv", context.home.root, record.name)
    finally:
        context.close()
    if leave_env:
        code.cd(str(context.home.root))
    return code.text()


def rmvirtualenv(request: ShellRequest) -> str:
    """rmvirtualenv NAME...: each into the trash (restorable), with the prerm/postrm hooks."""
    from ..core.lookup import find_record
    from ..core.remove import plan_removal, remove
    from ..core.safety import is_active

    if not request.args:
        raise WrapperUsage("Please specify an environment.")
    code = ShellCode(request.shell)
    context = open_context()
    cwd = os.path.realpath(os.getcwd())
    left_behind = False  # the shell's folder was inside an env now gone: it moves to WORKON_HOME
    try:
        hooks = hook_dir(context.home)
        for name in request.args:
            record = find_record(context, name) if name else None  # a bad name: nothing said
            err(f"Removing {name}...")  # before the work, as virtualenvwrapper prints it
            if record is not None and is_active(record.path):
                err(f"ERROR: You cannot remove the active environment ('{name}').")
                err("Either switch to another environment, or run 'deactivate'.")
                return _leave(code, left_behind, context).status(1).text()
            if record is None:
                err(f"Did not find environment {context.home.env_path(name)} to remove.")
                continue
            run_hook(hooks / "prermvirtualenv", context.home.root, record.name)
            inside = is_within(cwd, os.path.realpath(record.path), or_same=True)
            try:
                result = remove(context, plan_removal(context, record.name))
            except VenvregError as error:
                err(f"venvreg: {error}")
                return _leave(code, left_behind, context).status(1).text()
            left_behind = left_behind or inside
            run_hook(hooks / "postrmvirtualenv", context.home.root, record.name)
            if result.trash_id:
                again = paste_word(request.shell, record.name)
                err(f"venvreg: {record.name} is in the trash; `venvreg restore {again}` "
                    "brings it back")  # fmt: skip
    finally:
        context.close()
    return _leave(code, left_behind, context).text()


def _leave(code: ShellCode, left_behind: bool, context: Context) -> ShellCode:
    """virtualenvwrapper's rmvirtualenv moves to WORKON_HOME when the folder it was in is gone."""
    return code.cd(str(context.home.root)) if left_behind else code


def cpvirtualenv(request: ShellRequest) -> str:
    """cpvirtualenv SRC [DST]: a new env with SRC's Python, packages, project and hooks. SRC is
    a registered name or, as in virtualenvwrapper, the path of an env anywhere."""
    from ..core.copy import copy_env, copy_folder
    from ..registry import envs

    if not request.args or not request.args[0]:
        raise WrapperUsage("Please provide a valid virtualenv to copy.")
    source = request.args[0]
    context = open_context()
    try:
        registered = envs.get_by_name(context.conn, source)
        folder = None
        if registered is None:
            folder = os.path.abspath(os.path.expanduser(source))
            if not os.path.isdir(folder):
                raise WrapperError("Please provide a valid virtualenv to copy.")
        source_name = os.path.basename(folder) if folder else source
        target = request.args[1] if len(request.args) > 1 else source_name
        if envs.get_by_name(context.conn, target) is not None:
            raise WrapperError(f"{target} virtualenv already exists.")
        code = ShellCode(request.shell)
        hooks = hook_dir(context.home)
        err(f"Copying {source_name} as {target}...")
        if folder is None:
            record = copy_env(context, source, target, _progress)
        else:
            record = copy_folder(context, folder, target, _progress)
        source_path = registered.path if registered is not None else folder
        run_hook(hooks / "precpvirtualenv", context.home.root, str(source_path), record.name)
        run_hook(hooks / "premkvirtualenv", context.home.root, record.name)
        activate_call(
            code, activation_for(str(context.home.root), record.name, record.path, "auto")
        )
    finally:
        context.close()
    for hook, internal in (("postmkvirtualenv", "post_mkvirtualenv"),
                           ("postcpvirtualenv", "post_cpvirtualenv")):  # fmt: skip
        _source_hook(code, hooks, hook, internal)
    return code.text()


def mkproject(request: ShellRequest) -> str:
    """mkproject [-f] NAME: $PROJECT_HOME/NAME and an env of the same name, linked, entered."""
    force = False
    rest: list[str] = []
    words = iter(request.args)
    for word in words:
        if word in ("-f", "--force"):
            force = True
        elif word in ("-t", "--template") or word.startswith("--template="):
            raise WrapperUsage("mkproject: venvreg does not support project templates (-t)")
        else:
            rest.append(word)
    parsed = parse_mkvirtualenv(rest, request.shell)
    code = ShellCode(request.shell)
    if parsed.help:
        return code.print("Usage: mkproject [-f|--force] [virtualenv options] project_name").text()
    project_home = os.environ.get("PROJECT_HOME", "")
    if not project_home:
        raise WrapperError(
            "ERROR: Set the PROJECT_HOME shell variable to the name of the directory where "
            "projects should be created."
        )
    if not os.path.isdir(project_home):
        raise WrapperError(
            f"ERROR: Project directory '{project_home}' does not exist.  Create it or set "
            "PROJECT_HOME to an existing directory."
        )
    if parsed.name is None:
        raise WrapperUsage("mkproject: no project name given")
    project = os.path.join(os.path.abspath(project_home), parsed.name)
    if os.path.isdir(project) and not force:
        raise WrapperError(f"Project {parsed.name} already exists.")
    if os.path.lexists(project) and not os.path.isdir(project):
        raise WrapperError(f"mkproject: {project} exists and is not a directory; nothing made")
    context = open_context()
    try:
        hooks = hook_dir(context.home)
        record = create(context, _create_request(parsed, None), _progress)
        make_local_hooks(Path(env_bin_dir(record.path)), code.shell)
        run_hook(hooks / "premkvirtualenv", context.home.root, record.name)
        code.print(f"Creating {project}")
        os.makedirs(project, exist_ok=True)
        from ..core.project import set_project

        set_project(context, record.name, project)
        record.project_path = project
        code.print(f"Setting project for {record.name} to {project}")
        activate_call(
            code, activation_for(str(context.home.root), record.name, record.path, "always")
        )
    finally:
        context.close()
    _source_hook(code, hooks, "postmkvirtualenv", "post_mkvirtualenv")
    # virtualenvwrapper runs premkproject once mkvirtualenv is done, postmkvirtualenv included
    premkproject = str(hooks / "premkproject")
    code.call("__venvreg_run_hook", premkproject, str(context.home.root), record.name)
    _source_hook(code, hooks, "postmkproject", "project.post_mkproject")
    return code.text()


HANDLERS = {
    "mkvirtualenv": mkvirtualenv,
    "mktmpenv": mktmpenv,
    "rmtmpenv": rmtmpenv,
    "rmvirtualenv": rmvirtualenv,
    "cpvirtualenv": cpvirtualenv,
    "mkproject": mkproject,
}
