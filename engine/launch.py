"""The `gridlaw` entry point: answers what needs no command-line framework, then hands over to the CLI.

Typer (with its own click and pydantic adapters) costs about 50 ms to import; `gridlaw --version`
must answer in a fraction of that, so it is answered here from argv alone, and `gridlaw check …` goes
straight to its argparse parser (gridlaw.cli_base). Every other command line goes to ``gridlaw.cli``
unchanged (``python -m gridlaw.cli`` is the same program, through typer).
"""
from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"gridlaw {__version__}\n")
        return
    if sys.argv[1:2] == ["check"]:          # parsed by argparse (gridlaw.cli_base), the one parser of check
        import os

        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")   # as gridlaw.cli.main does
        from .cli_base import check_main

        sys.exit(check_main(sys.argv[2:]))
    from .cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
