"""Every value read honestly (issues 13 and 15): error values, formulas, implausible dates,
decomposed text and one person on two rows are each a Fel at the cell they are in."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from addin.core import checks, schema
from addin.core.reading import load_register
from addin.core.tally import tally
from addin.core.values import excel_error, text
from tests.builders import (
    TEST_PNR,
    TODAY,
    assessment,
    book,
    luhn_number,
    mervarde,
    participant,
    placement,
    register,
    valid_register,
)

ERRORS = ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"]


def problems_of(reg):
    return [(p.sheet, p.row, p.column, p.severity) for p in checks.validate(reg, TODAY)]


def only(reg, sheet: str, column: str, row: int = 2):
    problems = checks.validate(reg, TODAY)
    assert [(p.sheet, p.row, p.column, p.severity) for p in problems] == [
        (sheet, row, column, "Fel")], [p.message for p in problems]
    return problems[0]


# --- Excel error values ---------------------------------------------------------------------

@pytest.mark.parametrize("code", ERRORS)
def test_an_error_value_is_recognised(code):
    assert excel_error(code) == code
    assert excel_error(code.lower()) == code


@pytest.mark.parametrize("swedish, code", [("#SAKNAS!", "#N/A"), ("#REFERENS!", "#REF!"),
                                           ("#VÄRDEFEL!", "#VALUE!"), ("#DIVISION/0!", "#DIV/0!"),
                                           ("#NAMN?", "#NAME?"), ("#OGILTIGT!", "#NUM!"),
                                           ("#SKÄRNING!", "#NULL!")])
def test_swedish_excel_names_of_error_values_are_recognised(swedish, code):
    assert excel_error(swedish) == code


@pytest.mark.parametrize("value", ["", None, "#1 i kön", "# N/A", "N/A", 0, "#"])
def test_other_values_are_no_error_values(value):
    assert excel_error(value) is None


@pytest.mark.parametrize("code", ERRORS)
def test_an_error_in_an_optional_column_is_a_fel_that_names_it(code):
    reg = valid_register(placements=[placement(**{"Utfall efter 90 dagar": code})])
    p = only(reg, "Platser", "Utfall efter 90 dagar")
    assert p.value == code
    assert code in p.message and "felvärde" in p.message
    assert "Skriv in värdet" in p.message


def test_an_error_in_a_required_column_is_named_not_called_missing():
    reg = valid_register(participants=[participant(Förnamn="#N/A")])
    p = only(reg, "Deltagare", "Förnamn")
    assert "#N/A" in p.message and "#SAKNAS!" in p.message and "LETARAD" in p.message
    assert not p.message.startswith("Förnamn saknas")


@pytest.mark.parametrize("column", ["Startdatum", "Sysselsättningsgrad", "Förvaltning"])
def test_an_error_in_a_placement_leaves_it_out_of_the_tally(column):
    reg = valid_register(placements=[placement(**{column: "#REF!"})])
    assert only(reg, "Platser", column).value == "#REF!"
    t = tally([reg], date(2026, 1, 1), date(2026, 12, 31))
    assert t.utelamnade_rader == 1 and t.total.platser == 0


def test_errors_in_identity_date_and_level_cells():
    reg = valid_register(participants=[participant(Personnummer="#VALUE!")],
                         assessments=[assessment(Datum="#N/A", Nivå="#DIV/0!")],
                         mervarden=[mervarde(Datum="#NAME?")])
    assert problems_of(reg) == [("Deltagare", 2, "Personnummer", "Fel"),
                                ("Bedömningar", 2, "Datum", "Fel"),
                                ("Bedömningar", 2, "Nivå", "Fel"),
                                ("Mervärde", 2, "Datum", "Fel")]


def test_an_error_in_a_catalog_or_setting_is_a_fel():
    reg = valid_register(settings={schema.S_ORT: "#N/A"})
    problems = checks.validate(reg, TODAY)
    assert [(p.sheet, p.column, p.value) for p in problems] == [("Inställningar", "Värde", "#N/A")]


# --- Formulas --------------------------------------------------------------------------------

@pytest.mark.parametrize("text_value", ["=HYPERLINK(\"http://x\",\"Anna\")", "+46701234567",
                                        "-Anna", "@SUMMA(A1)"])
def test_text_on_the_certificate_that_starts_like_a_formula_is_a_fel(text_value):
    reg = valid_register(participants=[participant(Förnamn=text_value)])
    p = only(reg, "Deltagare", "Förnamn")
    assert "formel" in p.message and "intyget" in p.message


@pytest.mark.parametrize("sheet, column", [("Platser", "Arbetsplats"),
                                           ("Platser", "Arbetsuppgifter")])
def test_every_certificate_field_of_a_placement_is_checked(sheet, column):
    reg = valid_register(placements=[placement(**{column: "=1+1"})])
    only(reg, sheet, column)


def test_a_certificate_setting_that_starts_like_a_formula_is_a_fel():
    reg = valid_register(settings={schema.S_UNDERTECKNARE: "=A1"})
    problems = checks.validate(reg, TODAY)
    assert [(p.sheet, p.column) for p in problems] == [("Inställningar", "Värde")]
    assert "Undertecknare" in problems[0].message


def test_text_that_is_not_printed_may_start_with_a_dash():
    reg = valid_register(assessments=[assessment(Kommentar="- bra i samtal")])
    assert problems_of(reg) == []


def test_a_formula_where_a_value_is_typed_is_a_fel_at_its_cell():
    raw = book(participants=[participant()], placements=[placement()],
               assessments=[assessment()], mervarden=[mervarde()])
    headers = raw["Deltagare"].headers
    raw["Deltagare"].formulas = {(2, headers.index("Förnamn")), (2, headers.index("Kön"))}
    raw["Platser"].formulas = {(2, raw["Platser"].headers.index("Startdatum"))}
    reg = load_register(raw, today=TODAY)
    problems = checks.validate(reg, TODAY)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Deltagare", 2, "Förnamn"),
                                                               ("Platser", 2, "Startdatum")]
    assert problems[0].value == "Testa"
    assert "formel" in problems[0].message and "Klistra in special" in problems[0].message


# --- Dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["1899-12-30", date(1899, 12, 30), date(1899, 12, 31)])
def test_excels_zero_date_is_a_fel_at_the_date_cell(typed):
    reg = valid_register(placements=[placement(Startdatum=typed)])
    p = only(reg, "Platser", "Startdatum")
    assert "nolldatum" in p.message


@pytest.mark.parametrize("typed", [date(1985, 3, 1), "1999-12-31", date(TODAY.year + 11, 1, 1)])
def test_a_date_out_of_any_plausible_range_is_a_fel(typed):
    reg = valid_register(mervarden=[mervarde(Datum=typed)])
    only(reg, "Mervärde", "Datum", 2)


def test_an_implausible_start_date_is_not_counted_as_ongoing():
    reg = valid_register(placements=[placement(Startdatum="1899-12-30", Slutdatum=None,
                                               Status="Pågående",
                                               **{"Utfall vid avslut": None})])
    t = tally([reg], date(2026, 1, 1), date(2026, 12, 31))
    assert t.total.pagaende == 0 and t.utelamnade_rader == 1


def test_the_earliest_and_latest_plausible_dates_are_accepted():
    reg = valid_register(placements=[placement(Startdatum=date(2000, 1, 1), Slutdatum=None,
                                               Status="Pågående",
                                               Anställningsform="Arbetsträning",
                                               **{"Planerat slutdatum":
                                                  date(TODAY.year + 10, 12, 31),
                                                  "Utfall vid avslut": None})],
                         assessments=[], mervarden=[])
    assert ("Platser", 2, "Startdatum", "Fel") not in problems_of(reg)
    assert ("Platser", 2, "Planerat slutdatum", "Fel") not in problems_of(reg)


# --- Normalised text and duplicates (issue 15) ----------------------------------------------

def test_decomposed_text_is_composed_where_it_is_read():
    decomposed = unicodedata.normalize("NFD", "Hälsa-, vård- och omsorgsförvaltningen")
    assert decomposed != "Hälsa-, vård- och omsorgsförvaltningen"
    assert text(decomposed) == "Hälsa-, vård- och omsorgsförvaltningen"
    reg = valid_register(placements=[placement(Förvaltning=decomposed)])
    assert problems_of(reg) == []
    assert reg.placements[0].forvaltning == "Hälsa-, vård- och omsorgsförvaltningen"


def test_decomposed_catalog_and_competence_still_match():
    name = unicodedata.normalize("NFD", "Ställer frågor och ber om förtydligande")
    reg = valid_register(assessments=[assessment(Kompetens=name, Modul=unicodedata.normalize(
        "NFD", "Språk"))])
    assert problems_of(reg) == []


def test_the_same_personnummer_on_two_participants_names_both_rows():
    other = luhn_number(date(1990, 5, 17), 123)
    reg = register(participants=[participant(DeltagarID="D1", Personnummer=TEST_PNR),
                                 participant(DeltagarID="D2", Personnummer=other),
                                 participant(DeltagarID="D3",
                                             Personnummer=TEST_PNR.replace("-", ""))],
                   placements=[], assessments=[], mervarden=[])
    problems = [p for p in checks.validate(reg, TODAY) if p.column == "Personnummer"]
    assert [(p.row, p.severity) for p in problems] == [(2, "Fel"), (4, "Fel")]
    for p in problems:
        assert "rad 2 (D1)" in p.message and "rad 4 (D3)" in p.message


def test_different_people_with_the_same_birth_date_are_not_duplicates():
    born = date(1990, 5, 17)
    reg = register(participants=[participant(DeltagarID="D1", Personnummer=luhn_number(born, 123)),
                                 participant(DeltagarID="D2", Personnummer=luhn_number(born, 124))],
                   placements=[], assessments=[], mervarden=[])
    assert problems_of(reg) == []
