"""The ``salesorg`` command line.

Each subcommand lives in its own module under :mod:`salesorg.commands` and exposes
``register(subparsers)``; this file only discovers and dispatches them, so adding a command
never touches another's code. Command modules import heavy libraries inside their handlers to
keep ``salesorg --help`` fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from salesorg import __version__, commands
from salesorg.model.parameters import ParameterError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesorg",
        description="Agent-based model of B2B sales organizations: pods vs The Model.",
    )
    parser.add_argument("--version", action="version", version=f"salesorg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    # The command line draws figures only into files: matplotlib's non-interactive backend,
    # unless the user chose one. (The library leaves the backend alone, for notebooks.)
    os.environ.setdefault("MPLBACKEND", "Agg")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return code
    except (ParameterError, FileNotFoundError) as exc:
        print(f"salesorg {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`salesorg list | head -1`): stop quietly, as Unix tools do.
        # Point stdout at /dev/null so the interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 141  # 128 + SIGPIPE, what a shell reports for a killed writer


if __name__ == "__main__":
    sys.exit(main())
