"""Errors that the command line reports as bad input (exit status 2, no traceback)."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: one or more problems a user can act on, each a line of text."""

    def __init__(self, problems: list[str] | str, heading: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.heading = heading
        super().__init__(self.render())

    def render(self) -> str:
        """Return the message as the command line prints it."""
        lines = [self.heading] if self.heading else []
        lines.extend(self.problems)
        return "\n".join(lines)


class DataError(InputError):
    """The project's data directory breaks its schema or its reconciliation rules."""


def os_problem(error: OSError) -> str:
    """Return an operating-system error as words a user can act on: what failed, and where."""
    where = f": {error.filename}" if error.filename else ""
    if error.filename2:
        where += f" -> {error.filename2}"
    return f"{error.strerror or type(error).__name__}{where}"
