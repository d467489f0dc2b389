"""Parallel numpy columns with spare room at the end, for leads and customers.

Leads and customers arrive every week. Re-concatenating every column on each arrival copies the
whole table weekly; a :class:`ColumnStore` keeps spare capacity instead (doubling when full), so
an arrival writes only the new rows. Each column reads as a view of the live rows
(``leads.stage``); writing into that view (``leads.stage[i] = WON``) writes the store.
"""

from __future__ import annotations

import numpy as np

MIN_CAPACITY = 64


class ColumnStore:
    """A table of parallel columns, declared by a subclass as ``FIELDS = ((name, dtype), ...)``.

    Each field becomes an attribute that returns a view of the live rows; assigning to it
    (``customers.satisfaction += x``) writes the live rows. A view is valid until the next
    :meth:`append` or :meth:`keep`, which may move the data.
    """

    FIELDS: tuple[tuple[str, type], ...] = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        for name, _ in cls.FIELDS:
            read, write = _accessors(name)
            setattr(cls, name, property(read, write, doc=f"the live rows of column {name!r}"))

    def __init__(self) -> None:
        self._rows = 0
        self._columns = {name: np.empty(MIN_CAPACITY, dtype) for name, dtype in self.FIELDS}

    def __len__(self) -> int:
        return self._rows

    def append(self, **values) -> None:
        """Add rows: an array per field (a scalar fills the column), cast to the field's dtype.

        The first field must be given as an array; its length is the number of new rows.
        """
        k = len(values[self.FIELDS[0][0]])
        start, stop = self._rows, self._rows + k
        if stop > len(self._columns[self.FIELDS[0][0]]):
            self._grow(stop)
        for name, _ in self.FIELDS:
            self._columns[name][start:stop] = values[name]
        self._rows = stop

    def keep(self, mask: np.ndarray) -> None:
        """Keep the rows where ``mask`` is true, in their order."""
        rows = self._rows
        # the mask turned into indices once: integer indexing of each column is then cheaper
        # than boolean indexing, which re-counts the mask per column
        index = mask.nonzero()[0]
        kept = len(index)
        for column in self._columns.values():
            column[:kept] = column[:rows][index]
        self._rows = kept

    def _grow(self, needed: int) -> None:
        capacity = max(needed, 2 * len(self._columns[self.FIELDS[0][0]]), MIN_CAPACITY)
        for name, dtype in self.FIELDS:
            grown = np.empty(capacity, dtype)
            grown[: self._rows] = self._columns[name][: self._rows]
            self._columns[name] = grown


def _accessors(name: str):
    def read(self: ColumnStore) -> np.ndarray:
        return self._columns[name][: self._rows]

    def write(self: ColumnStore, values) -> None:
        self._columns[name][: self._rows] = values

    return read, write
