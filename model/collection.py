"""The model's DataCollector: one column per metric, read from values computed once a week.

Mesa's ``DataCollector.collect`` deep-copies every reporter value so a later change to a
mutable object cannot rewrite history. Our model reporters only read the immutable floats that
:meth:`model.metrics.Metrics.update` has just computed, so that copy (37 ``deepcopy`` calls a
week, about a tenth of a default week's time) protects nothing. :class:`MetricCollector`
appends the values directly and keeps the whole DataCollector API: ``model_reporters``,
``model_vars``, ``get_model_vars_dataframe``, agent reporters and ``_collection_steps``.
"""

from __future__ import annotations

import mesa


class MetricCollector(mesa.DataCollector):
    """A :class:`mesa.DataCollector` for the metrics in ``model.metrics_state.values``.

    Args:
        metric_names: the metrics to collect, one column each, in this order.
        agent_reporters: Mesa agent reporters, or None to collect no agent-level data.
    """

    def __init__(self, metric_names, agent_reporters=None) -> None:
        super().__init__(
            model_reporters={name: _reader(name) for name in metric_names},
            agent_reporters=agent_reporters,
        )
        # (name, column list) pairs, so a collection is one dict read and append per metric
        self._columns = [(name, self.model_vars[name]) for name in metric_names]

    def __repr__(self) -> str:
        return f"MetricCollector({len(self._columns)} metrics, {len(self._collection_steps)} rows)"

    def collect(self, model) -> None:
        """Append the model's current metric values (and agent records, if any)."""
        values = model.metrics_state.values
        self._collection_steps.append(model.time)
        for name, column in self._columns:
            column.append(values[name])  # immutable floats: nothing to copy
        if self.agent_reporters:
            self._agent_records[model.time] = list(self._record_agents(model))


def _reader(name: str):
    """A reporter that reads one precomputed metric (no side effects), for Mesa's API."""
    return lambda model: model.metrics_state.values[name]
