"""A progress bar for sweeps: runs done / failed / total and time left, silent off a terminal."""

from __future__ import annotations

import sys

from tqdm import tqdm


class _Bar(tqdm):
    """tqdm without its monitor thread, so the sweep process stays single-threaded and its
    workers can be forked safely (see ``experiments.executors``)."""

    monitor_interval = 0


class SweepProgress:
    """Counts finished runs of one sweep and shows them with tqdm.

    Args:
        name: experiment name shown left of the bar.
        total: all runs of the experiment.
        done, failed: runs already finished before this session (resume).
        enabled: ``None`` shows the bar only when stderr is a terminal.
    """

    def __init__(
        self, name: str, total: int, done: int = 0, failed: int = 0, enabled: bool | None = None
    ) -> None:
        self.done = done
        self.failed = failed
        disable = not sys.stderr.isatty() if enabled is None else not enabled
        self._bar = _Bar(
            total=total,
            initial=done + failed,
            desc=name,
            unit="run",
            disable=disable,
            dynamic_ncols=True,
            file=sys.stderr,
        )
        self._show()

    def __repr__(self) -> str:
        return f"SweepProgress(done={self.done}, failed={self.failed}, total={self._bar.total})"

    def update(self, status: str) -> None:
        if status == "done":
            self.done += 1
        else:
            self.failed += 1
        self._show()
        self._bar.update(1)

    def _show(self) -> None:
        self._bar.set_postfix(done=self.done, failed=self.failed, refresh=False)

    def close(self) -> None:
        self._bar.close()
