"""`venvreg scan --adopt`: the pick list, the question, and the adoptions. Loaded only with
--adopt."""

from __future__ import annotations

import sys

from ..errors import EXIT_FAILURE, EXIT_OK, UsageError, VenvregError
from ..text import quoted
from .output import confirm, message, stdin_is_terminal

TYPE_CHECKING = False  # typing itself costs start-up; the names below are for mypy only
if TYPE_CHECKING:
    from ..core.context import Context
    from ..core.scan import FoundEnv

PICK_ATTEMPTS = 3


def adopt_from(
    context: Context, rows: list[FoundEnv], adopt_all: bool, yes: bool, include_managed: bool
) -> tuple[int, list[tuple[str, str]]]:
    """Choose (by number, or all) among the adoptable rows and adopt them."""
    from ..core.adopt import plan_name
    from ..names import name_key
    from .scan_view import pick_line

    candidates = {number: env for number, env in enumerate(rows, 1) if env.adoptable}
    if not candidates:
        message("nothing to adopt: every environment found is registered already")
        return EXIT_OK, []
    everything = [
        number for number, env in candidates.items() if include_managed or not env.managed
    ]
    if adopt_all and yes:
        return _adopt_numbers(context, candidates, everything)
    if not stdin_is_terminal():
        message(
            f"{len(candidates)} environment(s) could be adopted, but there is no terminal to "
            "ask on; nothing adopted (pass --all --yes to adopt every unregistered one that "
            "is not managed, with --include-managed for those too)"
        )
        return EXIT_FAILURE, []
    taken: set[str] = set()
    print("venvreg: environments that can be adopted (registered where they are):", file=sys.stderr)
    for number, env in candidates.items():
        try:
            name = plan_name(context, env.path, taken)[0]
        except VenvregError:
            name = "?"
        taken.add(name_key(name))
        print(pick_line(number, env, name), file=sys.stderr)
    if adopt_all:
        chosen = everything
        if not chosen or not confirm(f"venvreg: adopt {len(chosen)} environment(s)?"):
            message("nothing adopted")
            return EXIT_OK, []
    else:
        chosen = _ask_numbers(candidates, everything)
    return _adopt_numbers(context, candidates, chosen)


def _ask_numbers(candidates: dict[int, FoundEnv], everything: list[int]) -> list[int]:
    """Read a selection like `1 3 5-7` (or `all`, or nothing) from the terminal."""
    for _ in range(PICK_ATTEMPTS):
        print(
            "venvreg: adopt which? numbers or ranges (1 3 5-7), 'all' (every one not managed), "
            "or Enter for none: ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        answer = sys.stdin.readline().strip()
        if answer.lower() in ("", "q", "n", "none", "no"):
            return []
        if answer.lower() == "all":
            return everything
        try:
            return parse_selection(answer, candidates)
        except UsageError as error:
            message(str(error))
    return []


def parse_selection(answer: str, candidates: dict[int, FoundEnv]) -> list[int]:
    """`1 3 5-7` or `1,3,5-7` -> [1, 3, 5, 6, 7]; each must be an adoptable row."""
    chosen: list[int] = []
    for word in answer.replace(",", " ").split():
        low, dash, high = word.partition("-")
        try:
            numbers = range(int(low), int(high) + 1) if dash else range(int(low), int(low) + 1)
        except ValueError:
            raise UsageError(f"{quoted(word)} is not a number or a range such as 5-7") from None
        for number in numbers:
            if number not in candidates:
                raise UsageError(f"{number} is not one of the environments listed above")
            if number not in chosen:
                chosen.append(number)
    return chosen


def _adopt_numbers(
    context: Context, candidates: dict[int, FoundEnv], chosen: list[int]
) -> tuple[int, list[tuple[str, str]]]:
    from ..core.adopt import adopt
    from .adopt_cmd import describe

    status, adopted = EXIT_OK, []
    if not chosen:
        message("nothing adopted")
    for number in chosen:
        env = candidates[number]
        try:
            result = adopt(context, env.path)
        except VenvregError as error:
            message(f"error: {error}")
            status = EXIT_FAILURE
            continue
        env.registered_as = result.record.name
        adopted.append((result.record.name, result.record.path))
        message(describe(result))
    return status, adopted
