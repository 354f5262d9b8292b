"""File-system helpers: atomic rewrites, small-file reads, locks and the tests' hold points."""
