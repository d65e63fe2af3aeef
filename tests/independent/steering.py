"""The steering workbook read back with openpyxl and held against the independent count.

Imports nothing from addin. The workbook shows suppressed figures (docs/styrgrupp.md, "Så skyddas
små antal – över hela året", and the legend on its cover): the places per förvaltning and
yrkesområde (platser, påbörjade, pågående, avslutade eller avbrutna) are the counts themselves,
small or not; any other number is the count itself and 0 or at least the threshold T (a sum of
tertial values that are each 0 or at least T is too); ``..`` is a figure not reported (too few in
the whole city in a tertial the period covers; that nothing small can be worked out from what is
shown is the attacker's test, tests/steering/test_year_attack.py); an empty share a denominator
under 10. ``check_workbook`` returns every disagreement as a readable line.

Tables are found by their header row (the first cell is the breakdown's name) and read down to the
first empty label. Columns are matched to figures by header text in ``COLUMNS``: a new column
the product adds without an entry there is reported as unknown, so it cannot go unchecked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl

from . import count
from .count import Period, Row

COVER_SHEET = "Översikt"
LEGEND_SHEET = "Om siffrorna"  # words only: the legend and what each figure means
HEALTH_GROUP = "Former som kan röja hälsouppgift (sammanslagna)"
TOTAL = "Totalt"
UNNAMED = "Uppgift saknas"
WITHHELD = ".."
SHARE_MIN = count.SHARE_MIN
POOLED = "(sammanslagna)"
# docs/styrgrupp.md: "Kön Annat och Uppgift saknas redovisas tillsammans", in this row
KON_TOGETHER = ("Annat kön eller uppgift saknas", ("Annat", "Uppgift saknas"))
# docs/styrgrupp.md: "Platserna per förvaltning och yrkesområde visas exakt (mål, platser,
# påbörjade, pågående, avslutade eller avbrutna)"; the city's are their sum, so exact as well
PLACE_FIGURES = frozenset({"platser", "paborjade", "pagaende", "ended"})
TERTIAL_MONTHS = {1: "jan–apr", 2: "maj–aug", 3: "sep–dec"}


def ended(r: Row, p: Period) -> bool:
    return count.ended(r, p)


FIGURES: dict[str, Callable[[Row, Period], bool]] = {**count.FIGURES, "ended": ended}

# header text → ("count", figure) | ("share", numerator, denominator) | ("target",)
COLUMNS: dict[str, tuple] = {
    "Mål antal platser": ("target",),
    "Platser": ("count", "platser"),
    "Påbörjade": ("count", "paborjade"),
    "Pågående vid periodens slut": ("count", "pagaende"),
    "Avslutade": ("count", "avslutade"),
    "Avbrutna": ("count", "avbrutna"),
    "Avslutade eller avbrutna": ("count", "ended"),
    "Till arbete eller studier vid avslut": ("count", "till_arbete_eller_studier"),
    "Andel till arbete eller studier vid avslut": ("share", "till_arbete_eller_studier", "ended"),
    "Med känt utfall efter 90 dagar": ("count", "med_utfall_efter_90"),
    "Till arbete eller studier efter 90 dagar": ("count", "till_arbete_eller_studier_efter_90"),
    "Andel till arbete eller studier efter 90 dagar": (
        "share", "till_arbete_eller_studier_efter_90", "med_utfall_efter_90"),
    "Utfärdade kompetensintyg": ("count", "utfardade_intyg"),
    "Andel avslutade med intyg": ("share", "utfardade_intyg", "avslutade"),
    "Platser med bedömt mervärde": ("count", "med_mervarde"),
    "Platser under perioden": ("count", "platser"),  # Diagramdata, the chart's numbers
}
# the cover's key figures: label → the same kinds (the tertial sheet's "Till arbete eller studier
# vid avslut" is a count, the cover's is the share)
COVER: dict[str, tuple] = {
    **COLUMNS,
    "Till arbete eller studier vid avslut": ("share", "till_arbete_eller_studier", "ended"),
    "Till arbete eller studier efter 90 dagar": ("share", "till_arbete_eller_studier_efter_90",
                                                 "med_utfall_efter_90"),
    "Andel avslutade med intyg": ("share", "utfardade_intyg", "avslutade"),
}
MERVARDE_COLUMNS = ("Ja", "Delvis", "Nej", "Bedömningar", "Andel ja")


@dataclass
class Table:
    sheet: str
    headers: list[str]
    rows: list[list]  # label first

    def row(self, label: str) -> list | None:
        return next((r for r in self.rows if r[0] == label), None)


def tables(path: Path) -> dict[str, list[Table]]:
    """Per sheet, its tables: a header row whose first cell is in ``labels``, rows below it."""
    labels = {"Förvaltning", "Yrkesområde", "Anställningsform", "Mervärde", "Tertial", "Kön"}
    wb = openpyxl.load_workbook(path)
    result: dict[str, list[Table]] = {}
    for ws in wb.worksheets:
        if ws.title in (COVER_SHEET, LEGEND_SHEET):
            continue
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        found = []
        for i, row in enumerate(grid):
            if row and row[0] in labels and i + 1 < len(grid):
                headers = [str(h) for h in row if h is not None]
                body = []
                for values in grid[i + 1:]:
                    if not values or values[0] in (None, "") or all(
                            v is None for v in values[1:len(headers)]):
                        break  # the end of the table, or the notes below it
                    body.append(values[:len(headers)])
                found.append(Table(ws.title, headers, body))
        result[ws.title] = found
    result[COVER_SHEET] = [_cover(wb[COVER_SHEET])]
    return result


def _cover(ws) -> Table:
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(grid) if r[0] == "Nyckeltal för perioden") + 1
    rows = []
    for values in grid[start:]:
        if values[0] in (None, "Underlaget"):  # the key figures end where the basis begins
            break
        rows.append([values[0], values[1]])
    return Table(ws.title, ["Nyckeltal", "Värde"], rows)


def threshold(books: list[count.Book]) -> int:
    """The strictest Minsta redovisade antal of the workbooks (default 5), never below 3."""
    values = []
    for b in books:
        v = count.text(b.settings.get("Minsta redovisade antal"))
        values.append(int(v) if v.lstrip("-").isdigit() else 5)
    return max(3, *values)


# --- expected groups -------------------------------------------------------------------------

def _active(rows: list[Row], p: Period) -> bool:
    return any(count.platser(r, p) or count.avslutade(r, p) or count.avbrutna(r, p)
               or count.paborjade(r, p) for r in rows)


def groups(books: list[count.Book], p: Period) -> dict[str, dict[str, list[Row]]]:
    """Per dimension, its groups in catalog order (name → rows); "all" is every counted row."""
    rows = count.counted_rows(books)
    forv = list(dict.fromkeys(n for b in books for n, _ in b.forvaltningar))
    yrken = list(dict.fromkeys([*(n for b in books for n in b.yrkesomraden),
                                *(r.yrkesomrade for r in rows if r.yrkesomrade)]))
    former = list(dict.fromkeys([*(n for b in books for n, _ in b.anstallningsformer),
                                 *(r.anstallningsform for r in rows if r.anstallningsform)]))
    by_form = {n: [r for r in rows if r.anstallningsform == n] for n in former}
    by_form[UNNAMED] = [r for r in rows if not r.anstallningsform]
    by_yrke = {n: [r for r in rows if r.yrkesomrade == n] for n in yrken}
    # docs/styrgrupp.md: Totalt is the same on every sheet, so rows without a name have a row
    by_yrke[UNNAMED] = [r for r in rows if not r.yrkesomrade]
    return {
        "Förvaltningar": {n: [r for r in rows if r.forvaltning == n] for n in forv},
        "Yrkesområden": {n: rs for n, rs in by_yrke.items() if _active(rs, p)},
        "Anställningsformer": {n: rs for n, rs in by_form.items() if _active(rs, p)},
        # the Kön sheet: by the participant's Kön (count.kon_of), Annat and Uppgift saknas together
        "Kön": {**{k: [r for r in rows if r.kon == k] for k in count.KON
                   if k not in KON_TOGETHER[1]},
                KON_TOGETHER[0]: [r for r in rows if r.kon in KON_TOGETHER[1]]},
        "all": {"": rows},
    }


def health_forms(books: list[count.Book]) -> set[str]:
    return {n for b in books for n, h in b.anstallningsformer if h}


def is_standard(p: Period) -> bool:
    """docs/styrgrupp.md: a tertial, the delår (January–August) or the helår of one year."""
    year_parts = {(1, 1, 8, 31), (1, 1, 12, 31)}
    return is_tertial(p) or (p.start.year == p.end.year and
                             (p.start.month, p.start.day, p.end.month, p.end.day) in year_parts)


def tertial_groups(rows: list[Row], p: Period) -> list[tuple[str, dict[str, int]]]:
    """Started by start month, ended by end month, per tertial the period's months touch; a period
    that is no standard period is one row, marked so (docs/styrgrupp.md: "ingen standardperiod")."""
    if not is_standard(p):
        return [(f"{p.start.isoformat()} – {p.end.isoformat()} (ingen standardperiod",
                 _period_counts(rows, p.holds))]
    labels: list[str] = []
    y, m = p.start.year, p.start.month
    while (y, m) <= (p.end.year, p.end.month):
        t = (m - 1) // 4 + 1
        label = f"Tertial {t} {y} ({TERTIAL_MONTHS[t]})"
        if label not in labels:
            labels.append(label)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    result = []
    for label in labels:
        _, t, year = label.split()[:3]

        def inside(day: date | None, t=int(t), year=int(year)) -> bool:
            return day is not None and p.holds(day) and count.tertial_of(day) == (year, t)

        result.append((label, _period_counts(rows, inside)))
    return result


def _period_counts(rows: list[Row], inside: Callable[[date | None], bool]) -> dict[str, int]:
    return {
        "Påbörjade": sum(1 for r in rows if inside(r.start)),
        "Avslutade": sum(1 for r in rows if r.status == "Avslutad" and inside(r.end)),
        "Avbrutna": sum(1 for r in rows if r.status == "Avbruten" and inside(r.end)),
        "Till arbete eller studier vid avslut": sum(
            1 for r in rows if r.status in count.ENDED and inside(r.end) and r.utfall in r.work),
    }


# --- comparing -------------------------------------------------------------------------------

class Checker:
    def __init__(self, threshold: int):
        self.t = threshold
        self.problems: list[str] = []

    def count(self, where: str, shown, true: int, withheld: bool, exact: bool = False) -> None:
        """``exact``: a place figure (PLACE_FIGURES), shown as it is, small or not. Any other
        figure is the count, 0 or at least the threshold, or ``..`` (see the module docstring);
        ``withheld``: the whole column shows ``..``."""
        below = f"<{self.t}"
        if exact:
            if shown != true:
                self.problems.append(f"{where}: shows {shown!r}, the count is {true}")
            return
        if shown == WITHHELD:
            return
        if isinstance(shown, bool) or not (isinstance(shown, int) or shown == below):
            self.problems.append(f"{where}: shows {shown!r}, not a count, {below} or ..")
        elif isinstance(shown, int) and shown != true:
            self.problems.append(f"{where}: shows {shown}, the count is {true}")
        elif isinstance(shown, int) and 0 < true < self.t:
            self.problems.append(f"{where}: shows the small count {true}")
        elif shown == below and not 0 < true < self.t:
            self.problems.append(f"{where}: shows {below}, the count is {true}")

    def share(self, where: str, shown, num: int, den: int, hidden_parts: bool) -> None:
        if den < SHARE_MIN or hidden_parts:
            # docs/styrgrupp.md: "Andelar visas när nämnaren är minst 10 (annars –)"
            if shown not in (None, "", "–", WITHHELD):
                self.problems.append(f"{where}: shows a share {shown!r} over {den} "
                                     "(under 10, or its parts are hidden)")
        elif shown in (None, "", "–"):
            self.problems.append(f"{where}: hides the share {num}/{den}")
        elif shown == WITHHELD:
            pass  # withheld by the year-wide rule (not decided here, see count())
        elif isinstance(shown, (int, float)) and not isinstance(shown, bool):
            if den < 10 or hidden_parts:
                self.problems.append(f"{where}: shows a share over {den} (hidden or under 10)")
            elif abs(shown - num / den) > 1e-9:
                self.problems.append(f"{where}: shows {shown}, the share is {num}/{den}")
        else:
            self.problems.append(f"{where}: shows {shown!r} as a share")


def _figure(name: str, rows: list[Row], p: Period) -> int:
    return sum(1 for r in rows if FIGURES[name](r, p))


def check_group_table(c: Checker, table: Table, expected: list[tuple[str, list[Row]]],
                      all_rows: list[Row], p: Period, mal: dict[str, int | None],
                      exact: bool = False, places_exact: bool = False) -> None:
    """``exact``: every count as it is; ``places_exact``: the place figures as they are."""
    labels = [r[0] for r in table.rows]
    want = [n for n, _ in expected] + [TOTAL]
    if labels != want:
        c.problems.append(f"{table.sheet}: rows {labels}, expected {want}")
        return
    columns = table.headers[1:]
    for header in columns:
        if header not in COLUMNS:
            c.problems.append(f"{table.sheet}: column {header!r} has no independent count")
    withheld = {h: _withheld(table, i) for i, h in enumerate(table.headers) if i}
    for (name, rows), shown_row in zip([*expected, (TOTAL, all_rows)], table.rows, strict=False):
        for i, header in enumerate(columns, start=1):
            kind = COLUMNS.get(header)
            where = f"{table.sheet} / {name} / {header}"
            if kind is None:
                continue
            if kind[0] == "target":
                targets = [m for m in mal.values() if m is not None]
                want_mal = (sum(targets) if targets else None) if name == TOTAL else mal.get(name)
                if shown_row[i] != want_mal:
                    c.problems.append(f"{where}: shows {shown_row[i]!r}, mål is {want_mal!r}")
            elif kind[0] == "count":
                c.count(where, shown_row[i], _figure(kind[1], rows, p), withheld[header],
                        exact or (places_exact and kind[1] in PLACE_FIGURES))
            else:
                num_col = _header_of(columns, kind[1])
                den_col = _header_of(columns, kind[2])
                hidden = any(not isinstance(shown_row[columns.index(h) + 1], int)
                             for h in (num_col, den_col) if h)
                c.share(where, shown_row[i], _figure(kind[1], rows, p), _figure(kind[2], rows, p),
                        hidden)


def check_pooled_table(c: Checker, table: Table, named: dict[str, list[Row]], universe: list[Row],
                       p: Period, mal: dict[str, int | None], health: set[str] = frozenset(),
                       exact: bool = False, all_named: bool = False,
                       places_exact: bool = False) -> None:
    """A table whose rows are groups, maybe pooled rows, and Totalt (docs/styrgrupp.md).

    A named row is its group; the health row (HEALTH_GROUP) pools the health-revealing forms not
    named; an "Övriga … (sammanslagna)" row pools every other group not named; Totalt is
    ``universe``. So a pooled row equals the sum of its members, and named + pooled = Totalt.
    ``all_named``: every group is listed by name, in catalog order (no pooling on this sheet)."""
    labels = [r[0] for r in table.rows]
    if not labels or labels[-1] != TOTAL:
        c.problems.append(f"{table.sheet}: no Totalt last in {labels}")
        return
    shown_names = [n for n in labels[:-1] if n in named]
    if all_named and shown_names != list(labels[:-1]):
        c.problems.append(f"{table.sheet}: rows {labels}")
        return
    order = [n for n in named if n in shown_names]
    if shown_names != order:
        c.problems.append(f"{table.sheet}: rows {shown_names} not in catalog order {order}")
    health_row = HEALTH_GROUP in labels
    members: dict[str, list[Row]] = {}
    for label in labels:
        if label == TOTAL:
            members[label] = universe
        elif label in named:
            members[label] = named[label]
        elif label == HEALTH_GROUP:
            members[label] = [r for n, rs in named.items() if n in health and n not in shown_names
                              for r in rs]
        elif isinstance(label, str) and label.endswith(POOLED):
            members[label] = [r for n, rs in named.items() if n not in shown_names
                              and not (health_row and n in health) for r in rs]
        else:
            c.problems.append(f"{table.sheet}: row {label!r} is no group")
            return
    expected = [(label, members[label]) for label in labels[:-1]]
    check_group_table(c, table, expected, universe, p, mal, exact, places_exact)


def _withheld(table: Table, column: int) -> bool:
    """A column withheld whole: every group shows .. (the total may stay, known elsewhere)."""
    return all(r[column] == WITHHELD for r in table.rows[:-1])


def _header_of(columns: list[str], figure: str) -> str | None:
    return next((h for h in columns if COLUMNS.get(h) == ("count", figure)), None)


def check_mervarde(c: Checker, found: list[Table], books: list[count.Book], p: Period) -> None:
    expected = count.mervarden(books, p)
    for perspektiv in ("Individ", "Arbetsplats"):
        rows = [m for m in expected if m["perspektiv"] == perspektiv]
        table = next((t for t in found if t.rows and t.rows[0][0] in [m["mervarde"] for m in rows]),
                     None)
        if table is None:
            if any(m["ja"] + m["delvis"] + m["nej"] for m in rows):
                c.problems.append(f"Mervärde: no table for {perspektiv}")
            continue
        if table.headers[1:] != list(MERVARDE_COLUMNS):
            c.problems.append(f"Mervärde: columns {table.headers}")
        if [r[0] for r in table.rows] != [m["mervarde"] for m in rows]:
            c.problems.append(f"Mervärde {perspektiv}: rows {[r[0] for r in table.rows]}")
            continue
        for m, shown in zip(rows, table.rows, strict=False):
            total = m["ja"] + m["delvis"] + m["nej"]
            for i, (key, true) in enumerate((("Ja", m["ja"]), ("Delvis", m["delvis"]),
                                             ("Nej", m["nej"]), ("Bedömningar", total)), start=1):
                c.count(f"Mervärde / {m['mervarde']} / {key}", shown[i], true, False)
            c.share(f"Mervärde / {m['mervarde']} / Andel ja", shown[5], m["ja"], total,
                    not isinstance(shown[1], int) or not isinstance(shown[4], int))


def check_tertials(c: Checker, table: Table, rows: list[Row], p: Period) -> None:
    expected = tertial_groups(rows, p)
    labels = [r[0] for r in table.rows]
    # a non-standard period's one row goes on to say it is never sent: its start is compared
    if len(labels) != len(expected) + 1 or labels[-1] != TOTAL or not all(
            isinstance(shown, str) and shown.startswith(name)
            for shown, (name, _) in zip(labels, expected, strict=False)):
        c.problems.append(f"Utveckling: rows {labels}")
        return
    totals = {h: sum(v[h] for _, v in expected) for h in table.headers[1:]}
    for (name, values), shown in zip([*expected, (TOTAL, totals)], table.rows, strict=False):
        for i, header in enumerate(table.headers[1:], start=1):
            if header not in values:
                c.problems.append(f"Utveckling: column {header!r} has no independent count")
                continue
            c.count(f"Utveckling / {name} / {header}", shown[i], values[header],
                    _withheld(table, i), exact=header == "Påbörjade")


def check_cover(c: Checker, table: Table, rows: list[Row], p: Period,
                mal: dict[str, int | None], forvaltning_total: dict) -> None:
    for label, shown in table.rows:
        kind = COVER.get(label)
        where = f"Om sammanställningen / {label}"
        if kind is None:
            c.problems.append(f"{where}: no independent count")
        elif kind[0] == "target":
            targets = [m for m in mal.values() if m is not None]
            want = sum(targets) if targets else "–"
            if shown != want:
                c.problems.append(f"{where}: shows {shown!r}, mål is {want!r}")
        elif kind[0] == "count":
            c.count(where, shown, _figure(kind[1], rows, p), False, kind[1] in PLACE_FIGURES)
        else:
            num, den = _figure(kind[1], rows, p), _figure(kind[2], rows, p)
            c.share(where, None if shown == "–" else shown, num, den,
                    _hidden_in(forvaltning_total, kind[1], kind[2]))


def _hidden_in(total_row: dict, *figures: str) -> bool:
    return any(total_row.get(f) is not None and not isinstance(total_row[f], int) for f in figures)


# docs/styrgrupp.md: "En tertialrapport visar platserna per förvaltning och stadens utfall; bladen
# Utfall, Kön, Anställningsformer och Mervärde säger då var uppgifterna finns."
TERTIAL_OMITS = ("Utfall", "Kön", "Anställningsformer")


def is_tertial(p: Period) -> bool:
    """One standard tertial: January–April, May–August or September–December of one year."""
    ends = {1: (4, 30), 5: (8, 31), 9: (12, 31)}
    return (p.start.day == 1 and p.start.month in ends and p.end.year == p.start.year
            and (p.end.month, p.end.day) == ends[p.start.month])


def check_chart_data(c: Checker, found: list[Table], named: dict[str, list[Row]], p: Period,
                     mal: dict[str, int | None]) -> None:
    """Diagramdata: the numbers behind Förvaltningar's chart, one row per förvaltning."""
    if len(found) != 1:
        c.problems.append(f"Diagramdata: {len(found)} tables")
        return
    table = found[0]
    if [r[0] for r in table.rows] != list(named):
        c.problems.append(f"Diagramdata: rows {[r[0] for r in table.rows]}")
        return
    for name, shown in zip(named, table.rows, strict=False):
        for header, value in zip(table.headers[1:], shown[1:], strict=False):
            kind = COLUMNS.get(header)
            where = f"Diagramdata / {name} / {header}"
            if kind == ("target",):
                if value != mal.get(name):
                    c.problems.append(f"{where}: shows {value!r}, mål is {mal.get(name)!r}")
            elif kind and kind[0] == "count":
                c.count(where, value, _figure(kind[1], named[name], p), False, exact=True)
            else:
                c.problems.append(f"{where}: no independent count")


def check_workbook(path: Path, books: list[count.Book], p: Period) -> list[str]:
    found = tables(path)
    c = Checker(threshold(books))
    g = groups(books, p)
    rows = g["all"][""]
    kon_rows = [r for rs in g["Kön"].values() for r in rs]
    mal: dict[str, int | None] = {}
    for b in books:
        for name, target in b.forvaltningar:
            if mal.get(name) is None:
                mal[name] = target
    # sheet → (dimension, tables expected, exact and every group named, Totalt's rows, the place
    # figures exact)
    plan = {"Förvaltningar": ("Förvaltningar", 1, True, rows, True),
            "Utfall": ("Förvaltningar", 3, False, rows, True),
            "Kön": ("Kön", 2, False, kon_rows, False),
            "Yrkesområden": ("Yrkesområden", 1, True, rows, True),
            "Anställningsformer": ("Anställningsformer", 1, False, rows, False)}
    for sheet, (dimension, n, exact, universe, places_exact) in plan.items():
        if sheet in TERTIAL_OMITS and is_tertial(p):
            n = 0  # docs/styrgrupp.md: the sheet says where the figures are instead
        if len(found.get(sheet, [])) != n:
            c.problems.append(f"{sheet}: {len(found.get(sheet, []))} tables, expected {n}")
            continue
        for table in found[sheet]:
            check_pooled_table(c, table, g[dimension], universe, p, mal, health_forms(books),
                               exact=exact, all_named=exact, places_exact=places_exact)
    check_chart_data(c, found.get("Diagramdata", []), g["Förvaltningar"], p, mal)
    if is_tertial(p) and found.get("Mervärde"):
        c.problems.append("Mervärde: tables in a tertial report")
    elif not is_tertial(p):
        check_mervarde(c, found.get("Mervärde", []), books, p)
    if len(found.get("Utveckling", [])) == 1:
        check_tertials(c, found["Utveckling"][0], rows, p)
    else:
        c.problems.append("Utveckling: no table")
    forv = found.get("Förvaltningar", [])
    total_row = {}
    if forv and forv[0].rows:
        for h, v in zip(forv[0].headers[1:], forv[0].rows[-1][1:], strict=False):
            if COLUMNS.get(h, ("",))[0] == "count":
                total_row[COLUMNS[h][1]] = v
    check_cover(c, found[COVER_SHEET][0], rows, p, mal, total_row)
    known = {COVER_SHEET, *plan, "Diagramdata", "Mervärde", "Utveckling"}
    for sheet in found:
        if sheet not in known and found[sheet]:
            c.problems.append(f"sheet {sheet!r} has no independent count")
    return c.problems


def shown_cells(path: Path) -> Iterable[tuple[str, str, object]]:
    for sheet, found in tables(path).items():
        for table in found:
            for row in table.rows:
                for h, v in zip(table.headers, row, strict=False):
                    yield sheet, h, v
