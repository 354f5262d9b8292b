"""Shell functions that guide (issue: commands that guide): a typo of an env name gets the
names it was probably meant as, and `workon` in an empty WORKON_HOME says how to begin."""

from __future__ import annotations

import pytest
from shells import ALL_SHELLS


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_workon_in_an_empty_home_says_how_to_begin(shell, make_sandbox):
    sb = make_sandbox(f"empty-{shell}")
    run = sb.run(shell, "workon; rc workon")
    assert run.rc("workon") == 1, run.describe()
    assert run.text() == ""
    assert run.stderr.splitlines() == [
        f"venvreg: no environments in '{sb.workon_home}' yet: make one with `mkvirtualenv "
        "NAME` or `venvreg create NAME`, or find the ones already on this disk with "
        "`venvreg scan ~`"
    ]


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_workon_of_a_typo_names_the_env_it_was_meant_as(shell, make_sandbox):
    sb = make_sandbox(f"typo-{shell}")
    sb.plain_env("projectx")
    sb.plain_env("other")
    run = sb.run(shell, "workon projctx; rc typo; workon zzzzzz; rc unlike")
    assert run.rc("typo") == 1 and run.rc("unlike") == 1, run.describe()
    assert run.stderr.splitlines() == [
        "ERROR: Environment 'projctx' does not exist. Did you mean 'projectx'?",
        "ERROR: Environment 'zzzzzz' does not exist. Create it with 'mkvirtualenv zzzzzz'.",
    ]
