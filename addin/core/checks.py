"""Every rule of the workbook contract as a check that returns problems.

A rule is a function ``(ctx) -> Iterable[Problem]`` listed in ``RULES``; ``validate`` runs them all
and sorts the problems in sheet, row and column order. Each message is Swedish and says what is
wrong and what to do. Lists come from the workbook's own catalog sheets, never from code.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from . import schema
from .identity import InvalidIdentity, parse_identity
from .model import Placement, Problem, Register
from .values import format_date

FEL, VARNING = schema.SEVERITY_FEL, schema.SEVERITY_VARNING
P, D, B, M = schema.PLATSER, schema.DELTAGARE, schema.BEDOMNINGAR, schema.MERVARDE
NINETY_DAYS = timedelta(days=90)


@dataclass
class Context:
    register: Register
    today: date

    @cached_property
    def placements_by_id(self) -> dict[str, Placement]:
        result: dict[str, Placement] = {}
        for p in self.register.placements:
            result.setdefault(p.plats_id, p)
        return result

    @cached_property
    def participant_ids(self) -> set[str]:
        return {d.deltagar_id for d in self.register.participants if d.deltagar_id}

    @cached_property
    def unreadable_rows(self) -> dict[str, set[int]]:
        """Sheet → rows with a value that could not be read (already reported while reading)."""
        rows: dict[str, set[int]] = defaultdict(set)
        for p in self.register.read_problems:
            rows[p.sheet].add(p.row)
        return rows

    @cached_property
    def competence_pairs(self) -> dict[tuple[str, str], set[str]]:
        """(modul, kompetens) → the yrkesområden it belongs to ('' for the general modules)."""
        pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
        for k in self.register.catalog.kompetenser:
            pairs[(k.modul, k.kompetens)].add(k.yrkesomrade)
        return pairs


Rule = Callable[[Context], Iterable[Problem]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def _p(sheet: str, row: int, column: str, value: object, message: str,
       severity: str = FEL) -> Problem:
    shown = format_date(value) if isinstance(value, date) else ("" if value is None else str(value))
    return Problem(sheet, row, column, shown, message, severity)


def _listed(items: Iterable[str]) -> str:
    items = list(items)
    return ", ".join(items[:6]) + (" …" if len(items) > 6 else "")


# --- Deltagare -------------------------------------------------------------------------------

def _ids_required_and_unique(sheet: str, records: Iterable, attr: str, column: str,
                             what: str) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for record in records:
        value = getattr(record, attr)
        if not value:
            yield _p(sheet, record.row, column, "", f"{column} saknas. Varje {what} behöver ett "
                     "eget ID.")
        elif value in seen:
            yield _p(sheet, record.row, column, value, f"{column} {value} finns redan på rad "
                     f"{seen[value]}. Ett ID får bara användas en gång.")
        else:
            seen[value] = record.row


@rule
def deltagar_id_required_and_unique(ctx: Context) -> Iterator[Problem]:
    return _ids_required_and_unique(D, ctx.register.participants, "deltagar_id", "DeltagarID",
                                    "deltagare")


@rule
def names_required(ctx: Context) -> Iterator[Problem]:
    for d in ctx.register.participants:
        for column, value in (("Förnamn", d.fornamn), ("Efternamn", d.efternamn)):
            if not value:
                yield _p(D, d.row, column, "", f"{column} saknas.")


# Characters that hide or reorder text (bidirectional overrides, zero-width marks) and control
# characters: in a name on a certificate they can make it read as something else.
def _unsafe_characters(value: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value)


@rule
def no_hidden_characters(ctx: Context) -> Iterator[Problem]:
    fields = ((D, ctx.register.participants, ("Förnamn", "fornamn"), ("Efternamn", "efternamn")),
              (P, ctx.register.placements, ("Arbetsplats", "arbetsplats"),
               ("Handledare", "handledare"), ("Arbetsuppgifter", "arbetsuppgifter")))
    for sheet, records, *columns in fields:
        for record in records:
            for column, attr in columns:
                value = getattr(record, attr)
                if value and not value.isprintable() and _unsafe_characters(value):
                    yield _p(sheet, record.row, column, value.encode("unicode_escape").decode(),
                             f"{column} innehåller dolda tecken eller styrtecken (till exempel "
                             "radbrytning eller tecken som vänder textriktningen). Skriv om texten "
                             "med vanliga tecken.")


@rule
def personnummer_valid(ctx: Context) -> Iterator[Problem]:
    for d in ctx.register.participants:
        if d.personnummer:
            try:
                parse_identity(d.personnummer, ctx.today)
            except InvalidIdentity as reason:
                yield _p(D, d.row, "Personnummer", d.personnummer,
                         f"Ogiltigt personnummer eller samordningsnummer: {reason}")


@rule
def kon_and_sprak_from_lists(ctx: Context) -> Iterator[Problem]:
    for d in ctx.register.participants:
        if d.kon and d.kon not in schema.KON:
            yield _p(D, d.row, "Kön", d.kon, f"Kön ska vara ett av: {_listed(schema.KON)}.")
        if d.intygssprak and d.intygssprak not in schema.INTYGSSPRAK:
            yield _p(D, d.row, "Intygsspråk", d.intygssprak,
                     "Intygsspråk ska vara Svenska eller Engelska (tomt betyder Svenska).")


# --- Platser ---------------------------------------------------------------------------------

@rule
def plats_id_required_and_unique(ctx: Context) -> Iterator[Problem]:
    return _ids_required_and_unique(P, ctx.register.placements, "plats_id", "PlatsID", "plats")


@rule
def status_from_list(ctx: Context) -> Iterator[Problem]:
    for p in ctx.register.placements:
        if p.status not in schema.STATUSES:
            yield _p(P, p.row, "Status", p.status,
                     "Status saknas." if not p.status else
                     f"Okänd status. Välj en av: {_listed(schema.STATUSES)}.")


@rule
def catalog_references(ctx: Context) -> Iterator[Problem]:
    cat = ctx.register.catalog
    for p in ctx.register.placements:
        if p.forvaltning not in cat.forvaltningar:
            yield _p(P, p.row, "Förvaltning", p.forvaltning, "Förvaltning saknas." if not
                     p.forvaltning else "Förvaltningen finns inte på bladet Förvaltningar.")
        if p.yrkesomrade not in cat.yrkesomraden:
            yield _p(P, p.row, "Yrkesområde", p.yrkesomrade, "Yrkesområde saknas." if not
                     p.yrkesomrade else "Yrkesområdet finns inte på bladet Yrkesområden.")
        if not p.arbetsplats:
            yield _p(P, p.row, "Arbetsplats", "", "Arbetsplats saknas. Skriv enhet och arbetsplats.")


@rule
def anstallningsform_valid_on_start(ctx: Context) -> Iterator[Problem]:
    forms = ctx.register.catalog.anstallningsformer
    for p in ctx.register.placements:
        form = forms.get(p.anstallningsform)
        if form is None:
            yield _p(P, p.row, "Anställningsform", p.anstallningsform, "Anställningsform saknas."
                     if not p.anstallningsform else
                     "Anställningsformen finns inte på bladet Anställningsformer.")
        elif p.startdatum and not form.valid_on(p.startdatum):
            span = f"{format_date(form.giltig_fran) or '…'}–{format_date(form.giltig_till) or '…'}"
            yield _p(P, p.row, "Anställningsform", p.anstallningsform,
                     f"{p.anstallningsform} gäller {span} och kan inte användas för en plats som "
                     f"startar {format_date(p.startdatum)}.")


@rule
def participant_and_supervisor(ctx: Context) -> Iterator[Problem]:
    for p in ctx.register.placements:
        offered = p.status == schema.STATUS_ERBJUDEN
        if p.deltagar_id and p.deltagar_id not in ctx.participant_ids:
            yield _p(P, p.row, "DeltagarID", p.deltagar_id,
                     "DeltagarID finns inte på bladet Deltagare.")
        elif not p.deltagar_id and not offered and p.status in schema.STATUSES:
            yield _p(P, p.row, "DeltagarID", "", f"DeltagarID saknas. En plats med status "
                     f"{p.status} ska ange sin deltagare.")
        if not p.handledare and not offered and p.status in schema.STATUSES:
            yield _p(P, p.row, "Handledare", "", "Handledare saknas.")


@rule
def dates_in_order(ctx: Context) -> Iterator[Problem]:
    for p in ctx.register.placements:
        ended = p.status in schema.ENDED_STATUSES
        if p.startdatum is None and p.status in (schema.STATUS_PAGAENDE, *schema.ENDED_STATUSES) \
                and not p.unreadable:
            yield _p(P, p.row, "Startdatum", "", f"Startdatum saknas för en plats med status "
                     f"{p.status}.")
        if p.startdatum and p.planerat_slutdatum and p.planerat_slutdatum < p.startdatum:
            yield _p(P, p.row, "Planerat slutdatum", p.planerat_slutdatum,
                     "Planerat slutdatum ligger före startdatum.")
        if p.startdatum and p.slutdatum and p.slutdatum < p.startdatum:
            yield _p(P, p.row, "Slutdatum", p.slutdatum, "Slutdatum ligger före startdatum.")
        if p.slutdatum and p.slutdatum > ctx.today:
            yield _p(P, p.row, "Slutdatum", p.slutdatum, "Slutdatum ligger i framtiden. Fyll i "
                     "slutdatum först när platsen har tagit slut; använd Planerat slutdatum innan dess.")
        if ended and p.slutdatum is None and not p.unreadable:
            yield _p(P, p.row, "Slutdatum", "", f"Slutdatum saknas. En plats med status {p.status} "
                     "ska ha ett slutdatum.")
        if not ended and p.slutdatum is not None and p.status in schema.STATUSES:
            yield _p(P, p.row, "Slutdatum", p.slutdatum, f"En plats med status {p.status} ska inte "
                     "ha något slutdatum. Ändra status till Avslutad eller Avbruten, eller töm cellen.")


@rule
def sysselsattningsgrad_in_range(ctx: Context) -> Iterator[Problem]:
    for p in ctx.register.placements:
        grad = p.sysselsattningsgrad
        if grad is not None and not 1 <= grad <= 100:
            yield _p(P, p.row, "Sysselsättningsgrad", f"{grad:g} %",
                     "Sysselsättningsgraden ska vara mellan 1 och 100 %.")
        elif grad is None and p.status == schema.STATUS_AVSLUTAD and not p.unreadable:
            yield _p(P, p.row, "Sysselsättningsgrad", "", "Sysselsättningsgrad saknas; den står på "
                     "kompetensintyget.", VARNING)


@rule
def arbetsuppgifter_when_completed(ctx: Context) -> Iterator[Problem]:
    for p in ctx.register.placements:
        if p.status == schema.STATUS_AVSLUTAD and not p.arbetsuppgifter:
            yield _p(P, p.row, "Arbetsuppgifter", "", "Arbetsuppgifter saknas. De står på "
                     "kompetensintyget och krävs när platsen är avslutad.")


@rule
def avbrottsorsak_only_when_interrupted(ctx: Context) -> Iterator[Problem]:
    reasons = ctx.register.catalog.avbrottsorsaker
    for p in ctx.register.placements:
        if p.avbrottsorsak and p.avbrottsorsak not in reasons:
            yield _p(P, p.row, "Avbrottsorsak", p.avbrottsorsak,
                     "Avbrottsorsaken finns inte på bladet Avbrottsorsaker.")
        elif p.status == schema.STATUS_AVBRUTEN and not p.avbrottsorsak:
            yield _p(P, p.row, "Avbrottsorsak", "", "Avbrottsorsak saknas för en avbruten plats.")
        elif p.avbrottsorsak and p.status != schema.STATUS_AVBRUTEN and p.status in schema.STATUSES:
            yield _p(P, p.row, "Avbrottsorsak", p.avbrottsorsak, f"Avbrottsorsak ska bara anges när "
                     f"status är Avbruten (här: {p.status}).")


@rule
def utfall(ctx: Context) -> Iterator[Problem]:
    outcomes = ctx.register.catalog.utfall
    for p in ctx.register.placements:
        ended = p.status in schema.ENDED_STATUSES
        for column, value in (("Utfall vid avslut", p.utfall_vid_avslut),
                              ("Utfall efter 90 dagar", p.utfall_efter_90)):
            if value and value not in outcomes:
                yield _p(P, p.row, column, value, "Utfallet finns inte på bladet Utfall.")
        if ended and not p.utfall_vid_avslut:
            yield _p(P, p.row, "Utfall vid avslut", "", "Utfall vid avslut saknas. Ange vad "
                     "deltagaren gick vidare till.", VARNING)
        if p.utfall_vid_avslut and not ended and p.status in schema.STATUSES:
            yield _p(P, p.row, "Utfall vid avslut", p.utfall_vid_avslut, "Utfall vid avslut kan "
                     "bara anges när platsen är avslutad eller avbruten.")
        if p.utfall_efter_90:
            if p.slutdatum is None:
                if not p.unreadable:
                    yield _p(P, p.row, "Utfall efter 90 dagar", p.utfall_efter_90,
                             "Utfall efter 90 dagar kräver ett slutdatum.")
            elif p.slutdatum + NINETY_DAYS > ctx.today:
                yield _p(P, p.row, "Utfall efter 90 dagar", p.utfall_efter_90,
                         f"Utfall efter 90 dagar kan anges först från "
                         f"{format_date(p.slutdatum + NINETY_DAYS)}.")


@rule
def no_overlapping_placements(ctx: Context) -> Iterator[Problem]:
    far = date.max
    by_participant: dict[str, list[Placement]] = defaultdict(list)
    for p in ctx.register.placements:
        if p.deltagar_id and p.startdatum and p.status in schema.STATUSES[1:]:
            by_participant[p.deltagar_id].append(p)
    for deltagar_id, placements in by_participant.items():
        placements.sort(key=lambda p: (p.startdatum, p.row))
        latest: Placement | None = None
        for p in placements:
            if latest is not None and p.startdatum <= (latest.slutdatum or far):  # type: ignore[operator]
                yield _p(P, p.row, "Startdatum", p.startdatum,
                         f"Deltagaren {deltagar_id} har redan plats {latest.plats_id} (rad "
                         f"{latest.row}) under samma tid. En deltagare kan inte ha två platser "
                         "samtidigt.")
            if latest is None or (p.slutdatum or far) > (latest.slutdatum or far):
                latest = p


# --- Bedömningar ------------------------------------------------------------------------------

@rule
def assessment_placement(ctx: Context) -> Iterator[Problem]:
    for a in ctx.register.assessments:
        p = ctx.placements_by_id.get(a.plats_id)
        if not a.plats_id:
            yield _p(B, a.row, "PlatsID", "", "PlatsID saknas.")
        elif p is None:
            yield _p(B, a.row, "PlatsID", a.plats_id, "PlatsID finns inte på bladet Platser.")
        elif p.status == schema.STATUS_ERBJUDEN:
            yield _p(B, a.row, "PlatsID", a.plats_id, "Platsen har status Erbjuden och kan inte "
                     "bedömas förrän den har börjat.")
        elif a.datum and p.startdatum:
            last = p.slutdatum or ctx.today
            if not p.startdatum <= a.datum <= last:
                yield _p(B, a.row, "Datum", a.datum, f"Datumet ligger utanför anställningen "
                         f"({format_date(p.startdatum)} – {format_date(last)}).")


@rule
def assessment_fields(ctx: Context) -> Iterator[Problem]:
    levels = ctx.register.catalog.nivaer
    for a in ctx.register.assessments:
        if a.datum is None and a.row not in ctx.unreadable_rows[B]:
            yield _p(B, a.row, "Datum", "", "Datum saknas.")
        if a.tillfalle not in schema.TILLFALLEN:
            yield _p(B, a.row, "Tillfälle", a.tillfalle,
                     f"Tillfälle ska vara ett av: {_listed(schema.TILLFALLEN)}.")
        if a.niva is None:
            if a.row not in ctx.unreadable_rows[B]:
                yield _p(B, a.row, "Nivå", "", "Nivå saknas.")
        elif a.niva not in levels:
            yield _p(B, a.row, "Nivå", a.niva,
                     f"Nivån finns inte på bladet Nivåer ({_listed(str(n) for n in sorted(levels))}).")
        if not a.bedomd_av:
            yield _p(B, a.row, "Bedömd av", "", "Ange vem som har gjort bedömningen.")


@rule
def assessment_competence(ctx: Context) -> Iterator[Problem]:
    pairs = ctx.competence_pairs
    for a in ctx.register.assessments:
        areas = pairs.get((a.modul, a.kompetens))
        if a.modul not in schema.MODULER:
            yield _p(B, a.row, "Modul", a.modul, f"Modul ska vara en av: {_listed(schema.MODULER)}.")
        elif areas is None:
            yield _p(B, a.row, "Kompetens", a.kompetens, f"Kompetensen finns inte i modulen "
                     f"{a.modul} på bladet Kompetenser.")
        elif a.modul == schema.MODUL_YRKESKOMPETENS:
            p = ctx.placements_by_id.get(a.plats_id)
            if p is not None and p.yrkesomrade and p.yrkesomrade not in areas:
                yield _p(B, a.row, "Kompetens", a.kompetens, f"Yrkeskompetensen hör till "
                         f"{_listed(sorted(areas))}, men platsen {a.plats_id} gäller {p.yrkesomrade}.")


@rule
def assessment_not_twice(ctx: Context) -> Iterator[Problem]:
    first: dict[tuple[str, str, str, str], int] = {}
    for a in ctx.register.assessments:
        key = (a.plats_id, a.tillfalle, a.modul, a.kompetens)
        if key in first:
            yield _p(B, a.row, "Kompetens", a.kompetens, f"Samma kompetens är redan bedömd vid "
                     f"samma tillfälle på rad {first[key]}; den senare raden räknas.", VARNING)
        else:
            first[key] = a.row


# --- Mervärde ---------------------------------------------------------------------------------

@rule
def mervarde_rows(ctx: Context) -> Iterator[Problem]:
    pairs = set(ctx.register.catalog.mervarden)
    for m in ctx.register.mervarden:
        if not m.plats_id:
            yield _p(M, m.row, "PlatsID", "", "PlatsID saknas.")
        elif m.plats_id not in ctx.placements_by_id:
            yield _p(M, m.row, "PlatsID", m.plats_id, "PlatsID finns inte på bladet Platser.")
        if m.datum is None and m.row not in ctx.unreadable_rows[M]:
            yield _p(M, m.row, "Datum", "", "Datum saknas.")
        if m.perspektiv not in schema.PERSPEKTIV:
            yield _p(M, m.row, "Perspektiv", m.perspektiv, "Perspektiv ska vara Individ eller "
                     "Arbetsplats.")
        elif (m.perspektiv, m.mervarde) not in pairs:
            yield _p(M, m.row, "Mervärde", m.mervarde, f"Mervärdet finns inte för perspektivet "
                     f"{m.perspektiv} på bladet Mervärden.")
        if m.bedomning not in schema.BEDOMNING_VARDEN:
            yield _p(M, m.row, "Bedömning", m.bedomning, "Bedömning ska vara Ja, Delvis eller Nej.")


# --- Catalog and settings ---------------------------------------------------------------------

@rule
def catalog_consistency(ctx: Context) -> Iterator[Problem]:
    cat = ctx.register.catalog
    for f in cat.forvaltningar.values():
        if f.mal is not None and f.mal < 0:
            yield _p(schema.FORVALTNINGAR, f.row, "Mål antal platser", f.mal,
                     f"{f.name}: målet kan inte vara negativt.")
    for name, form in cat.anstallningsformer.items():
        if form.giltig_fran and form.giltig_till and form.giltig_till < form.giltig_fran:
            yield _p(schema.ANSTALLNINGSFORMER, form.row, "Giltig till", form.giltig_till,
                     f"{name}: Giltig till ligger före Giltig från.")


@rule
def settings_in_range(ctx: Context) -> Iterator[Problem]:
    s = ctx.register.settings
    sheet = schema.INSTALLNINGAR
    if not 0 <= s.lagsta_niva <= 4:
        yield _p(sheet, s.rows.get(schema.S_LAGSTA_NIVA, 0), "Värde", s.lagsta_niva,
                 "Lägsta nivå på intyget ska vara en nivå mellan 0 och 4.")
    if s.minsta_antal < 1:
        yield _p(sheet, s.rows.get(schema.S_MINSTA_ANTAL, 0), "Värde", s.minsta_antal,
                 "Minsta redovisade antal ska vara minst 1.")
    if s.period_from and s.period_to and s.period_to < s.period_from:
        yield _p(sheet, s.rows.get(schema.S_PERIOD_TILL, 0), "Värde", s.period_to,
                 "Rapportperiodens slut ligger före dess början.")


def validate(register: Register, today: date | None = None) -> list[Problem]:
    """All problems of a register, reading problems included, in sheet, row and column order."""
    ctx = Context(register, today or date.today())
    problems = list(register.read_problems)
    for check in RULES:
        problems.extend(check(ctx))
    return sort_problems(problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    sheet_order = {spec.name: i for i, spec in enumerate(schema.DATA_SHEETS + schema.CATALOG_SHEETS)}

    def key(p: Problem) -> tuple[int, int, int]:
        spec = schema.SPEC_BY_NAME.get(p.sheet)
        column = spec.headers.index(p.column) if spec and p.column in spec.headers else 99
        return sheet_order.get(p.sheet, 99), p.row or 0, column

    return sorted(problems, key=key)


def rows_with_errors(problems: Iterable[Problem]) -> dict[str, set[int]]:
    """Sheet → Excel rows that have at least one Fel (for eligibility of certificates)."""
    result: dict[str, set[int]] = defaultdict(set)
    for p in problems:
        if p.severity == FEL and p.row:
            result[p.sheet].add(p.row)
    return result


def count_by_severity(problems: Iterable[Problem]) -> Counter[str]:
    return Counter(p.severity for p in problems)
