"""The model's DataCollector: one column per metric, a week's row stored in one append.

Mesa's ``DataCollector.collect`` calls every model reporter and deep-copies its value so a later
change to a mutable object cannot rewrite history. Our metrics are computed once a week into one
row of floats (:attr:`model.metrics.Metrics.row`, :meth:`model.metrics.Metrics.update`), so
:class:`MetricCollector` stores a copy of that row per collection and fills Mesa's per-metric
lists (``model_vars``) only when they are read. It keeps the whole DataCollector API:
``model_reporters``, ``model_vars``, ``get_model_vars_dataframe``, agent reporters and
``_collection_steps``.
"""

from __future__ import annotations

import mesa


class MetricCollector(mesa.DataCollector):
    """A :class:`mesa.DataCollector` for the metrics in ``model.metrics_state.row``.

    Args:
        metric_names: the metrics to collect, one column each, in the order of the row.
        agent_reporters: Mesa agent reporters, or None to collect no agent-level data.
    """

    def __init__(self, metric_names, agent_reporters=None) -> None:
        self._rows: list[list[float]] = []  # collected rows not yet moved into model_vars
        super().__init__(
            model_reporters={name: _reader(name) for name in metric_names},
            agent_reporters=agent_reporters,
        )
        self._names = list(metric_names)

    def __repr__(self) -> str:
        return f"MetricCollector({len(self._names)} metrics, {len(self._collection_steps)} rows)"

    @property
    def model_vars(self) -> dict[str, list]:
        """Mesa's metric name -> list of collected values (rows collected since the last read
        are moved in first)."""
        if self._rows:
            columns = zip(*self._rows, strict=True)  # the rows' values, metric by metric
            for column, values in zip(self._model_vars.values(), columns, strict=True):
                column.extend(values)
            self._rows.clear()
        return self._model_vars

    @model_vars.setter
    def model_vars(self, columns: dict[str, list]) -> None:
        self._model_vars = columns

    def collect(self, model) -> None:
        """Append the model's current metric values (and agent records, if any)."""
        self._collection_steps.append(model.time)
        self._rows.append(model.metrics_state.row.tolist())  # floats: nothing to deep-copy
        if self.agent_reporters:
            self._agent_records[model.time] = list(self._record_agents(model))


def _reader(name: str):
    """A reporter that reads one precomputed metric (no side effects), for Mesa's API."""
    return lambda model: model.metrics_state.values[name]
