"""What the steering group sees: the tally turned into suppressed tables. Pure: no files, no Excel.

The Totalt row of each breakdown (per förvaltning, yrkesområde, anställningsform, tertial) is the
same figure in every breakdown, so each column is suppressed with ``known_totals``: no cell's
protection rests on a total that another sheet shows.

Every count goes through ``suppression``; every share through ``suppression.share`` (both figures
shown, denominator at least 10). The workbook, the e-mail and the report section for the nämnd are
all drawn from one ``SteeringSummary``, so they can never disagree, and none of them can show a
figure the suppression hid. Nothing here holds a name, an identity number, a DeltagarID, free text
or a reason for an early end: only the tally's counts go in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date, datetime

from . import suppression
from .suppression import HIDDEN_SYMBOL, SuppressedTable, share, suppress
from .tally import Counts, GroupRow, MervardeRow, Tally

LABEL, TARGET, COUNT, SHARE = "label", "target", "count", "share"
HEALTH_GROUP = "Former som kan röja hälsouppgift (sammanslagna)"
TOTAL_LABEL = "Totalt"
UNNAMED_LABEL = "Uppgift saknas"

Shown = int | float | str | None  # a count, a share, '<5', '..' or nothing


@dataclass
class SummaryTable:
    key: str
    title: str
    headers: list[str]
    kinds: list[str]
    rows: list[list[Shown]]
    total_row: bool = True
    notes: list[str] = field(default_factory=list)


@dataclass
class SteeringSummary:
    period_from: date
    period_to: date
    generated_at: datetime
    sources: list[str]
    threshold: int
    left_out: int
    tables: list[SummaryTable]
    key_figures: dict[str, Shown]
    organisation: str = ""

    def table(self, key: str) -> SummaryTable:
        return next(t for t in self.tables if t.key == key)

    @property
    def below(self) -> str:
        return suppression.below_symbol(self.threshold)


# --- columns ----------------------------------------------------------------------------------

def _counts_column(values: Sequence[int], threshold: int) -> SuppressedTable:
    return suppress([[v] for v in values], threshold, row_totals=False, col_totals=True,
                    known_totals=True)


class _Columns:
    """Suppressed count columns over the same rows (plus a total row), by name."""

    def __init__(self, threshold: int):
        self.threshold = threshold
        self.shown: dict[str, list[Shown]] = {}
        self.visible: dict[str, list[int | None]] = {}

    def single(self, name: str, values: Sequence[int]) -> None:
        table = _counts_column(values, self.threshold)
        self.shown[name] = [row[0] for row in table.display()]
        self.visible[name] = [table.visible_value(r, 0) for r in range(len(table.values))]

    def block(self, names: Sequence[str], total_name: str, rows: Sequence[Sequence[int]],
              col_totals: bool = True) -> None:
        """Columns that add up to a total column (avslutade + avbrutna = ended, say)."""
        table = suppress(rows, self.threshold, row_totals=True, col_totals=col_totals,
                         known_totals=col_totals)
        display = table.display()
        for c, name in enumerate([*names, total_name]):
            self.shown[name] = [row[c] for row in display]
            self.visible[name] = [table.visible_value(r, c) for r in range(len(table.values))]

    def share(self, numerator: str, denominator: str) -> list[Shown]:
        result: list[Shown] = []
        for n, d in zip(self.visible[numerator], self.visible[denominator]):
            if d == 0:
                result.append(None)
            else:
                value = share(n, d)
                result.append(HIDDEN_SYMBOL if value is None else value)
        return result


def _ended_block(cols: _Columns, counts: Sequence[Counts]) -> None:
    cols.block(("avslutade", "avbrutna"), "ended",
               [[c.avslutade, c.avbrutna] for c in counts])


# --- the tables -------------------------------------------------------------------------------

FORVALTNING_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Förvaltning", LABEL, "name"),
    ("Mål antal platser", TARGET, "mal"),
    ("Platser", COUNT, "platser"),
    ("Påbörjade", COUNT, "paborjade"),
    ("Pågående vid periodens slut", COUNT, "pagaende"),
    ("Avslutade", COUNT, "avslutade"),
    ("Avbrutna", COUNT, "avbrutna"),
    ("Avslutade eller avbrutna", COUNT, "ended"),
    ("Till arbete eller studier vid avslut", COUNT, "till_arbete_eller_studier"),
    ("Andel till arbete eller studier vid avslut", SHARE, "share_end"),
    ("Med känt utfall efter 90 dagar", COUNT, "med_utfall_efter_90"),
    ("Till arbete eller studier efter 90 dagar", COUNT, "till_arbete_eller_studier_efter_90"),
    ("Andel till arbete eller studier efter 90 dagar", SHARE, "share_90"),
    ("Utfärdade kompetensintyg", COUNT, "utfardade_intyg"),
    ("Andel avslutade med intyg", SHARE, "share_intyg"),
    ("Platser med bedömt mervärde", COUNT, "med_mervarde"),
)

# the other breakdowns have the förvaltning columns from Platser to the share at the end
GROUP_COLUMNS: tuple[tuple[str, str, str], ...] = FORVALTNING_COLUMNS[2:10]

SINGLE_FIELDS = ("platser", "paborjade", "pagaende", "till_arbete_eller_studier",
                 "med_utfall_efter_90", "till_arbete_eller_studier_efter_90", "utfardade_intyg",
                 "med_mervarde")


def _group_columns(counts: Sequence[Counts], threshold: int, fields: Sequence[str]) -> _Columns:
    cols = _Columns(threshold)
    for name in SINGLE_FIELDS:
        if name in fields:
            cols.single(name, [getattr(c, name) for c in counts])
    _ended_block(cols, counts)
    cols.shown["share_end"] = cols.share("till_arbete_eller_studier", "ended")
    if "share_90" in fields:
        cols.shown["share_90"] = cols.share("till_arbete_eller_studier_efter_90",
                                            "med_utfall_efter_90")
    if "share_intyg" in fields:
        cols.shown["share_intyg"] = cols.share("utfardade_intyg", "avslutade")
    return cols


def _group_table(key: str, title: str, label: str, groups: Sequence[GroupRow], threshold: int,
                 columns: Sequence[tuple[str, str, str]], notes: Sequence[str] = ()
                 ) -> SummaryTable:
    names = [f for _, _, f in columns]
    counts = [g.counts for g in groups] or [Counts()]  # no group: the total row alone, all 0
    cols = _group_columns(counts, threshold, names)
    mal_values = [g.mal for g in groups if g.mal is not None]
    rows: list[list[Shown]] = []
    for i in range(len(groups) + 1):
        is_total = i == len(groups)
        row: list[Shown] = []
        for _, kind, f in columns:
            if kind == LABEL:
                row.append(TOTAL_LABEL if is_total else groups[i].name)
            elif kind == TARGET:  # a target is a promise, not a count of people: shown as it is
                row.append((sum(mal_values) if mal_values else None) if is_total else groups[i].mal)
            else:
                row.append(cols.shown[f][-1] if is_total else cols.shown[f][i])
        rows.append(row)
    headers = [label if kind == LABEL else h for h, kind, _ in columns]
    return SummaryTable(key, title, headers, [k for _, k, _ in columns], rows, True, list(notes))


def _with_unnamed(groups: Sequence[GroupRow], total: Counts) -> list[GroupRow]:
    """docs/styrgrupp.md: Totalt is the same figure on every sheet. A counted placement without a
    yrkesområde (or an anställningsform) is in that total, so it is shown in a row of its own."""
    named = Counts()
    for g in groups:
        named.add(g.counts)
    rest = Counts(**{f.name: getattr(total, f.name) - getattr(named, f.name)
                     for f in dataclass_fields(Counts)})
    if any(getattr(rest, f.name) for f in dataclass_fields(Counts)):
        return [*groups, GroupRow(UNNAMED_LABEL, rest)]
    return list(groups)


def _active(groups: Sequence[GroupRow]) -> list[GroupRow]:
    return [g for g in groups if g.counts.platser or g.counts.avslutade or g.counts.avbrutna
            or g.counts.paborjade]


def merge_health_forms(groups: Sequence[GroupRow]) -> list[GroupRow]:
    """Every form that reveals health goes into one group: no such form is shown on its own."""
    merged = GroupRow(HEALTH_GROUP, Counts(), None, True)
    result: list[GroupRow] = []
    for g in groups:
        if g.rojer_halsouppgift:
            merged.counts.add(g.counts)
        else:
            result.append(g)
    if any(g.rojer_halsouppgift for g in groups):
        result.append(merged)
    return result


def _mervarde_table(perspektiv: str, rows: Sequence[MervardeRow], threshold: int) -> SummaryTable:
    cols = _Columns(threshold)
    rows = [m for m in rows if m.perspektiv == perspektiv]
    if rows:
        cols.block(("ja", "delvis", "nej"), "bedomningar", [[m.ja, m.delvis, m.nej] for m in rows],
                   col_totals=False)
        share_ja = cols.share("ja", "bedomningar")
    table_rows = [[m.mervarde, cols.shown["ja"][i], cols.shown["delvis"][i], cols.shown["nej"][i],
                   cols.shown["bedomningar"][i], share_ja[i]] for i, m in enumerate(rows)]
    title = ("Mervärde för individen" if perspektiv == "Individ" else "Mervärde för arbetsplatsen")
    return SummaryTable(
        f"mervarde_{perspektiv.lower()}", title,
        ["Mervärde", "Ja", "Delvis", "Nej", "Bedömningar", "Andel ja"],
        [LABEL, COUNT, COUNT, COUNT, COUNT, SHARE], table_rows, total_row=False,
        notes=["Antal bedömningar under perioden, registrerade på bladet Mervärde. En plats kan "
               "bedömas flera gånger och på flera mervärden, så raderna summeras inte."])


TERTIAL_MONTHS = {1: "jan–apr", 2: "maj–aug", 3: "sep–dec"}


def tertials(monthly: Sequence[tuple[str, Counts]]) -> list[GroupRow]:
    """Started and ended placements per tertial (four months), from the tally's months."""
    groups: dict[str, GroupRow] = {}
    for month, counts in monthly:
        year, m = int(month[:4]), int(month[5:7])
        t = (m - 1) // 4 + 1
        label = f"Tertial {t} {year} ({TERTIAL_MONTHS[t]})"
        groups.setdefault(label, GroupRow(label, Counts())).counts.add(counts)
    return list(groups.values())


def _tertial_table(t: Tally, threshold: int) -> SummaryTable:
    groups = tertials(t.monthly)
    counts = [g.counts for g in groups]
    cols = _Columns(threshold)
    cols.single("paborjade", [c.paborjade for c in counts])
    cols.single("avslutade", [c.avslutade for c in counts])
    cols.single("avbrutna", [c.avbrutna for c in counts])
    cols.single("till_arbete_eller_studier", [c.till_arbete_eller_studier for c in counts])
    names = [g.name for g in groups] + [TOTAL_LABEL]
    rows = [[names[i], cols.shown["paborjade"][i], cols.shown["avslutade"][i],
             cols.shown["avbrutna"][i], cols.shown["till_arbete_eller_studier"][i]]
            for i in range(len(names))]
    return SummaryTable("tertialer", "Utveckling per tertial",
                        ["Tertial", "Påbörjade", "Avslutade", "Avbrutna",
                         "Till arbete eller studier vid avslut"],
                        [LABEL, COUNT, COUNT, COUNT, COUNT], rows,
                        notes=["Placeringar räknas i det tertial de började respektive slutade."])


def build_summary(t: Tally, threshold: int, generated_at: datetime, organisation: str = ""
                  ) -> SteeringSummary:
    threshold = suppression.effective_threshold(threshold)
    forv = _group_table(
        "forvaltningar", "Per förvaltning", "Förvaltning", t.forvaltningar, threshold,
        FORVALTNING_COLUMNS,
        ["Mål antal platser är förvaltningens åtagande för året, från bladet Förvaltningar.",
         "Andel efter 90 dagar räknas på de placeringar som har ett registrerat utfall efter 90 "
         "dagar. Andel avslutade med intyg räknas på avslutade placeringar."])
    yrke = _group_table("yrkesomraden", "Per yrkesområde", "Yrkesområde",
                        _active(_with_unnamed(t.yrkesomraden, t.total)), threshold,
                        (("Yrkesområde", LABEL, "name"), *GROUP_COLUMNS))
    former = _group_table(
        "anstallningsformer", "Per anställningsform", "Anställningsform",
        merge_health_forms(_active(_with_unnamed(t.anstallningsformer, t.total))),
        threshold,
        (("Anställningsform", LABEL, "name"), *GROUP_COLUMNS),
        [f"{HEALTH_GROUP}: anställningsformer som enligt katalogen röjer en hälsouppgift "
         "(till exempel lönebidrag och offentligt skyddat arbete) redovisas bara tillsammans."])
    tables = [forv, yrke, former, _mervarde_table("Individ", t.mervarden, threshold),
              _mervarde_table("Arbetsplats", t.mervarden, threshold), _tertial_table(t, threshold)]
    total = dict(zip([f for _, _, f in FORVALTNING_COLUMNS], forv.rows[-1]))
    key = {k: total[k] for k in ("mal", "platser", "paborjade", "pagaende", "avslutade",
                                 "avbrutna", "ended", "till_arbete_eller_studier", "share_end",
                                 "share_90", "utfardade_intyg", "share_intyg")}
    return SteeringSummary(t.period_from, t.period_to, generated_at, list(t.sources), threshold,
                           t.utelamnade_rader, tables, key, organisation)


# --- words ------------------------------------------------------------------------------------

def shown_text(value: Shown, kind: str = COUNT) -> str:
    """A shown value as text for e-mail and Word: '12', '<5', '..', '43 %' or ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if kind == SHARE:
        return f"{round(value * 100):d} %"
    return f"{value:d}" if isinstance(value, int) else str(value)


def legend(threshold: int) -> list[tuple[str, str]]:
    below = suppression.below_symbol(threshold)
    return [
        (below, f"Färre än {threshold}. Små antal redovisas inte, så att ingen person kan pekas ut."),
        ("..", "Redovisas inte: annars skulle ett dolt antal kunna räknas fram ur en summa "
               "(ibland döljs därför en hel kolumn), eller, för andelar, är nämnaren under 10 "
               "eller dold."),
        ("0", "Inga alls. En nolla pekar inte ut någon och visas därför."),
    ]


def definitions() -> list[tuple[str, str]]:
    return [
        ("Platser", "Erbjudna platser och placeringar som pågått någon gång under perioden."),
        ("Påbörjade", "Placeringar med startdatum under perioden."),
        ("Pågående vid periodens slut", "Placeringar som börjat och inte slutat när perioden slutar."),
        ("Avslutade / Avbrutna", "Placeringar med den statusen och slutdatum under perioden."),
        ("Till arbete eller studier", "Av de placeringar som slutat under perioden: de vars utfall "
                                      "räknas som arbete eller studier enligt bladet Utfall."),
        ("Efter 90 dagar", "Samma sak, för utfallet 90 dagar efter slutdatum."),
        ("Utfärdade kompetensintyg", "Avslutade placeringar under perioden med ett giltigt intyg "
                                     "i Intygsregistret."),
        ("Mervärde", "Bedömningar av mervärde för individen och arbetsplatsen (Ja, Delvis, Nej) "
                     "gjorda under perioden."),
    ]


def as_text_rows(table: SummaryTable) -> list[list[str]]:
    return [[shown_text(v, k) for v, k in zip(row, table.kinds)] for row in table.rows]


def chart_series(summary: SteeringSummary) -> tuple[list[str], list[int | None], list[int | None]]:
    """Förvaltningar with their mål and the places shown (None where hidden): for charts."""
    forv = summary.table("forvaltningar")
    names, mal, platser = [], [], []
    for row in forv.rows[:-1]:
        names.append(str(row[0]))
        mal.append(row[1] if isinstance(row[1], int) else None)
        platser.append(row[2] if isinstance(row[2], int) else None)
    return names, mal, platser


__all__ = [
    "SteeringSummary",
    "SummaryTable",
    "as_text_rows",
    "build_summary",
    "chart_series",
    "definitions",
    "legend",
    "merge_health_forms",
    "shown_text",
]
