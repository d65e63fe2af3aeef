"""What the steering group sees: the tallies turned into tables that are safe across a year.

* **Places per förvaltning** (mål, platser, påbörjade, pågående, avslutade eller avbrutna) and per
  yrkesområde are shown exactly: they say how many places a förvaltning delivered, nothing about
  what happened to a person.
* **Outcomes** (avslutade and avbrutna apart, to work or studies, after 90 days, certificates) per
  förvaltning, and everything per anställningsform and per kön, go through ``disclosure``: a
  förvaltning whose figures are too few in some tertial of the year is pooled with others into
  one row, the same way in every standard report of the year, so no report and no difference of
  two reports shows a count from 1 to threshold − 1.
* Shares are shown where the denominator is at least 10 (``figures.share``).

The workbook, the e-mail and the report section are all drawn from one ``SteeringSummary``; the
city-level figures come from ``figures`` like the tally JSON's and the Sammanställning sheet's.
Nothing here holds a name, an identity number, a DeltagarID, free text or a reason for an early
end: only counts go in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from . import disclosure, figures, suppression
from .basis import Basis
from .disclosure import Pair, YearPlan
from .figures import COUNT, SHARE, TARGET
from .period import TERTIAL_MONTHS, StandardPeriod
from .tally import Counts, GroupRow, MervardeRow, Tally
from .year_tallies import AtomTallies, PeriodTallies

LABEL = "label"
HEALTH_GROUP = "Former som kan röja hälsouppgift (sammanslagna)"
TOTAL_LABEL = "Totalt"
HIDDEN_SYMBOL = suppression.HIDDEN_SYMBOL  # ".."
NO_SHARE = "–"
Shown = int | float | str | None  # a count, a share, '..', '–' or nothing
Column = tuple[str, str]  # (figure key or "name", kind)


@dataclass
class SummaryTable:
    key: str
    title: str
    headers: list[str]
    kinds: list[str]
    rows: list[list[Shown]]
    total_row: bool = True
    notes: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # the figure key of each column
    pools: dict[str, list[str]] = field(default_factory=dict)  # pooled row → its members


@dataclass
class SteeringSummary:
    period: StandardPeriod
    generated_at: datetime
    basis: Basis
    threshold: int
    tables: list[SummaryTable]
    key_figures: dict[str, Shown]
    organisation: str = ""
    certificate_statement: str = ""
    contact: str = ""

    @property
    def period_from(self) -> date:
        return self.period.start

    @property
    def period_to(self) -> date:
        return self.period.end

    @property
    def sources(self) -> list[str]:
        return self.basis.sources

    @property
    def left_out(self) -> int:
        return len(self.basis.left_out)

    @property
    def below(self) -> str:
        return suppression.below_symbol(self.threshold)

    def table(self, key: str) -> SummaryTable:
        return next(t for t in self.tables if t.key == key)

    def find(self, key: str) -> SummaryTable | None:
        return next((t for t in self.tables if t.key == key), None)

    def period_text(self) -> str:
        return f"{self.period_from:%Y-%m-%d} – {self.period_to:%Y-%m-%d}"


# --- pairs for disclosure: one family of figures each ------------------------------------------

def pairs_outcome(c: Counts, public: bool) -> list[Pair]:
    """Avslutade, avbrutna and to work or studies, each a part of the places ended."""
    ended = c.avslutade + c.avbrutna
    return [Pair(c.avslutade, ended, public), Pair(c.avbrutna, ended, public),
            Pair(c.till_arbete_eller_studier, ended, public)]


def pairs_90(c: Counts, public: bool) -> list[Pair]:
    return [Pair(c.med_utfall_efter_90, c.avslutade + c.avbrutna, public),
            Pair(c.till_arbete_eller_studier_efter_90, c.med_utfall_efter_90)]


def pairs_intyg(c: Counts, public: bool) -> list[Pair]:
    return [Pair(c.utfardade_intyg, c.avslutade, public)]


def pairs_volume(atom: Counts, cumulative: Counts, before: Counts | None) -> list[Pair]:
    return [Pair(cumulative.platser), Pair(atom.platser), Pair(atom.paborjade),
            Pair(atom.pagaende), Pair(atom.avslutade + atom.avbrutna),
            Pair(before.pagaende if before else 0)]


Groups = Callable[[Tally], list[GroupRow]]
PairsOf = Callable[[Counts, bool], list[Pair]]
KON_OTHER = "Annat kön eller uppgift saknas"


def merge_health_forms(groups: Sequence[GroupRow]) -> list[GroupRow]:
    """Every form that reveals health goes into one group: no such form is shown on its own."""
    return _merge(groups, lambda g: g.rojer_halsouppgift, HEALTH_GROUP)


def merge_other_kon(groups: Sequence[GroupRow]) -> list[GroupRow]:
    """Kvinna and Man, and everyone else (Annat, Uppgift saknas) as one group."""
    return _merge(groups, lambda g: g.name not in ("Kvinna", "Man"), KON_OTHER)


def _merge(groups: Sequence[GroupRow], merged_if: Callable[[GroupRow], bool], name: str
           ) -> list[GroupRow]:
    merged = GroupRow(name, Counts(), None, True)
    result: list[GroupRow] = []
    for g in groups:
        if merged_if(g):
            merged.counts.add(g.counts)
        else:
            result.append(g)
    if any(merged_if(g) for g in groups):
        result.append(merged)
    return result


@dataclass(frozen=True)
class Plan:
    """One table's disclosure plan: which breakdown, which figures, which pools must hold."""

    key: str
    groups: Groups
    families: tuple[PairsOf, ...]
    volume_public: bool  # places per unit are shown exactly (förvaltning): not checked here
    family: str  # figures whose city total is one and the same across breakdowns
    after: str | None = None  # a plan whose pools this one's must contain


PLANS: tuple[Plan, ...] = (
    Plan("utfall_forvaltningar", lambda t: t.forvaltningar, (pairs_outcome,), True, "utfall"),
    Plan("intyg_forvaltningar", lambda t: t.forvaltningar, (pairs_intyg,), True, "intyg",
         "utfall_forvaltningar"),
    Plan("utfall90_forvaltningar", lambda t: t.forvaltningar, (pairs_90,), True, "efter90"),
    Plan("anstallningsformer", lambda t: merge_health_forms(t.anstallningsformer),
         (pairs_outcome,), False, "utfall"),
    Plan("kon", lambda t: merge_other_kon(t.kon), (pairs_outcome,), False, "utfall"),
    Plan("intyg_kon", lambda t: merge_other_kon(t.kon), (pairs_intyg,), False, "intyg", "kon"),
)


def _by_name(rows: Sequence[GroupRow]) -> dict[str, Counts]:
    return {g.name: g.counts for g in rows}


def plan_checks(pt: PeriodTallies, at: AtomTallies, plan: Plan
                ) -> tuple[list[str], dict[str, list[list[Pair]]]]:
    """The units of a table and their pairs at every atom."""
    units = [g.name for g in plan.groups(pt.tally)]
    atom_rows = [_by_name(plan.groups(t)) for t in at.atoms]
    cumulative = [_by_name(plan.groups(t)) for t in at.cumulative]
    before = _by_name(plan.groups(at.before))
    checks: dict[str, list[list[Pair]]] = {}
    for u in units:
        checks[u] = []
        for j, rows in enumerate(atom_rows):
            c = rows.get(u, Counts())
            pairs = [p for family in plan.families for p in family(c, plan.volume_public)]
            if not plan.volume_public:
                pairs += pairs_volume(c, cumulative[j].get(u, Counts()),
                                      before.get(u, Counts()) if j == 0 else None)
            checks[u].append(pairs)
    return units, checks


FAMILY_KEYS = {"utfall": ("avslutade", "avbrutna", "till_arbete_eller_studier", "share_end"),
               "intyg": ("utfardade_intyg", "share_intyg"),
               "efter90": ("med_utfall_efter_90", "till_arbete_eller_studier_efter_90",
                           "share_90")}
CITY_PLANS = {"utfall": PLANS[0], "intyg": PLANS[1], "efter90": PLANS[2]}


def city_withheld(pt: PeriodTallies, threshold: int) -> set[str]:
    """The families of figures the city cannot show for this period: too few in a tertial it
    covers (the city's figures are shown per tertial, so each tertial must hold)."""
    result = set()
    for family, plan in CITY_PLANS.items():
        units, checks = plan_checks(pt, pt.city, plan)
        fails = disclosure.city_fails(units, checks, threshold)
        if any(a in fails for a in pt.city.covered):
            result.add(family)
    return result


def year_plans(pt: PeriodTallies, at: AtomTallies, threshold: int) -> dict[str, YearPlan]:
    """One plan per breakdown table; an atom the city fails for a family of figures in one table
    is withheld in every table with those figures (the city's figure is the same in all)."""
    prepared = {plan.key: plan_checks(pt, at, plan) for plan in PLANS}
    withheld: dict[str, frozenset[int]] = {}
    for plan in PLANS:
        units, checks = prepared[plan.key]
        fails = disclosure.city_fails(units, checks, threshold)
        withheld[plan.family] = withheld.get(plan.family, frozenset()) | fails
    result: dict[str, YearPlan] = {}
    for plan in PLANS:  # in order: a plan's "after" comes before it
        units, checks = prepared[plan.key]
        result[plan.key] = disclosure.plan_year(
            units, checks, threshold, withheld[plan.family],
            result[plan.after].pools if plan.after else None)
    return result


# --- tables ------------------------------------------------------------------------------------

VOLUME_COLUMNS: tuple[Column, ...] = (("platser", COUNT), ("paborjade", COUNT),
                                      ("pagaende", COUNT), ("ended", COUNT))
OUTCOME_COLUMNS: tuple[Column, ...] = (("ended", COUNT), ("avslutade", COUNT), ("avbrutna", COUNT),
                                       ("till_arbete_eller_studier", COUNT), ("share_end", SHARE))
INTYG_COLUMNS: tuple[Column, ...] = (("avslutade", COUNT), ("utfardade_intyg", COUNT),
                                     ("share_intyg", SHARE))
AFTER_90_COLUMNS: tuple[Column, ...] = (("ended", COUNT), ("med_utfall_efter_90", COUNT),
                                        ("till_arbete_eller_studier_efter_90", COUNT),
                                        ("share_90", SHARE))
GROUP_COLUMNS: tuple[Column, ...] = (*VOLUME_COLUMNS, *OUTCOME_COLUMNS[1:])
PUBLIC_VOLUME = {"mal", "platser", "paborjade", "pagaende", "ended"}  # per förvaltning


def _cell(values: dict, key: str, kind: str, hidden: bool) -> Shown:
    if hidden:
        return HIDDEN_SYMBOL
    value = values[key]
    if kind == SHARE and value is None:
        return NO_SHARE
    return value


def _row(name: str, counts: Counts, mal: int | None, columns: Sequence[Column],
         hidden: Callable[[str], bool]) -> list[Shown]:
    values = figures.values(counts, mal)
    return [name] + [_cell(values, key, kind, hidden(key)) for key, kind in columns]


def _table(key: str, title: str, label: str, rows: list[list[Shown]], columns: Sequence[Column],
           notes: Sequence[str] = (), pools: dict[str, list[str]] | None = None) -> SummaryTable:
    return SummaryTable(key, title, [label] + [figures.label(k) for k, _ in columns],
                        [LABEL] + [kind for _, kind in columns], rows, True, list(notes),
                        ["name"] + [k for k, _ in columns], pools or {})


def volume_table(key: str, title: str, label: str, groups: Sequence[GroupRow], total: Counts,
                 total_mal: int | None, with_target: bool, notes: Sequence[str]) -> SummaryTable:
    columns = ((("mal", TARGET),) if with_target else ()) + VOLUME_COLUMNS
    rows = [_row(g.name, g.counts, g.mal, columns, lambda _: False) for g in groups]
    rows.append(_row(TOTAL_LABEL, total, total_mal, columns, lambda _: False))
    return _table(key, title, label, rows, columns, notes)


def pooled_table(key: str, title: str, label: str, pool_label: str, groups: Sequence[GroupRow],
                 plan: YearPlan, at: AtomTallies, columns: Sequence[Column],
                 protected: Callable[[str], bool], notes: Sequence[str],
                 withheld: bool = False) -> SummaryTable:
    """Units one by one, the pooled ones as one row, and the total; withheld columns as '..'."""
    pool = plan.pool_for(len(at.atoms) - 1)
    withheld = withheld or plan.withheld(at.covered)

    def hidden(k: str) -> bool:
        return withheld and protected(k)

    rows, pooled, total = [], Counts(), Counts()
    for g in groups:
        total.add(g.counts)
        if g.name in pool:
            pooled.add(g.counts)
        elif g.counts != Counts() or key.endswith("forvaltningar"):  # forms no one holds: left out
            rows.append(_row(g.name, g.counts, None, columns, hidden))
    members = [g.name for g in groups if g.name in pool]
    notes = list(notes)
    if members and len(members) == len(groups):
        notes.append("Siffrorna är för få för att visas var för sig under någon tertial av året "
                     "och redovisas därför bara för alla tillsammans.")
    elif members:
        rows.append(_row(pool_label, pooled, None, columns, hidden))
        notes.append(f"{pool_label}: {', '.join(members)}. Deras siffror är under någon tertial "
                     "av året för få för att visas var för sig och redovisas därför tillsammans, "
                     "i alla årets rapporter.")
    rows.append(_row(TOTAL_LABEL, total, None, columns, hidden))
    if withheld:
        notes.append(f"{HIDDEN_SYMBOL}: för få i hela staden under en tertial som perioden "
                     "omfattar för att kunna visas utan att någon kan pekas ut.")
    pools = {pool_label: members} if members and len(members) < len(groups) else {}
    return _table(key, title, label, rows, columns, notes, pools)


def _not_public(key: str) -> bool:
    return key not in PUBLIC_VOLUME


def _always(_: str) -> bool:
    return True


def mervarde_table(perspektiv: str, pt: PeriodTallies, at: AtomTallies, threshold: int
                   ) -> SummaryTable:
    def rows_of(t: Tally) -> dict[str, MervardeRow]:
        return {m.mervarde: m for m in t.mervarden if m.perspektiv == perspektiv}

    names = list(rows_of(pt.tally))
    checks = {n: [[Pair(r.ja, r.total), Pair(r.delvis, r.total), Pair(r.nej, r.total),
                   Pair(r.total)]
                  for r in (rows_of(t).get(n, MervardeRow(perspektiv, n)) for t in at.atoms)]
              for n in names}
    shown = disclosure.rows_shown(names, checks, at.covered, threshold)
    rows: list[list[Shown]] = []
    for name, m in rows_of(pt.tally).items():
        if name in shown:
            rows.append([name, m.ja, m.delvis, m.nej, m.total,
                         figures.share(m.ja, m.total) if m.total >= 10 else NO_SHARE])
        else:
            rows.append([name] + [HIDDEN_SYMBOL] * 4 + [NO_SHARE])
    title = "Mervärde för individen" if perspektiv == "Individ" else "Mervärde för arbetsplatsen"
    return SummaryTable(
        f"mervarde_{perspektiv.lower()}", title,
        ["Mervärde", "Ja", "Delvis", "Nej", "Bedömningar", "Andel ja"],
        [LABEL, COUNT, COUNT, COUNT, COUNT, SHARE], rows, total_row=False,
        notes=["Antal bedömningar under perioden, registrerade på bladet Mervärde. En plats kan "
               "bedömas flera gånger och på flera mervärden, så raderna summeras inte. "
               f"{HIDDEN_SYMBOL}: för få bedömningar under januari–augusti eller "
               "september–december för att visas."],
        keys=["name", "ja", "delvis", "nej", "bedomningar", "andel_ja"])


def tertial_table(pt: PeriodTallies, threshold: int, withheld: set[str]) -> SummaryTable:
    columns: tuple[Column, ...] = (("paborjade", COUNT), ("avslutade", COUNT),
                                   ("avbrutna", COUNT), ("till_arbete_eller_studier", COUNT))
    units, checks = plan_checks(pt, pt.city, CITY_PLANS["utfall"])
    fails = disclosure.city_fails(units, checks, threshold)
    rows = []
    for j in pt.city.covered:
        atom = pt.city.atoms[j]
        t = (atom.period_from.month - 1) // 4 + 1
        name = (f"Tertial {t} {atom.period_from.year} ({TERTIAL_MONTHS[t]})"
                if pt.period.standard else pt.period.label)
        rows.append(_row(name, atom.total, None, columns,
                         lambda k, j=j: j in fails and _not_public(k)))
    rows.append(_row(TOTAL_LABEL, pt.tally.total, None, columns,
                     lambda k: "utfall" in withheld and _not_public(k)))
    return _table("tertialer", "Utveckling per tertial", "Tertial", rows, columns,
                  ["Placeringar räknas i det tertial de började respektive slutade."])


# --- the summary -------------------------------------------------------------------------------

def _active(groups: Sequence[GroupRow]) -> list[GroupRow]:
    return [g for g in groups if g.counts.platser or g.counts.avslutade or g.counts.avbrutna
            or g.counts.paborjade]


def key_figures(pt: PeriodTallies, withheld: set[str]) -> dict[str, Shown]:
    """The city's figures, from ``figures`` like every other output's; a family of figures too
    few in a tertial the period covers is '..'."""
    values = figures.values(pt.tally.total, pt.tally.total_mal)
    hidden = {k for family in withheld for k in FAMILY_KEYS[family]}
    return {k: HIDDEN_SYMBOL if k in hidden else
            (NO_SHARE if figures.BY_KEY[k].kind == SHARE and values[k] is None else values[k])
            for k in figures.KEY_FIGURES}


@dataclass
class _Builder:
    pt: PeriodTallies
    at: AtomTallies
    plans: dict[str, YearPlan]
    withheld: set[str]

    def pooled(self, key: str, title: str, label: str, pool_label: str,
               groups: Sequence[GroupRow], columns: Sequence[Column],
               protected: Callable[[str], bool], notes: Sequence[str]) -> SummaryTable:
        plan = next(p for p in PLANS if p.key == key)
        return pooled_table(key, title, label, pool_label, groups, self.plans[key], self.at,
                            columns, protected, notes, plan.family in self.withheld)


def volume_tables(pt: PeriodTallies) -> list[SummaryTable]:
    t = pt.tally
    return [
        volume_table("forvaltningar", "Platser per förvaltning", "Förvaltning", t.forvaltningar,
                     t.total, t.total_mal, True,
                     ["Mål antal platser är förvaltningens åtagande för året, från bladet "
                      "Förvaltningar. Platserna visas exakt: de säger hur många platser "
                      "förvaltningen levererat, inget om enskilda personer."]),
        volume_table("yrkesomraden", "Platser per yrkesområde", "Yrkesområde",
                     _active(t.yrkesomraden), t.total, None, False,
                     ["Utfallen redovisas per förvaltning, per kön och för hela staden."]),
    ]


def breakdown_tables(b: _Builder) -> list[SummaryTable]:
    t = b.pt.tally
    other = "Övriga förvaltningar (sammanslagna)"
    kon = merge_other_kon(t.kon)
    return [
        b.pooled("utfall_forvaltningar", "Utfall vid avslut per förvaltning", "Förvaltning", other,
                 t.forvaltningar, OUTCOME_COLUMNS, _not_public,
                 ["Andelar visas när nämnaren är minst 10."]),
        b.pooled("intyg_forvaltningar", "Kompetensintyg per förvaltning", "Förvaltning", other,
                 t.forvaltningar, INTYG_COLUMNS, _not_public,
                 [figures.BY_KEY["utfardade_intyg"].definition]),
        b.pooled("utfall90_forvaltningar", "Utfall efter 90 dagar per förvaltning", "Förvaltning",
                 other, t.forvaltningar, AFTER_90_COLUMNS, _not_public,
                 ["Andelen räknas på dem som har ett registrerat utfall 90 dagar efter "
                  "slutdatum."]),
        b.pooled("kon", "Platser och utfall per kön", "Kön", "Övriga (sammanslagna)", kon,
                 GROUP_COLUMNS, _always,
                 ["Kön enligt bladet Deltagare. Erbjudna platser som ingen har tillträtt, och "
                  "platser vars DeltagarID inte finns på bladet Deltagare, har inget kön och ingår "
                  "inte. Per förvaltning och kön blir antalen för små för att visas."]),
        b.pooled("intyg_kon", "Kompetensintyg per kön", "Kön", "Övriga (sammanslagna)", kon,
                 INTYG_COLUMNS, _always, []),
        b.pooled("anstallningsformer", "Per anställningsform", "Anställningsform",
                 "Övriga anställningsformer (sammanslagna)",
                 merge_health_forms(t.anstallningsformer), GROUP_COLUMNS, _always,
                 [f"{HEALTH_GROUP}: anställningsformer som enligt katalogen röjer en hälsouppgift "
                  "(till exempel lönebidrag och offentligt skyddat arbete) redovisas bara "
                  "tillsammans."]),
    ]


def build_tables(pt: PeriodTallies, threshold: int, withheld: set[str]) -> list[SummaryTable]:
    tables = volume_tables(pt)
    if pt.breakdown is not None:
        plans = year_plans(pt, pt.breakdown, threshold)
        tables[1:1] = breakdown_tables(_Builder(pt, pt.breakdown, plans, withheld))
        tables += [mervarde_table("Individ", pt, pt.breakdown, threshold),
                   mervarde_table("Arbetsplats", pt, pt.breakdown, threshold)]
    return [*tables, tertial_table(pt, threshold, withheld)]


def build_summary(pt: PeriodTallies, basis: Basis, threshold: int, generated_at: datetime,
                  organisation: str = "", contact: str = "") -> SteeringSummary:
    threshold = suppression.effective_threshold(threshold)
    withheld = city_withheld(pt, threshold)
    return SteeringSummary(pt.period, generated_at, basis, threshold,
                           build_tables(pt, threshold, withheld), key_figures(pt, withheld),
                           organisation, pt.tally.certificate_words, contact)


# --- words -------------------------------------------------------------------------------------

def shown_text(value: Shown, kind: str = COUNT) -> str:
    """A shown value as text for e-mail and Word: '12', '..', '–', '43 %' or ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if kind == SHARE:
        return f"{round(value * 100):d} %"
    return f"{value:d}" if isinstance(value, int) else str(value)


def legend(threshold: int) -> list[tuple[str, str]]:
    return [
        ("(sammanslagna)", f"Förvaltningar, anställningsformer eller kön med färre än {threshold} "
                           "i något utfall under någon tertial redovisas tillsammans, samma sätt "
                           "i alla årets rapporter. Då kan inget litet antal räknas fram, inte "
                           "heller genom att jämföra två rapporter (helår minus delår)."),
        (HIDDEN_SYMBOL, "Redovisas inte: för få i hela staden under en tertial som perioden "
                        "omfattar."),
        (NO_SHARE, "Ingen andel: nämnaren är under 10."),
        ("0", "Inga alls. En nolla pekar inte ut någon och visas därför."),
    ]


def definitions() -> list[tuple[str, str]]:
    shown = ("platser", "paborjade", "pagaende", "ended", "avslutade", "avbrutna",
             "till_arbete_eller_studier", "till_arbete_eller_studier_efter_90", "utfardade_intyg")
    return [(figures.label(k), figures.BY_KEY[k].definition) for k in shown] + [
        ("Mervärde", "Bedömningar av mervärde för individen och arbetsplatsen (Ja, Delvis, Nej) "
                     "gjorda under perioden.")]


def as_text_rows(table: SummaryTable) -> list[list[str]]:
    return [[shown_text(v, k) for v, k in zip(row, table.kinds, strict=True)] for row in table.rows]


def chart_series(summary: SteeringSummary) -> tuple[list[str], list[int | None], list[int | None]]:
    """Förvaltningar with their mål and places (exact figures): for charts."""
    forv = summary.table("forvaltningar")
    names, mal, platser = [], [], []
    for row in forv.rows[:-1]:
        names.append(str(row[0]))
        mal.append(row[1] if isinstance(row[1], int) else None)
        platser.append(row[2] if isinstance(row[2], int) else None)
    return names, mal, platser


__all__ = [
    "COUNT",
    "LABEL",
    "SHARE",
    "TARGET",
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
