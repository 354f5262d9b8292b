"""Fitting output to the terminal it is printed on, measured in display cells (a CJK character
or an emoji takes two): every table, `show`'s fields and the scan's progress line use it.

Each column has a kind and a priority. A KEY column (a name, a trash ID, a row number) is never
shortened, wrapped or left out: it must stay whole and pasteable. A PATH is shortened in the
middle (`~/…/api/.venv`), with the home folder shown as `~`. TEXT wraps at spaces. FIXED
values are short and kept whole. When the columns still do not fit, the lowest-priority
column that is not a KEY is left out, and stderr says which ones `--wide` would show.
`--wide` turns all of this off: every cell in full, lines as long as they are.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from collections.abc import Sequence

KEY, PATH, TEXT, FIXED = "key", "path", "text", "fixed"
ELLIPSIS = "…"
GAP = 2  # cells between two columns
# A PATH or TEXT column is not made narrower than this (a shorter path says too little).
FLOORS = {PATH: 20, TEXT: 12}
WORD_ROOM = 20  # a TEXT column stays this wide for a long word before the word is shortened

_wide = False


def cell_len(text: str) -> int:
    """Display cells `text` takes (rich's measure; imported only when a terminal needs it)."""
    from rich.cells import cell_len as measure

    return int(measure(text))


def _char_cells(char: str) -> int:
    from rich.cells import get_character_cell_size

    return int(get_character_cell_size(char))


def set_wide(wide: bool) -> None:
    """`--wide` for the rest of this command: nothing shortened, wrapped or left out."""
    global _wide
    _wide = wide


def is_wide() -> bool:
    return _wide


class Column:
    """A table column: its header, its kind (KEY, PATH, TEXT, FIXED) and its priority (the
    column with the lowest is left out first when the table cannot fit). Read-only once made."""

    __slots__ = ("header", "kind", "priority")

    def __init__(self, header: str, kind: str = FIXED, priority: int = 50) -> None:
        self.header = header
        self.kind = kind
        self.priority = priority


def home_short(path: str) -> str:
    """`/home/ann/src/x` -> `~/src/x`; any other path unchanged."""
    home = os.path.expanduser("~").rstrip("/")
    if not home or home == "~":
        return path
    if path == home:
        return "~"
    if path.startswith(home + "/"):
        return "~" + path[len(home) :]
    return path


def _take(text: str, cells: int, from_end: bool = False) -> str:
    """The longest start (or end) of `text` that takes at most `cells` cells."""
    chars = reversed(text) if from_end else iter(text)
    kept: list[str] = []
    used = 0
    for char in chars:
        size = _char_cells(char)
        if used + size > cells:
            break
        kept.append(char)
        used += size
    result = "".join(reversed(kept) if from_end else kept)
    # Grapheme clusters (emoji with joiners) can measure less than their parts: trust cell_len.
    while result and cell_len(result) > cells:
        result = result[1:] if from_end else result[:-1]
    return result


def shorten_middle(text: str, cells: int) -> str:
    """`text` in at most `cells` cells, its middle replaced by an ellipsis; the end (a path's
    last folders) gets the larger share."""
    if cell_len(text) <= cells:
        return text
    if cells <= 1:
        return ELLIPSIS[:cells]
    room = cells - 1
    tail = _take(text, room - room // 3, from_end=True)
    head = _take(text, room - cell_len(tail))
    return head + ELLIPSIS + tail


def shorten_end(text: str, cells: int) -> str:
    """`text` in at most `cells` cells, cut at the end with an ellipsis."""
    if cell_len(text) <= cells:
        return text
    return _take(text, max(cells - 1, 0)) + ELLIPSIS if cells > 0 else ""


def shorten_path(path: str, cells: int) -> str:
    """`path` in at most `cells` cells: its first part, `…`, and as many of its last folders
    as fit (`~/…/backend/.venv`); when not even the last one fits, the middle is cut."""
    if cell_len(path) <= cells:
        return path
    parts = path.split("/")
    for start in range(2, len(parts)):
        shortened = "/".join([parts[0], ELLIPSIS, *parts[start:]])
        if cell_len(shortened) <= cells:
            return shortened
    return shorten_middle(path, cells)


def fit_path(path: str, cells: int | None) -> str:
    """A path as a terminal shows it: `~` for home, then shortened to fit."""
    if _wide:
        return path
    short = home_short(path)
    return short if cells is None else shorten_path(short, cells)


def wrap_words(text: str, cells: int) -> list[str]:
    """`text` as lines of at most `cells` cells, broken at spaces only; a word longer than a
    line is shortened in the middle rather than split over two lines."""
    if cells <= 0:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if cell_len(word) > cells:
            word = shorten_path(word, cells) if "/" in word else shorten_middle(word, cells)
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= cells:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
    lines.append(line)
    return lines


class Fitted:
    """A table laid out for a width: the columns kept (indexes), their widths in cells, and the
    headers of the columns left out. Read-only once made."""

    __slots__ = ("dropped", "keep", "widths")

    def __init__(self, keep: list[int], widths: list[int], dropped: list[str]) -> None:
        self.keep = keep
        self.widths = widths
        self.dropped = dropped


def layout(columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int) -> Fitted:
    """Choose the columns and their widths so that a row takes at most `width` cells."""
    natural = [
        max([cell_len(column.header)] + [cell_len(row[i]) for row in cells])
        for i, column in enumerate(columns)
    ]
    limits = [
        _floors(column, natural[i], [row[i] for row in cells]) for i, column in enumerate(columns)
    ]
    keep = list(range(len(columns)))
    while True:
        widths = _shrink(
            [columns[i] for i in keep], [natural[i] for i in keep], [limits[i] for i in keep], width
        )
        if widths is not None:
            break
        droppable = [i for i in keep if columns[i].kind != KEY]
        if len(keep) == 1 or not droppable:
            # the last column, or only names and IDs left: as narrow as they go, past the edge
            widths = [limits[i][1] for i in keep]
            break
        keep.remove(min(droppable, key=lambda i: (columns[i].priority, -i)))
    dropped = [column.header for i, column in enumerate(columns) if i not in keep]
    return Fitted(keep, widths, dropped)


def _floors(column: Column, natural: int, values: Sequence[str]) -> tuple[int, int]:
    """How narrow a column may get: (without cutting a word, at all). KEY and FIXED columns
    keep their width. PATH and TEXT go down to their kind's floor or their header; a TEXT
    column first only as far as its longest word, then to the floor or WORD_ROOM cells,
    whichever is wider (`(site-packages)` stays whole; a path in a cause is shortened)."""
    if column.kind not in FLOORS:
        return natural, natural
    floor = max(FLOORS[column.kind], cell_len(column.header))
    if column.kind != TEXT:
        return min(natural, floor), min(natural, floor)
    longest = max((cell_len(word) for value in values for word in value.split(" ")), default=0)
    return min(natural, max(floor, longest)), min(natural, max(floor, min(longest, WORD_ROOM)))


def _shrink(
    columns: Sequence[Column],
    natural: Sequence[int],
    limits: Sequence[tuple[int, int]],
    width: int,
) -> list[int] | None:
    """Widths that fit `width` by narrowing PATH and TEXT columns, or None if they cannot.
    Lowest priority first, each column gives up to half of what it has above the width where
    a word would be cut, then all of that, then what it has above its floor: no column is
    starved while another keeps all, and words are cut last."""
    widths = list(natural)
    over = sum(widths) + GAP * (len(columns) - 1) - width
    order = sorted(
        (i for i, column in enumerate(columns) if column.kind in FLOORS),
        key=lambda i: columns[i].priority,
    )
    for level, share in ((0, 2), (0, 1), (1, 1)):
        for i in order:
            if over <= 0:
                return widths
            limit = limits[i][level]
            cut = max(0, min(over, (natural[i] - limit) // share, widths[i] - limit))
            widths[i] -= cut
            over -= cut
    return widths if over <= 0 else None


def fit_cell(text: str, column: Column, width: int) -> list[str]:
    """One cell laid out in `width` cells: its lines."""
    if column.kind == PATH:
        return [shorten_path(text, width)]
    if column.kind == TEXT:
        return wrap_words(text, width)
    return [text]


def pad(text: str, width: int) -> str:
    return text + " " * max(width - cell_len(text), 0)
