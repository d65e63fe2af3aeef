"""What each button does, over any ``xw.Book``: read with the adapter, compute with the core, write.

Shared by the xlwings Server scripts (``scripts``) and the desktop entry points (``desktop``). Each
function says which sheets it reads (``*_SHEETS``); the server scripts send exactly those, so a
button never carries more of the register over the network than it needs. Each returns an
``Outcome`` whose ``summary`` is the Swedish line the task pane shows.

A problem the user can fix raises ``AmanstError``; the entry points turn it into Excel's message.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..collector import bulk_objects
from ..core import checks, schema
from ..core.compute import compute
from ..core.errors import AmanstError
from ..core.figures import NO_REGISTER, CertificateFacts
from ..core.reading import find_sheet as find_raw
from ..operations import ValidateResult
from . import book as xbook
from . import form as xform

INPUT_SHEETS = tuple(s.name for s in schema.ALL_INPUT_SHEETS)
KONTROLLERA_SHEETS = (*INPUT_SHEETS, schema.INTYGSREGISTER, xbook.MARKS_SHEET)
# A summary states how many Fel and Varningar its register has and counts by kön, so it reads what
# Kontrollera reads (Deltagare included); nothing of it is kept on the server.
SAMMANSTALL_SHEETS = INPUT_SHEETS
NYTT_FORMULAR_SHEETS = (schema.PLATSER, schema.KOMPETENSER, schema.NIVAER, schema.FORMULAR)
SPARA_SHEETS = (schema.PLATSER, schema.KOMPETENSER, schema.NIVAER, schema.BEDOMNINGAR,
                schema.FORMULAR)


@dataclass
class Outcome:
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


def _register_sheets(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if n in schema.SPEC_BY_NAME)


def kontrollera(book: Any, today: date | None = None, now: datetime | None = None) -> Outcome:
    """Check every rule; mark offending cells; list the problems on Kontroll."""
    today, now = today or date.today(), now or datetime.now()
    with bulk_objects():  # ~100,000 small objects and no cycles, let go before the block ends
        loaded = xbook.load(book, _register_sheets(KONTROLLERA_SHEETS), today)
        problems = checks.validate(loaded.register, today)
        xbook.write_kontroll(book, problems, loaded.raw, now)
        del loaded
    result = ValidateResult(problems)
    return Outcome(f"Kontrollera: {result.summary} Se bladet {schema.KONTROLL}.",
                   {"fel": result.errors, "varningar": result.warnings})


def sammanstall(book: Any, today: date | None = None, now: datetime | None = None,
                certificates: CertificateFacts = NO_REGISTER) -> Outcome:
    """Tally the report period from Inställningar onto Sammanställning; ``certificates`` are the
    certificate register's (the entry point reads them where the settings say)."""
    today, now = today or date.today(), now or datetime.now()
    with bulk_objects():
        register = xbook.load(book, _register_sheets(SAMMANSTALL_SHEETS), today).register
        computed = compute([register], None, None, today, certificates)
    t, basis = computed.tally, computed.basis
    xbook.write_sammanstallning(book, t, now, basis)
    return Outcome(f"Sammanställ {t.period_from} – {t.period_to}: {t.total.platser} platser, "
                   f"{t.total.avslutade} avslutade, {t.total.avbrutna} avbrutna, "
                   f"{t.total.utfardade_intyg} utfärdade kompetensintyg. {basis.quality()} "
                   f"Se bladet {schema.SAMMANSTALLNING}.",
                   {"platser": t.total.platser, "avslutade": t.total.avslutade,
                    "avbrutna": t.total.avbrutna, "utfardade_intyg": t.total.utfardade_intyg,
                    "fel": basis.fel, "varningar": basis.varningar,
                    "preliminar": basis.preliminary})


def _read_form(book: Any) -> xform.Form:
    sheet = xbook.find_sheet(book, schema.FORMULAR)
    return xform.parse(xbook.read_grid(sheet)) if sheet is not None else xform.Form()


def nytt_bedomningsformular(book: Any, plats_id: str = "", tillfalle: str = "",
                            today: date | None = None) -> Outcome:
    """Write the Formulär sheet for one placement and Tillfälle (asking for them if not given)."""
    today = today or date.today()
    current = _read_form(book)
    if current.filled and not current.head.saved:
        raise AmanstError(f"Formuläret för {current.head.plats_id or 'platsen'} har ifyllda nivåer "
                          "som inte är sparade. Klicka på Spara bedömning, eller töm kolumnen "
                          "Nivå, innan du skapar ett nytt formulär.")
    plats_id = (plats_id or current.head.plats_id).strip()
    tillfalle = (tillfalle or current.head.tillfalle).strip()
    loaded = xbook.load(book, _register_sheets(NYTT_FORMULAR_SHEETS), today)
    register = loaded.register
    placements = {p.plats_id: p for p in register.placements}
    plats_raw = find_raw(loaded.raw, schema.PLATSER)

    if not plats_id or not tillfalle:
        _write_form(book, xform.choose_grid(today, plats_id, tillfalle), plats_raw, [], register)
        return Outcome("Nytt bedömningsformulär: välj PlatsID och Tillfälle på bladet "
                       f"{schema.FORMULAR} och klicka igen.")
    placement = placements.get(plats_id)
    if placement is None:
        raise AmanstError(f"PlatsID {plats_id} finns inte på bladet {schema.PLATSER}. Välj en "
                          f"plats i listan i cell B{xform.ROW_PLATS} på bladet {schema.FORMULAR}.")
    if placement.status == schema.STATUS_ERBJUDEN:
        raise AmanstError(f"Platsen {plats_id} har status {schema.STATUS_ERBJUDEN} och kan inte "
                          "bedömas förrän den har börjat.")
    if tillfalle not in schema.TILLFALLEN:
        raise AmanstError(f"Tillfälle ska vara ett av: {', '.join(schema.TILLFALLEN)} "
                          f"(cell B{xform.ROW_TILLFALLE} på bladet {schema.FORMULAR}).")
    competences = register.catalog.competences_for(placement.yrkesomrade)
    if not competences:
        raise AmanstError(f"Bladet {schema.KOMPETENSER} har inga kompetenser. Fyll i katalogen "
                          "först.")
    grid = xform.form_grid(placement, tillfalle, competences, today)
    _write_form(book, grid, plats_raw, sorted(register.catalog.nivaer), register)
    return Outcome(f"Nytt bedömningsformulär för {plats_id}, {tillfalle}: {len(competences)} "
                   "kompetenser att bedöma.", {"plats_id": plats_id, "rader": len(competences)})


def _write_form(book: Any, grid: list[list[Any]], plats_raw: Any, levels: list[int],
                register: Any) -> None:
    sheet = xbook.replace_sheet(book, schema.FORMULAR)
    xbook.write_block(sheet, 1, 1, grid, len(xform.HEADERS))
    title = xbook.cells(sheet, 1, 1).font
    title.bold = True
    title.size = 14
    labels = xbook.cells(sheet, xform.ROW_PLATS, 1, xform.ROW_STATUS, 1)
    labels.font.bold = True
    xbook.cells(sheet, xform.ROW_PLATS, 2, xform.ROW_BEDOMD_AV, 2).color = "#FFF2CC"
    # What the user types as Bedömd av and as comments stays as typed (not 0012 → 12).
    xbook.text_format(sheet, xform.ROW_BEDOMD_AV, 2, xform.ROW_BEDOMD_AV, 2)
    xbook.cells(sheet, xform.ROW_DATUM, 2).number_format = "yyyy-mm-dd"
    xbook.set_widths(book, sheet, xform.WIDTHS)
    _dropdown(xbook.cells(sheet, xform.ROW_TILLFALLE, 2), list(schema.TILLFALLEN))
    if plats_raw is not None and plats_raw.rows:
        col = next((i for i, h in enumerate(plats_raw.headers, start=1)
                    if h.strip().casefold() == "platsid"), None)
        platser = xbook.find_sheet(book, schema.PLATSER)
        if col is not None and platser is not None:
            last = plats_raw.rows[-1][0]
            _dropdown(xbook.cells(sheet, xform.ROW_PLATS, 2),
                      xbook.cells(platser, plats_raw.header_row + 1, col, last, col))
    if len(grid) > xform.HEADER_ROW:
        last = len(grid)
        xbook.style_header(sheet, xform.HEADER_ROW, len(xform.HEADERS))
        entry = xbook.cells(sheet, xform.FIRST_ROW, 3, last, 4)
        entry.color = "#FFF2CC"
        xbook.cells(sheet, xform.FIRST_ROW, 2, last, 2).wrap_text = True
        xbook.text_format(sheet, xform.FIRST_ROW, 4, last, 4)
        if levels:
            _dropdown(xbook.cells(sheet, xform.FIRST_ROW, 3, last, 3), [str(n) for n in levels])
    sheet.activate()


def _dropdown(rng: Any, source: Any) -> None:
    """A list validation; older hosts without the data-validation API simply get none."""
    with contextlib.suppress(AttributeError, NotImplementedError, ValueError, TypeError):
        rng.data_validation.set_list(source)


def spara_bedomning(book: Any, today: date | None = None, now: datetime | None = None) -> Outcome:
    """Check the filled form and append its rows to Bedömningar (never twice)."""
    today, now = today or date.today(), now or datetime.now()
    form = _read_form(book)
    head = form.head
    where = f"på bladet {schema.FORMULAR}"
    if not head.plats_id or not head.tillfalle:
        raise AmanstError(f"Det finns inget ifyllt formulär {where}. Klicka på Nytt "
                          "bedömningsformulär först.")
    if not form.filled:
        raise AmanstError(f"Ingen kompetens har någon nivå ifylld {where}. Fyll i kolumnen Nivå "
                          "och försök igen.")
    if not head.bedomd_av:
        raise AmanstError(f"Fyll i Bedömd av (cell B{xform.ROW_BEDOMD_AV}) {where}.")
    try:
        datum = xform.form_date(head, today)
    except xform.NotAValue:
        raise AmanstError(f"Datum (cell B{xform.ROW_DATUM}) {where} är inget datum. Skriv det som "
                          "ÅÅÅÅ-MM-DD.") from None
    loaded = xbook.load(book, _register_sheets(SPARA_SHEETS), today)
    register = loaded.register
    earlier = [a.row for a in register.assessments
               if a.plats_id == head.plats_id and a.tillfalle == head.tillfalle]
    if earlier:
        raise AmanstError(f"{head.tillfalle} för {head.plats_id} finns redan på bladet "
                          f"{schema.BEDOMNINGAR} (rad {min(earlier)}–{max(earlier)}) och sparas "
                          "inte en gång till. Ändra där i stället.")

    rows = xform.assessment_rows(form, datum)
    bedomningar = find_raw(loaded.raw, schema.BEDOMNINGAR)
    assert bedomningar is not None, "xbook.load refuses a book without the sheet"
    problems = _check_new_rows(book, loaded.raw, bedomningar, rows, form, today)
    if problems:
        shown = "; ".join(p.rstrip(".") for p in problems[:5]) + (
            f" (och {len(problems) - 5} till)" if len(problems) > 5 else "")
        raise AmanstError(f"Bedömningen sparades inte: {shown}.")
    first, last = xbook.append_rows(book, schema.BEDOMNINGAR, bedomningar, rows)
    sheet = xbook.find_sheet(book, schema.FORMULAR)
    xbook.write_block(sheet, xform.ROW_STATUS, 2, [[xform.saved_status(now, first, last)]])
    return Outcome(f"Spara bedömning: {len(rows)} rader för {head.plats_id}, {head.tillfalle} "
                   f"sparade på bladet {schema.BEDOMNINGAR} (rad {first}–{last}).",
                   {"plats_id": head.plats_id, "rader": len(rows), "forsta": first, "sista": last})


def _check_new_rows(book: Any, read: dict[str, Any], bedomningar: Any, rows: list[dict[str, Any]],
                    form: xform.Form, today: date) -> list[str]:
    """Run the core's rules on the new rows alone (in their future Bedömningar rows); their
    messages, by form row. Earlier rows are Kontrollera's business, not a reason to refuse."""
    from ..core.model import RawSheet
    from ..core.reading import load_register

    raw = dict(read)
    last_filled = max((r for r, values in bedomningar.rows
                       if any(v not in (None, "") for v in values)), default=bedomningar.header_row)
    headers = list(schema.SPEC_BY_NAME[schema.BEDOMNINGAR].headers)
    new_rows = [(last_filled + 1 + i, [row[h] for h in headers]) for i, row in enumerate(rows)]
    raw[schema.BEDOMNINGAR] = RawSheet(schema.BEDOMNINGAR, headers, new_rows)
    for spec in schema.REQUIRED_SHEETS:
        raw.setdefault(spec.name, xbook.stub(spec))
    register = load_register(raw, source=book.name, today=today)
    form_row = {target: r.row for (target, _), r in zip(new_rows, form.filled, strict=True)}
    messages = []
    for p in checks.validate(register, today):
        if (p.sheet == schema.BEDOMNINGAR and p.row in form_row
                and p.severity == schema.SEVERITY_FEL):
            messages.append(f"rad {form_row[p.row]} ({p.column}): {p.message}")
    return messages
