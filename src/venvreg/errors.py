"""Errors that reach the user as one line on stderr, each with its exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class VenvregError(Exception):
    """A failure the user can act on; its message is printed as one line."""

    exit_code = EXIT_FAILURE


class UsageError(VenvregError):
    """Bad input: a name, path, key or value that cannot be accepted."""

    exit_code = EXIT_USAGE


class NotFound(VenvregError):
    """No registered environment (or trash entry) by that name."""


class Refused(VenvregError):
    """A safety rule forbids the operation; nothing was touched."""


class RegistryError(VenvregError):
    """The registry cannot be used (newer schema, damaged file, read-only)."""


class Interrupted(BaseException):
    """SIGTERM or SIGHUP, turned into an exception so clean-up runs like for Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
