"""Problems are values with a location; a pack or input error carries all of them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None
    path: str | None = None  # dotted location inside the document, e.g. rules[3].forbid.fact

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.path + ': ' if self.path else ''}{self.message}"


class GridlawError(Exception):
    """Bad input or a bad pack. ``problems`` lists every one found, best first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PackError(GridlawError):
    pass


class InputError(GridlawError):
    pass
