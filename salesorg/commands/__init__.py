"""Subcommands of the ``salesorg`` CLI: one module each, exposing ``register(subparsers)``."""
