"""Disclosure control that holds across all standard reports of a year.

The steering group gets a report per tertial, the delår (Jan–Aug) and the helår. Counts of flows
add up over tertials, so helår − delår is the third tertial: suppression decided one report at a
time leaks. Here it is decided on the year's tertials (the *atoms*), once for all reports:

* A *unit* (a förvaltning, a kön, a pool of förvaltningar) *passes* an atom when every count it
  would show is 0 or at least the threshold, and so is every complement (the part of a known
  whole it leaves: avbrutna when avslutade and their sum are known).
* Units that fail an atom go into one pool ("Övriga ... (sammanslagna)") from that atom on, for
  the rest of the year (the pools only grow: P1 ⊆ P2 ⊆ P3). A pool must pass too; when it does
  not, the smallest passing unit joins it. A pool whose count is 0 (or all of its whole) tells
  that each member's is too, so it must not hold a member whose whole is 1 to threshold − 1.
* A report that ends with tertial k shows the units outside P_k one by one and the pool as one
  row. Every figure a reader can then derive, by adding or subtracting any reports of the year,
  is a sum of passing per-unit or per-pool tertial values, so it is 0 or at least the threshold.
* When even the whole city fails an atom, the figures of that atom are withheld (shown as ``..``)
  in every report that covers it, and the atom is left out of the pooling.

Tables without totals (mervärde per mervärde) are not pooled: a row is shown in a report only
when it passes every atom the report covers.

Pure and small: units and numbers in, partitions out. ``tests/steering/test_year_attack.py``
attacks the result with linear programming over every standard report of a year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple


class Pair(NamedTuple):
    """A count, the whole it is a part of (None: none), and whether a reader knows each unit's
    whole even when the unit is pooled (places ended per förvaltning are shown exactly)."""

    count: int
    whole: int | None = None
    public: bool = False


Checks = Sequence[Pair]


def small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def passes(pairs: Checks, threshold: int) -> bool:
    """Every count and every complement is 0 or at least the threshold."""
    for count, whole, _ in pairs:
        if small(count, threshold):
            return False
        if whole is not None and small(whole - count, threshold):
            return False
    return True


def pool_passes(members: Sequence[Checks], threshold: int) -> bool:
    """A pool passes like a unit, and its 0 or its whole reveals nothing small of a member."""
    if not members:
        return True
    summed: list[Pair] = []
    for i in range(len(members[0])):
        count = sum(m[i].count for m in members)
        wholes = [m[i].whole for m in members]
        whole = None if any(w is None for w in wholes) else sum(w for w in wholes if w is not None)
        summed.append(Pair(count, whole))
        if members[0][i].public and whole is not None and count == whole and any(
                small(w, threshold) for w in wholes if w is not None):
            return False  # "all of them": each member's count is its (known, small) whole
    return passes(summed, threshold)


@dataclass(frozen=True)
class YearPlan:
    """The pools per atom (P1 ⊆ P2 ⊆ ...) and the atoms where the whole city fails."""

    units: tuple[str, ...]
    pools: tuple[frozenset[str], ...]
    city_fails: frozenset[int]

    def pool_for(self, last_atom: int) -> frozenset[str]:
        return self.pools[last_atom]

    def withheld(self, covered: Sequence[int]) -> bool:
        return any(a in self.city_fails for a in covered)


def _size(pairs: Checks) -> int:
    return sum(p.count for p in pairs)


def city_fails(units: Sequence[str], checks: Mapping[str, Sequence[Checks]], threshold: int
               ) -> frozenset[int]:
    """The atoms where all units together fail (nothing of them can be shown)."""
    atoms = len(next(iter(checks.values()))) if checks else 0
    return frozenset(a for a in range(atoms)
                     if not pool_passes([checks[u][a] for u in units], threshold))


def plan_year(units: Sequence[str], checks: Mapping[str, Sequence[Checks]], threshold: int,
              withheld: frozenset[int] = frozenset(),
              at_least: Sequence[frozenset[str]] | None = None) -> YearPlan:
    """Pools for every atom; ``checks[unit][atom]`` are the unit's pairs at that atom.

    ``withheld``: atoms withheld anyway (the city fails them in another breakdown of the same
    figures: the city's figure is one and the same in every breakdown). ``at_least``: units that
    must be pooled at each atom (pooled in another table whose figures this one's rest on).
    """
    atoms = len(next(iter(checks.values()))) if checks else 0
    fails = city_fails(units, checks, threshold) | withheld
    pool: set[str] = set()
    pools: list[frozenset[str]] = []
    for atom in range(atoms):
        if at_least is not None:
            pool |= at_least[atom]
        if atom not in fails:
            pool |= {u for u in units if not passes(checks[u][atom], threshold)}
            _grow_until_passing(pool, units, checks, threshold,
                                [a for a in range(atom + 1) if a not in fails])
        pools.append(frozenset(pool))
    return YearPlan(tuple(units), tuple(pools), frozenset(fails))


def _grow_until_passing(pool: set[str], units: Sequence[str],
                        checks: Mapping[str, Sequence[Checks]], threshold: int,
                        atoms: Sequence[int]) -> None:
    def ok() -> bool:
        return all(pool_passes([checks[u][a] for u in units if u in pool], threshold)
                   for a in atoms)

    while pool and not ok():
        outside = [u for u in units if u not in pool]
        if not outside:
            return
        pool.add(min(outside, key=lambda u: (_size(checks[u][atoms[-1]]), units.index(u))))


def rows_shown(rows: Sequence[str], checks: Mapping[str, Sequence[Checks]], covered: Sequence[int],
               threshold: int) -> set[str]:
    """Rows of a table without totals that may be shown: those passing every covered atom."""
    return {r for r in rows if all(passes(checks[r][a], threshold) for a in covered)}
