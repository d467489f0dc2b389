"""Parallel numpy columns with spare room at the end, for leads and customers.

Leads and customers arrive every week. Re-concatenating every column on each arrival copies the
whole table weekly; a :class:`ColumnStore` keeps spare capacity instead (doubling when full), so
an arrival writes only the new rows. Each column reads as a view of the live rows
(``leads.stage``); writing into that view (``leads.stage[i] = WON``) writes the store.
A :class:`FifoStore` whose fields share one dtype keeps them as the rows of one 2-D table, so
that some rows of every field are one gather, and compiled kernels (:mod:`model.jit`) can
append and remove rows of every field at once (:func:`fifo_room`, :func:`fifo_keep`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from salesorg.model.jit import kernel

MIN_CAPACITY = 64


class ColumnStore:
    """A table of parallel columns, declared by a subclass as ``FIELDS = ((name, dtype), ...)``.

    Each field becomes an attribute that returns a view of the live rows; assigning to it
    (``customers.satisfaction += x``) writes the live rows. A view is valid until the next
    :meth:`append` or :meth:`keep`, which may move the data.
    """

    FIELDS: tuple[tuple[str, type], ...] = ()

    if TYPE_CHECKING:  # the fields are properties made per subclass: tell the type checker

        def __getattr__(self, name: str) -> np.ndarray: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        for name, _ in cls.FIELDS:
            read, write = _accessors(name)
            setattr(cls, name, property(read, write, doc=f"the live rows of column {name!r}"))

    def __init__(self) -> None:
        self._rows = 0
        self._columns: dict[str, np.ndarray] = {
            name: np.empty(MIN_CAPACITY, dtype) for name, dtype in self.FIELDS
        }

    def __len__(self) -> int:
        return self._rows

    def append(self, **values) -> None:
        """Add rows: an array per field (a scalar fills the column), cast to the field's dtype.

        The first field must be given as an array; its length is the number of new rows.
        """
        columns = self._columns
        start = self._rows
        stop = start + len(values[self.FIELDS[0][0]])
        if stop > len(columns[self.FIELDS[0][0]]):
            self._grow(stop)
        for name, column in columns.items():
            column[start:stop] = values[name]
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
            grown: np.ndarray = np.empty(capacity, dtype)
            grown[: self._rows] = self._columns[name][: self._rows]
            self._columns[name] = grown


def _accessors(name: str):
    def read(self: ColumnStore) -> np.ndarray:
        return self._columns[name][: self._rows]

    def write(self: ColumnStore, values) -> None:
        self._columns[name][: self._rows] = values

    return read, write


class FifoStore:
    """Parallel columns worked first in, first out: rows join at the back and leave from the
    front, so the live rows are ``[head, tail)`` of each column and the front leaving is a move
    of ``head`` (no copy). Rows taken out of line are removed by compaction (:meth:`remove`).

    A subclass declares ``FIELDS`` as :class:`ColumnStore` does; each field reads as a view of
    the live rows, oldest first, valid until the next :meth:`append` or :meth:`remove`.
    When all fields share one dtype, the columns are the rows of one 2-D ``table`` (else
    ``table`` is None): gathering some rows of every field is then one call (:meth:`rows`).
    ``head`` and ``tail`` are kept in the array ``ends``, so that a kernel given ``table`` and
    ``ends`` works the store in place (it returns the table, a new one if it grew:
    :meth:`adopt`).
    """

    FIELDS: tuple[tuple[str, type], ...] = ()
    #: the fields' common dtype, or None (set for each subclass)
    _dtype: np.dtype | None = None

    if TYPE_CHECKING:  # the fields are properties made per subclass: tell the type checker

        def __getattr__(self, name: str) -> np.ndarray: ...

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        for name, _ in cls.FIELDS:
            setattr(cls, name, property(_fifo_reader(name), doc=f"live rows of {name!r}"))
        dtypes = {np.dtype(dtype) for _, dtype in cls.FIELDS}
        cls._dtype = dtypes.pop() if len(dtypes) == 1 else None

    def __init__(self) -> None:
        self.ends = np.zeros(2, np.intp)  # head, tail
        self._allocate(MIN_CAPACITY)

    @property
    def head(self) -> int:
        return int(self.ends[0])

    @head.setter
    def head(self, value: int) -> None:
        self.ends[0] = value

    @property
    def tail(self) -> int:
        return int(self.ends[1])

    @tail.setter
    def tail(self, value: int) -> None:
        self.ends[1] = value

    def __len__(self) -> int:
        ends = self.ends
        return int(ends[1] - ends[0])

    def _allocate(self, capacity: int) -> None:
        """New, zeroed columns of ``capacity`` rows (the old ones stay readable by the caller
        until it drops them)."""
        self.table: np.ndarray | None
        self.columns: dict[str, np.ndarray]
        if self._dtype is not None:
            self.adopt(np.zeros((len(self.FIELDS), capacity), self._dtype))
        else:
            self.table = None
            self.columns = {name: np.zeros(capacity, dtype) for name, dtype in self.FIELDS}
            self._ordered = list(self.columns.values())

    def adopt(self, table: np.ndarray) -> None:
        """Keep the columns in ``table`` (one field per row): a kernel's grown table."""
        if table is getattr(self, "table", None):
            return
        self.table = table
        self.columns = {name: table[i] for i, (name, _) in enumerate(self.FIELDS)}
        self._ordered = list(self.columns.values())

    def rows(self, index: np.ndarray) -> np.ndarray:
        """Rows ``index`` of the columns (indices into the columns, not the live rows), one
        field per row of the result (fields of one dtype only)."""
        assert self.table is not None, "rows() needs fields of one dtype"
        return self.table.take(index, 1)  # (take: a quarter of the time of table[:, index])

    def append(self, k: int, *values) -> None:
        """Add ``k`` rows at the back: per field in ``FIELDS`` order, an array of length ``k``
        or a scalar."""
        if self.tail + k > len(self._ordered[0]):
            self._make_room(k)
        start = self.tail
        self.tail = stop = start + k
        for column, value in zip(self._ordered, values, strict=True):
            column[start:stop] = value

    def drop(self, k: int) -> None:
        """The ``k`` oldest rows leave."""
        self.head += k
        if self.head >= self.tail:  # empty: start again at the front of the columns
            self.head = self.tail = 0

    def remove(self, rows: np.ndarray) -> None:
        """The rows at indices ``rows`` (into the live rows) leave; the others keep their order."""
        head, tail = self.head, self.tail
        n = tail - head
        if len(rows) == n:
            self.head = self.tail = 0
            return
        keep = np.ones(n, dtype=bool)
        keep[rows] = False
        index = keep.nonzero()[0]
        m = len(index)
        if self.table is not None:  # every field in one gather
            table = self.table
            table[:, :m] = table[:, head:tail].take(index, 1)
        else:
            for column in self._ordered:
                column[:m] = column[head:tail][index]
        self.head, self.tail = 0, m

    def _make_room(self, k: int) -> None:
        if self.table is not None:
            self.adopt(fifo_room(self.table, self.ends, k))
            return
        head, n, capacity = self.head, self.tail - self.head, len(self._ordered[0])
        if n + k > capacity // 2:  # more than half full after the arrival: double
            capacity = max(2 * capacity, 2 * (n + k))
            old = self._ordered
            self._allocate(capacity)
        else:
            old = self._ordered
        for column, source in zip(self._ordered, old, strict=True):
            column[:n] = source[head : head + n]  # move the live rows to the front
        self.head, self.tail = 0, n


@kernel
def fifo_room(table, ends, k):
    """Room for ``k`` more rows at the back of a :class:`FifoStore` table (``ends``: head,
    tail): where they do not fit, the live rows move to the front, into a table twice as long
    if they would fill more than half of this one. Returns the table (a new one if it grew)."""
    head, tail = ends[0], ends[1]
    capacity = table.shape[1]
    if tail + k <= capacity:
        return table
    n = tail - head
    room = table
    if n + k > capacity // 2:  # more than half full after the arrival: double
        room = np.zeros((table.shape[0], max(2 * capacity, 2 * (n + k))), table.dtype)
    for field in range(table.shape[0]):
        for i in range(n):  # front to back: a row never lands on one not yet moved
            room[field, i] = table[field, head + i]
    ends[0], ends[1] = 0, n
    return room


@kernel
def fifo_drop(ends, k):
    """The ``k`` oldest rows of a :class:`FifoStore` leave (:meth:`FifoStore.drop`)."""
    ends[0] += k
    if ends[0] >= ends[1]:  # empty: start again at the front of the columns
        ends[0] = ends[1] = 0


@kernel
def fifo_keep(table, ends, keep):
    """The live rows of a :class:`FifoStore` table where ``keep`` (one flag per live row) stay,
    in their order, moved to the front; the others leave."""
    head, tail = ends[0], ends[1]
    m = 0
    for i in range(tail - head):
        if keep[i]:
            for field in range(table.shape[0]):
                table[field, m] = table[field, head + i]
            m += 1
    ends[0], ends[1] = 0, m


def _fifo_reader(name: str):
    def read(self: FifoStore) -> np.ndarray:
        return self.columns[name][self.head : self.tail]

    return read
