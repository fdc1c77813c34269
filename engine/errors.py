"""Problems are values with a location; a pack or input error carries all of them.

Each problem has a stable ``code`` (for scripts and CI: ``gridlaw check -f json`` prints
them) and its message in Chinese (``message``, the default) and, where written, English
(``en``)."""
from __future__ import annotations

import re
from dataclasses import dataclass

# C0 and C1 control characters but tab and newline: an ESC from a cell must not reach a terminal
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Text from input files, made harmless for a terminal (escape sequences lose their ESC)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def name_safe(name: str) -> str:
    """A file name for one line of output: a line break or tab in the name is shown as \\n, \\r, \\t
    (a name holding a line break could otherwise print a second, forged line)."""
    name = terminal_safe(str(name))
    return name.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") if any(
        c in name for c in "\n\r\t") else name


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None
    path: str | None = None  # dotted location inside the document, e.g. rules[3].forbid.fact
    code: str = "bad_input"
    en: str | None = None    # the English message (--lang en); falls back to ``message``

    def text(self, lang: str = "zh") -> str:
        msg = (self.en or self.message) if lang == "en" else self.message
        where = name_safe(self.file) + (f":{self.line}" if self.line else "")
        from .mask import mask_text   # an error may quote the value it refuses: never an ID or phone

        return mask_text(terminal_safe(f"{where}: {self.path + ': ' if self.path else ''}{msg}"))

    def __str__(self) -> str:
        return self.text("zh")

    def to_dict(self, lang: str = "zh") -> dict:
        from .mask import mask_text

        return {"code": self.code, "file": self.file, "line": self.line, "path": self.path,
                "message": mask_text(terminal_safe((self.en or self.message) if lang == "en" else self.message))}


class GridlawError(Exception):
    """Bad input or a bad pack. ``problems`` lists every one found, best first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PackError(GridlawError):
    pass


class InputError(GridlawError):
    pass
