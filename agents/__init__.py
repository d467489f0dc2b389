"""The people of the sales organization (Mesa agents), one class per role.

``SalesOrgModel.step()`` acts on the whole population at once (array operations over everyone's
rows); the agents expose that state per person and are not stepped one by one:
``model.agents.shuffle_do("step")`` is not the model's schedule.
"""

from salesorg.agents.employee import (
    AE,
    AGENT_REPORTERS,
    CSM,
    ROLE_CLASSES,
    SDR,
    SE,
    Employee,
    Marketer,
    Support,
    create_employees,
)

__all__ = [
    "AE",
    "AGENT_REPORTERS",
    "CSM",
    "ROLE_CLASSES",
    "SDR",
    "SE",
    "Employee",
    "Marketer",
    "Support",
    "create_employees",
]
