"""The `gridlaw` entry point: answers what needs no command-line framework, then hands over to the CLI.

Typer (with its own click and pydantic adapters) costs about 50 ms to import; `gridlaw --version`
must answer in a fraction of that, so it is answered here from argv alone. Every other command line,
however written, goes to ``gridlaw.cli`` unchanged (``python -m gridlaw.cli`` is the same program).
"""
from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"gridlaw {__version__}\n")
        return
    from .cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
