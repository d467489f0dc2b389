"""``salesorg viz``: serve the browser visualization (SolaraViz) on this machine.

Runs ``solara run app.py`` bound to 127.0.0.1, so the page is reachable only from this
machine, and prints the address to open. Solara's front-end assets come from the
``solara-assets`` package (installed with salesorg), so the page works without internet.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def default_app() -> Path:
    """Path of the page: the installed ``salesorg.app`` module."""
    spec = importlib.util.find_spec("salesorg.app")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("cannot find the visualization page app.py; pass --app PATH")
    return Path(spec.origin)


def solara_argv(app: Path, host: str, port: int, open_browser: bool) -> list[str]:
    """The ``solara run`` command line for ``app``."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(app),
        "--host",
        host,
        "--port",
        str(port),
        "--open" if open_browser else "--no-open",
    ]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "viz",
        help="serve the browser visualization on http://127.0.0.1:8765",
        description="Serve the SolaraViz page (office floor, learning network, live plots).",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (default 8765)")
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default 127.0.0.1: this machine)"
    )
    parser.add_argument("--app", type=Path, default=None, help="page to serve (default app.py)")
    parser.add_argument("--open", action="store_true", help="open a browser tab as well")
    parser.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    app = args.app if args.app is not None else default_app()
    if not app.is_file():
        raise FileNotFoundError(f"--app {str(app)!r} is not a file")
    # Solara reports usage to its authors unless told otherwise; a lab tool should not.
    env = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false", **os.environ}
    print(f"salesorg viz: serving {app.name} at http://{args.host}:{args.port}/ (Ctrl-C stops)")
    sys.stdout.flush()
    argv = solara_argv(app, args.host, args.port, args.open)
    # exec: Ctrl-C and a terminating signal reach the server itself, with no orphan left behind
    os.execve(argv[0], argv, env)
    return 0  # not reached
