"""virtualenvwrapper's documented behaviour around rmvirtualenv, WORKON_HOME, the hook files and
the order of messages, in real bash, zsh and fish (issue 9's shell-side points)."""

from __future__ import annotations

import pytest
from shells import ALL_SHELLS

pytestmark = pytest.mark.parametrize("shell", ALL_SHELLS)


@pytest.fixture(scope="module")
def sb(make_sandbox):
    return make_sandbox("vew-compat")


def test_rmvirtualenv_from_inside_the_env_moves_to_workon_home(shell, sb):
    """virtualenvwrapper: rmvirtualenv changes to $WORKON_HOME first; when the folder the shell
    was in is gone afterwards, the shell stays there."""
    name, other = f"rm-inside-{shell}", f"rm-outside-{shell}"
    env = sb.plain_env(name)
    sb.plain_env(other)
    (env / "lib" / "deep").mkdir(parents=True, exist_ok=True)
    q = sb.q
    run = sb.run(
        shell,
        f"builtin cd {q(shell, str(env / 'lib' / 'deep'))}\n"
        f"rmvirtualenv {q(shell, name)}; rc rm\n"
        "show PWD $PWD\n"
        f"builtin cd {q(shell, str(sb.home))}\n"
        f"rmvirtualenv {q(shell, other)}; rc rm_other\n"
        "show PWD2 $PWD\n",
    )
    assert run.rc("rm") == 0 and run.rc("rm_other") == 0, run.describe()
    assert run["PWD"] == str(sb.workon_home)
    assert not env.exists()
    assert run["PWD2"] == str(sb.home)  # a shell outside the env stays where it was
