"""The people of the sales organization (Mesa agents)."""

from agents.employee import AGENT_REPORTERS, Employee

__all__ = ["AGENT_REPORTERS", "Employee"]
