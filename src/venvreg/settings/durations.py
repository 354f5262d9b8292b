"""Durations as people write them: 90d, 12h, 2w, 30m, 45s, or a bare number of days."""

from __future__ import annotations

import re

from ..errors import UsageError
from ..text import quoted

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdwy]?)\s*$", re.IGNORECASE)


def parse_duration(text: str) -> float:
    """Seconds in `text`; a bare number counts days."""
    match = _PATTERN.match(text)
    if match is None:
        raise UsageError(
            f"bad duration {quoted(text)}: use a number with s, m, h, d, w or y (e.g. 30d)"
        )
    number, unit = match.groups()
    return float(number) * _UNITS[(unit or "d").lower()]
