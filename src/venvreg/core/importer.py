"""`venvreg import`: recreating the environments a manifest lists (core/manifest.py).

Planned first (which envs are created, skipped or replaced, with which interpreter), then each
env is made by create(), all or nothing. An existing name is skipped unless replacing; replacing
moves the old env to the trash first and brings it back if the new one cannot be made.

A manifest is trusted only as far as it shows: every pip option, local path and URL its package
lines pass to pip is part of the plan, and an env whose lines change where packages come from
(another index, find-links, a trusted host, a nested requirements file) fails its step unless
the user allowed pip options.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..backends.discovery import resolve_interpreter
from ..errors import UsageError, VenvregError
from ..registry import envs
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context
from .create import CreateRequest, create
from .manifest import ManifestEnv
from .pip import requirements_file
from .pip_lines import PipInput, pip_inputs, source_changes
from .remove import plan_removal, remove
from .restore import restore

CREATE, SKIP, REPLACE, FAIL = "create", "skip", "replace", "fail"


@dataclass(frozen=True)
class ImportStep:
    """What will happen to one manifest env, with the interpreter chosen and notes for people."""

    env: ManifestEnv
    action: str
    interpreter: Path | None
    notes: tuple[str, ...]
    pip_inputs: tuple[PipInput, ...] = ()


@dataclass(frozen=True)
class Imported:
    """One env made; `replaced` is the trash entry of the env it replaced."""

    record: EnvRecord
    replaced: str | None


def _interpreter(spec: str, cache: dict[str, Path | str]) -> tuple[Path | None, str | None]:
    """The interpreter for a manifest's `python` (X.Y.Z falls back to any X.Y), or why not."""
    if spec not in cache:
        candidates = [spec]
        if spec.count(".") == 2:
            candidates.append(".".join(spec.split(".")[:2]))
        cache[spec] = f"no Python {spec} was found here (install it, or edit the manifest)"
        for candidate in candidates:
            try:
                cache[spec] = resolve_interpreter(candidate)
                break
            except UsageError:
                continue
    found = cache[spec]
    return (found, None) if isinstance(found, Path) else (None, found)


def plan_import(
    context: Context, wanted: list[ManifestEnv], replace: bool, allow_pip_options: bool = False
) -> list[ImportStep]:
    """Decide each env's fate; nothing is written."""
    steps: list[ImportStep] = []
    cache: dict[str, Path | str] = {}
    for env in wanted:
        given = tuple(item for line in env.packages for item in pip_inputs(line))
        existing = envs.get_by_name(context.conn, env.name)
        if existing is not None and not replace:
            note = f"an environment named {quoted(existing.name)} exists (--replace recreates it)"
            steps.append(ImportStep(env, SKIP, None, (note,), given))
            continue
        risky = source_changes(list(given))
        if risky and not allow_pip_options:
            note = (
                f"its packages pass {', '.join(risky)} to pip, which changes where packages "
                "come from (--allow-pip-options allows it)"
            )
            steps.append(ImportStep(env, FAIL, None, (note,), given))
            continue
        interpreter, problem = _interpreter(env.python, cache)
        if interpreter is None:
            steps.append(ImportStep(env, FAIL, None, (problem or "",), given))
            continue
        notes: list[str] = []
        if env.project and not os.path.isdir(env.project):
            notes.append(f"its project folder {quoted(env.project)} is not here: not linked")
        if existing is not None:
            try:
                plan_removal(context, existing.name)
            except VenvregError as error:
                failure = (f"cannot replace it: {error}",)
                steps.append(ImportStep(env, FAIL, interpreter, failure, given))
                continue
        action = REPLACE if existing is not None else CREATE
        steps.append(ImportStep(env, action, interpreter, tuple(notes), given))
    return steps


def run_step(context: Context, step: ImportStep, progress: Callable[[str], None]) -> Imported:
    """Create one planned env (replacing the existing one when planned so)."""
    env = step.env
    assert step.action in (CREATE, REPLACE) and step.interpreter is not None
    trash_id = None
    record: EnvRecord | None = None
    if step.action == REPLACE:
        trash_id = remove(context, plan_removal(context, env.name)).trash_id
    try:
        with requirements_file(env.packages) as listing:
            request = CreateRequest(
                name=env.name,
                python=str(step.interpreter),
                project=env.project if env.project and os.path.isdir(env.project) else None,
                requirements=[listing] if env.packages else [],
                backend=env.backend,
            )
            record = create(context, request, progress)  # all or nothing, packages included
    except BaseException:
        if trash_id is not None and record is None:  # the new env was not made: the old returns
            restore(context, trash_id, progress)
        raise
    return Imported(record, trash_id)
