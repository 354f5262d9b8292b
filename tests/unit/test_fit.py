"""The fitting rules (cli/fit.py) on their own: which column gives way first, what never does,
and how paths and text are shortened, all in display cells."""

from __future__ import annotations

import pytest

from venvreg.cli import fit
from venvreg.cli.fit import FIXED, GAP, KEY, PATH, TEXT, Column, cell_len, layout

COLUMNS = [
    Column("NAME", KEY),
    Column("SIZE", FIXED, 70),
    Column("NOTE", TEXT, 30),
    Column("PATH", PATH, 90),
    Column("ID", KEY),
]
ROW = [
    "数据分析-環境",
    "11.4 MB",
    "unused for 243 days (last: site-packages)",
    "/home/me/src/some-project/with/a/deep/folder/.venv",
    "20250131T092813-dda9dae0",
]


def _width(fitted: fit.Fitted) -> int:
    return sum(fitted.widths) + GAP * (len(fitted.widths) - 1)


def test_everything_fits_untouched_when_there_is_room() -> None:
    fitted = layout(COLUMNS, [ROW], 200)
    assert fitted.keep == [0, 1, 2, 3, 4] and fitted.dropped == []
    natural = [max(cell_len(c.header), cell_len(v)) for c, v in zip(COLUMNS, ROW, strict=True)]
    assert fitted.widths == natural


@pytest.mark.parametrize("width", [120, 100, 80, 60])
def test_narrower_terminals_shrink_then_drop_low_priority_columns(width: int) -> None:
    fitted = layout(COLUMNS, [ROW], width)
    assert _width(fitted) <= width
    # Names and IDs are never shortened and never left out.
    assert 0 in fitted.keep and 4 in fitted.keep
    assert fitted.widths[fitted.keep.index(0)] == cell_len(ROW[0])
    assert fitted.widths[fitted.keep.index(4)] == cell_len(ROW[4])


def test_the_lowest_priority_column_goes_first_and_is_named() -> None:
    at_80 = layout(COLUMNS, [ROW], 80)
    assert at_80.dropped == ["NOTE"]
    assert at_80.widths[at_80.keep.index(3)] == 80 - (13 + 7 + 24 + 3 * GAP)  # PATH takes the rest
    assert layout(COLUMNS, [ROW], 65).dropped == ["SIZE", "NOTE"]  # PATH (90) outranks SIZE
    assert layout(COLUMNS, [ROW], 50).dropped == ["SIZE", "NOTE", "PATH"]


def test_only_keys_left_stay_whole_past_the_edge() -> None:
    fitted = layout([Column("NAME", KEY), Column("X", TEXT)], [["n" * 50, "words here"]], 30)
    assert fitted.keep == [0] and fitted.widths == [50] and fitted.dropped == ["X"]


def test_text_narrows_to_its_longest_word_before_cutting_one() -> None:
    columns = [Column("A", TEXT, 10), Column("B", TEXT, 20)]
    rows = [["a few short words to wrap", "--extra-index-url=https://example/simple"]]
    fitted = layout(columns, rows, 60)
    assert fitted.widths[1] == cell_len(rows[0][1])  # B keeps its one long word whole
    assert _width(fitted) <= 60


def test_paths_lose_their_middle_folders_and_keep_their_end() -> None:
    assert fit.shorten_path("~/src/クライアント/backend/.venv", 20) == "~/…/backend/.venv"
    assert fit.shorten_path("/a/b", 10) == "/a/b"
    short = fit.shorten_path("/" + "长" * 40, 11)
    assert cell_len(short) <= 11 and "…" in short


def test_home_is_shown_as_tilde(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/ann")
    assert fit.home_short("/home/ann/src/x") == "~/src/x"
    assert fit.home_short("/home/ann") == "~"
    assert fit.home_short("/home/anne/x") == "/home/anne/x"


def test_wide_turns_fitting_off() -> None:
    try:
        fit.set_wide(True)
        assert fit.fit_path("/home/me/" + "x" * 100, 10) == "/home/me/" + "x" * 100
    finally:
        fit.set_wide(False)
