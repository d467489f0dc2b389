"""salesorg: an agent-based model of how B2B sales organizations learn and sell."""

__version__ = "0.1.0"
