"""The commands behind the shell functions, one module per group.

`hot` (workon, listing names) is stdlib-only; the others load on demand.
"""

# command -> module in this package, for the commands that are not hot
COLD_HANDLERS: dict[str, str] = {}
