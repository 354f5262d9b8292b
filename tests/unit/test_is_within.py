"""paths.is_within: the one "is this path inside that folder" rule, by whole path components."""

from __future__ import annotations

import pytest

from venvreg.settings.paths import is_within


@pytest.mark.parametrize(
    ("child", "parent", "inside", "inside_or_same"),
    [
        ("/a/b/c", "/a/b", True, True),
        ("/a/b", "/a/b", False, True),
        ("/a/bc", "/a/b", False, False),  # a prefix of the name is not a parent
        ("/a", "/a/b", False, False),
        ("/a/b/c", "/a/b/", True, True),  # a trailing separator on the folder changes nothing
        ("/a/b", "/a/b/", False, True),  # ... nor on either side of the same folder
        ("/a/b/", "/a/b", False, True),
        ("/", "/", False, True),
        ("/anything", "/", True, True),  # the root holds every absolute path
        ("relative/x", "/a", False, False),
    ],
)
def test_inside_by_whole_components(
    child: str, parent: str, inside: bool, inside_or_same: bool
) -> None:
    assert is_within(child, parent) is inside
    assert is_within(child, parent, or_same=True) is inside_or_same
