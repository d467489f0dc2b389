"""The model's clock: one step is one working week."""

#: Steps per year: annual rates (attrition, churn, renewals) are converted with it.
WEEKS_PER_YEAR = 52
