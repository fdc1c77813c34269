"""Problems are values with a location; a pack or input error carries all of them."""
from __future__ import annotations

import re
from dataclasses import dataclass

# C0 and C1 control characters but tab and newline: an ESC from a cell must not reach a terminal
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Text from input files, made harmless for a terminal (escape sequences lose their ESC)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None
    path: str | None = None  # dotted location inside the document, e.g. rules[3].forbid.fact

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return terminal_safe(f"{where}: {self.path + ': ' if self.path else ''}{self.message}")


class GridlawError(Exception):
    """Bad input or a bad pack. ``problems`` lists every one found, best first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PackError(GridlawError):
    pass


class InputError(GridlawError):
    pass
