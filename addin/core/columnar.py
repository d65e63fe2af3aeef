"""Reading a large sheet a column at a time, each distinct value once.

A register's largest sheets repeat their values: 15,000 assessment rows hold about 750 PlatsID,
400 dates and 125 competences. ``records`` reads each distinct value of a column once, with the
very getter the row-by-row reading uses (``_Rows.text``, ``.date``, ``.int`` …), and builds the
records a column at a time in C (``map``), so a cell costs no Python call of its own.

A row holding a value that gives a problem (an error value, a date that is no date, text that
starts like a formula) is read row by row as before, so its problems come with the same row
numbers in the same order. A sheet this cannot read that way (a value that cannot be a key; a
boolean beside a number, which are equal as keys but read differently) is read row by row
altogether. Either way the records and the problems are the ones the row-by-row reading gives:
``tests/core/test_columnar.py`` compares the two on sheets made to tell them apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat
from operator import is_, itemgetter
from typing import Any, Protocol

Getter = Callable[[str], Any]
Field = tuple[Getter, str]  # a getter of the sheet's reader and the header it reads


class SheetReader(Protocol):
    """What ``records`` uses of ``reading._Rows``."""

    sheet: Any
    index: dict[str, int]
    problems: list[Any]
    values: Any
    row_number: int
    bad: bool

    def __iter__(self) -> Any: ...


class _RowByRow(Exception):
    """This sheet is read row by row."""


_NUMBERS = frozenset((bool, int, float))


def is_blank(value: Any) -> bool:
    """A cell that does not make its row count: a row of such cells is skipped."""
    return value is None or value == "" or (value.__class__ is str and not value.strip())


def records(rows: SheetReader, make: Callable[..., Any], fields: Sequence[Field],
            unreadable: bool = False) -> list[Any]:
    """``make(row_number, *values)`` for each non-empty row, the values read by ``fields``;
    with ``unreadable``, ``make`` is also given whether a value of the row could not be read."""
    try:
        return _by_columns(rows, make, fields, unreadable)
    except _RowByRow:
        if unreadable:
            return [make(row, *[get(header) for get, header in fields], rows.bad) for row in rows]
        return [make(row, *[get(header) for get, header in fields]) for row in rows]


def _distinct(column: list[Any]) -> set[Any]:
    try:
        distinct = set(column)
    except TypeError:  # a value that cannot be a key
        raise _RowByRow from None
    # True == 1 and False == 0 as keys, yet a reader tells them apart ("Ja" is not "1"); 1 and
    # 1.0 are read alike by every getter
    if not _NUMBERS.isdisjoint(map(type, distinct)):
        kinds = set(map(type, column))
        if bool in kinds and (int in kinds or float in kinds):
            raise _RowByRow
    return distinct


def _by_columns(rows: SheetReader, make: Callable[..., Any], fields: Sequence[Field],
                unreadable: bool = False) -> list[Any]:
    sheet = rows.sheet
    if not sheet.rows:
        return []
    numbers = list(map(itemgetter(0), sheet.rows))
    values = list(map(itemgetter(1), sheet.rows))
    width = len(sheet.headers)
    if width == 0:
        raise _RowByRow
    if min(map(len, values)) < width:
        values = [v if len(v) >= width else [*v, *repeat(None, width - len(v))] for v in values]
    first = list(map(itemgetter(0), values))
    first_distinct = _distinct(first)
    blank_firsts = {v for v in first_distinct if is_blank(v)}
    if blank_firsts:
        keep = [i for i, v in enumerate(first)
                if v not in blank_firsts or not all(map(is_blank, values[i]))]
        numbers = [numbers[i] for i in keep]
        values = [values[i] for i in keep]
        first = [first[i] for i in keep]
        first_distinct = set(first)
    columns: list[Any] = [numbers]
    problem_rows: set[int] = set()
    for get, header in fields:
        at = rows.index.get(header)
        if at is None:  # an optional column the workbook does not have: the same for every row
            columns.append(repeat(get(header)))
            continue
        if at == 0:  # the first column (PlatsID, mostly) was looked at for blank rows
            column, distinct = first, first_distinct
        else:
            column = list(map(itemgetter(at), values))
            distinct = _distinct(column)
        read, troubled = _read_distinct(rows, get, header, at, width, distinct)
        if troubled:
            problem_rows.update(i for i, v in enumerate(column) if v in troubled)
        if all(map(is_, read, read.values())):
            columns.append(column)  # already as read: most text is
        else:
            columns.append(list(map(read.get, column)))
    if unreadable:
        columns.append(repeat(False))  # a row with a value that cannot be read is a problem row
    result = list(map(make, *columns))
    for i in sorted(problem_rows):  # in row order, as the row-by-row reading reports them
        rows.values, rows.row_number, rows.bad = values[i], numbers[i], False
        cells = [get(header) for get, header in fields]
        result[i] = make(numbers[i], *cells, rows.bad) if unreadable else make(numbers[i], *cells)
    return result


def _read_distinct(rows: SheetReader, get: Getter, header: str, at: int, width: int,
                   distinct: set[Any]) -> tuple[dict[Any, Any], set[Any]]:
    """Each value as ``get`` reads it, and the values that give a problem (left to row by row)."""
    problems = rows.problems
    cell = [None] * width
    read: dict[Any, Any] = {}
    troubled: set[Any] = set()
    for value in distinct:
        cell[at] = value
        rows.values, rows.row_number, rows.bad = cell, 0, False
        before = len(problems)
        got = get(header)
        if len(problems) > before:
            del problems[before:]
            troubled.add(value)
        else:
            read[value] = got
    return read, troubled
