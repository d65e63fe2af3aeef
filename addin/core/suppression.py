"""Small-count suppression for one table of counts: pure, with no Excel, Word or e-mail in it.

The steering group's reports use ``disclosure`` instead, which holds across all standard reports
of a year; this module gives them the threshold rules (``effective_threshold``, the symbols) and
remains for a single table on its own.

A table is a grid of counts with, optionally, a total column (the sum of each row) and a total row
(the sum of each column). What a reader sees:

* a count from 1 to ``threshold - 1`` is hidden and shown as ``<5`` (the *primary* suppression);
* a count of 0 is shown as 0. A true zero names no one, and the steering group needs to see that,
  say, no certificate was issued. Because zeros are always shown, a reader knows that ``<5`` means
  1 to 4;
* where a hidden count could be recomputed from a total and the visible counts, one or more further
  counts are hidden and shown as ``..`` (the *secondary* suppression). A reader knows such a count
  is at least ``threshold`` (smaller ones would be ``<5``, zeros would show).

Secondary suppression is proved rather than guessed: a hidden cell counts as protected only when a
second table exists that agrees with everything a reader sees and knows (every visible count, every
total, ``<5`` meaning 1 to threshold-1, ``..`` meaning at least threshold) but differs in that cell.
The search looks for such a table by moving one unit around a rectangle of hidden cells (rows
r1, r2 and columns c1, c2 of the table extended by its totals), which leaves every sum unchanged.
Cells are hidden, smallest first and totals last, until every hidden cell is protected.

When every non-zero count is hidden and one can still be worked out (four förvaltningar with
``<5`` each and a total of ``<5``: each must be 1), the whole table is withheld: every cell, zeros
included, shows ``..`` and a reader learns nothing from it (beyond a total that is shown
elsewhere anyway, which then stays).

A threshold below 3 cannot protect anything (``<2`` could only mean 1), so it is raised to 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

VISIBLE, PRIMARY, SECONDARY, WITHHELD = "visible", "primary", "secondary", "withheld"
HIDDEN_SYMBOL = ".."
MIN_THRESHOLD = 3


def effective_threshold(threshold: int) -> int:
    return max(int(threshold), MIN_THRESHOLD)


def below_symbol(threshold: int) -> str:
    return f"<{effective_threshold(threshold)}"


@dataclass
class SuppressedTable:
    """A table extended by its totals, with what may be shown of each cell.

    ``values`` and ``status`` have ``rows + (1 if col_totals)`` rows and ``cols + (1 if
    row_totals)`` columns; the total row is last, the total column is last.
    """

    values: list[list[int]]
    status: list[list[str]]
    threshold: int
    row_totals: bool
    col_totals: bool
    known_totals: bool = False  # the total row is shown in another table too

    def hidden(self, r: int, c: int) -> bool:
        return self.status[r][c] != VISIBLE

    def shown(self, r: int, c: int) -> int | str:
        """What a reader sees: the count, ``<5`` or ``..``."""
        s = self.status[r][c]
        if s == VISIBLE:
            return self.values[r][c]
        return below_symbol(self.threshold) if s == PRIMARY else HIDDEN_SYMBOL

    def visible_value(self, r: int, c: int) -> int | None:
        return None if self.hidden(r, c) else self.values[r][c]

    def display(self) -> list[list[int | str]]:
        return [[self.shown(r, c) for c in range(len(self.values[0]))]
                for r in range(len(self.values))]


def extend(cells: Sequence[Sequence[int]], row_totals: bool, col_totals: bool) -> list[list[int]]:
    grid = [list(map(int, row)) for row in cells]
    if any(v < 0 for row in grid for v in row):
        raise ValueError("counts cannot be negative")
    if row_totals:
        for row in grid:
            row.append(sum(row))
    if col_totals:
        width = len(grid[0]) if grid else (1 if row_totals else 0)
        grid.append([sum(row[c] for row in grid) for c in range(width)])
    return grid


def suppress(cells: Sequence[Sequence[int]], threshold: int, *, row_totals: bool = False,
             col_totals: bool = True, known_totals: bool = False) -> SuppressedTable:
    """Suppress a table of counts (rows × columns, without totals: they are added here).

    ``known_totals``: the total row is the same figure as in other tables of the same summary
    (places per förvaltning and per yrkesområde add up to the same total), so a reader may know it
    from there. It is then never hidden to protect a cell, and no protection may rest on a reader
    not knowing it.
    """
    t = effective_threshold(threshold)
    if not cells or not cells[0]:
        raise ValueError("a table needs at least one row and one column")
    values = extend(cells, row_totals, col_totals)
    status = [[PRIMARY if 0 < v < t else VISIBLE for v in row] for row in values]
    table = SuppressedTable(values, status, t, row_totals, col_totals, known_totals)
    while True:
        exposed = [(r, c) for r in range(len(values)) for c in range(len(values[0]))
                   if table.hidden(r, c) and not protected(table, r, c)]
        if not exposed:
            return table
        cell = _complement(table, *exposed[0])
        if cell is None:  # every non-zero count is hidden and one can still be recomputed
            total_r = _total_row(table) if known_totals else None
            table.status = [row if r == total_r else [WITHHELD] * len(row)
                            for r, row in enumerate(status)]
            return table
        status[cell[0]][cell[1]] = SECONDARY


def _known_range(table: SuppressedTable, r: int, c: int) -> tuple[int, float]:
    """What a reader knows of a hidden cell."""
    if table.status[r][c] == PRIMARY:
        return 1, table.threshold - 1
    if table.status[r][c] == WITHHELD:
        return 0, float("inf")
    return table.threshold, float("inf")


def _total_row(table: SuppressedTable) -> int | None:
    return len(table.values) - 1 if table.col_totals else None


def _total_col(table: SuppressedTable) -> int | None:
    return len(table.values[0]) - 1 if table.row_totals else None


def _free(table: SuppressedTable, r: int, c: int) -> bool:
    """May a protecting move change this cell? Only if it is hidden and not known elsewhere."""
    return table.hidden(r, c) and not (table.known_totals and r == _total_row(table))


def _moves(index: int, size: int, linked: bool) -> list[list[tuple[int, int]]]:
    """Ways to move along one axis: a pair (+1, -1) when a total links the lines, else one line."""
    if not linked:
        return [[(index, 1)]]
    return [[(index, 1), (other, -1)] for other in range(size) if other != index]


def protected(table: SuppressedTable, r: int, c: int) -> bool:
    """True when a table agreeing with all a reader knows differs from this one in (r, c)."""
    rows, cols = len(table.values), len(table.values[0])
    total_r, total_c = _total_row(table), _total_col(table)
    for xs, ys in product(_moves(r, rows, table.col_totals), _moves(c, cols, table.row_totals)):
        corners = [(i, j, xi * yj * (-1 if i == total_r else 1) * (-1 if j == total_c else 1))
                   for (i, xi), (j, yj) in product(xs, ys)]
        if not all(_free(table, i, j) for i, j, _ in corners):
            continue
        for step in (1, -1):
            if all(lo <= table.values[i][j] + step * sign <= hi
                   for i, j, sign in corners
                   for lo, hi in [_known_range(table, i, j)]):
                return True
    return False


def _complement(table: SuppressedTable, r: int, c: int) -> tuple[int, int] | None:
    """The visible cell to hide next so that (r, c) can become protected.

    First choice: the cell whose hiding alone protects (r, c), smallest first and totals last.
    Otherwise the smallest visible cell in the same row or column (progress towards a rectangle),
    otherwise the smallest anywhere. Zeros are never hidden: a reader knows they would show.
    """
    total_r, total_c = _total_row(table), _total_col(table)

    def key(cell: tuple[int, int]) -> tuple[bool, int, int, int]:
        i, j = cell
        return (i == total_r or j == total_c, table.values[i][j], i, j)

    candidates = sorted(((i, j) for i in range(len(table.values))
                         for j in range(len(table.values[0]))
                         if not table.hidden(i, j) and table.values[i][j] > 0
                         and not (table.known_totals and i == total_r)), key=key)
    if not candidates:
        return None
    for i, j in candidates:
        table.status[i][j] = SECONDARY
        ok = protected(table, r, c)
        table.status[i][j] = VISIBLE
        if ok:
            return i, j
    in_line = [cell for cell in candidates if cell[0] == r or cell[1] == c]
    return (in_line or candidates)[0]


def share(numerator: int | None, denominator: int | None, minimum_denominator: int = 10
          ) -> float | None:
    """A share only where both figures are shown and the denominator is at least 10."""
    if numerator is None or denominator is None or denominator < minimum_denominator:
        return None
    return numerator / denominator
