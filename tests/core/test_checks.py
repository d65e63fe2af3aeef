"""Each rule of the workbook contract: a valid register passes, each mistake is found where it is."""

from __future__ import annotations

from datetime import date

import pytest

from addin.core import checks, schema
from tests.builders import (TEST_PNR, TODAY, assessment, luhn_number, mervarde, participant,
                            placement, register, valid_register)


def found(reg) -> list[tuple[str, int, str, str]]:
    return [(p.sheet, p.row, p.column, p.severity) for p in checks.validate(reg, TODAY)]


def only(reg, sheet: str, column: str, row: int = 2, severity: str = "Fel") -> str:
    problems = checks.validate(reg, TODAY)
    assert [(p.sheet, p.row, p.column, p.severity) for p in problems] == [(sheet, row, column, severity)]
    return problems[0].message


def test_a_valid_register_has_no_problems():
    assert found(valid_register()) == []


def test_every_rule_is_listed_once():
    names = [r.__name__ for r in checks.RULES]
    assert len(names) == len(set(names)) >= 20


# --- Deltagare ---

def test_deltagar_id_required():
    reg = valid_register(participants=[participant(DeltagarID=None)], placements=[
        placement(Status="Erbjuden", DeltagarID=None, Startdatum=None, Slutdatum=None,
                  **{"Planerat slutdatum": None, "Utfall vid avslut": None})], assessments=[],
        mervarden=[])
    assert "DeltagarID saknas" in only(reg, "Deltagare", "DeltagarID")


def test_deltagar_id_unique():
    reg = valid_register(participants=[participant(), participant(Förnamn="Annan")])
    assert "finns redan på rad 2" in only(reg, "Deltagare", "DeltagarID", row=3)


@pytest.mark.parametrize("column", ["Förnamn", "Efternamn"])
def test_names_required(column):
    reg = valid_register(participants=[participant(**{column: "  "})])
    assert "saknas" in only(reg, "Deltagare", column)


@pytest.mark.parametrize("name", ["Anna\u202eanoJ", "Anna\x00", "Anna\nBerg", "Ann\u200ba"])
def test_hidden_and_control_characters_are_refused(name):
    reg = valid_register(participants=[participant(Förnamn=name)])
    assert "dolda tecken" in only(reg, "Deltagare", "Förnamn")


@pytest.mark.parametrize("name", ["Åsa <Svensson> & Co", "Zoë", "Nguyễn", "Jovanović", "محمد"])
def test_ordinary_letters_and_symbols_are_fine(name):
    assert found(valid_register(participants=[participant(Förnamn=name)])) == []


@pytest.mark.parametrize("pnr", [
    TEST_PNR, " 121212-1212", "19121212-1212\n", "191212121212", 191212121212, 191212121212.0,
    luhn_number(date(1990, 3, 4), 123, samordning=True),  # samordningsnummer: day + 60
    luhn_number(date(2003, 5, 6), 982, long=False).replace("-", ""),
])
def test_valid_identity_numbers(pnr):
    assert found(valid_register(participants=[participant(Personnummer=pnr)])) == []


def test_excel_number_without_leading_zero_is_read_back():
    number = int(luhn_number(date(2003, 5, 6), 982, long=False).replace("-", ""))
    assert len(str(number)) == 9
    reg = valid_register(participants=[participant(Personnummer=number)])
    assert found(reg) == []
    assert reg.participants[0].birth_date == date(2003, 5, 6)


@pytest.mark.parametrize("pnr, reason", [
    ("19121212-1213", "Kontrollsiffran"),
    (luhn_number(date(1990, 2, 28), 123).replace("0228", "0230"), ""),  # 30 February
    (luhn_number(date(2030, 1, 1), 123), "framtiden"),
    ("19121212-0003", "000"),
    ("１９１２１２１２-１２１２", "form"),  # full-width digits
    ("191212\n121212", "form"),
    ("1912-12-12", "form"),
    ("20121212+1212", "Skiljetecknet"),
])
def test_invalid_identity_numbers(pnr, reason):
    message = only(valid_register(participants=[participant(Personnummer=pnr)]),
                   "Deltagare", "Personnummer")
    assert reason in message


def test_birth_date_from_samordningsnummer():
    pnr = luhn_number(date(1988, 11, 9), 321, samordning=True)
    reg = valid_register(participants=[participant(Personnummer=pnr)])
    assert reg.participants[0].birth_date == date(1988, 11, 9)


@pytest.mark.parametrize("column, value", [("Kön", "K"), ("Intygsspråk", "Arabiska")])
def test_participant_lists(column, value):
    assert only(valid_register(participants=[participant(**{column: value})]), "Deltagare", column)


# --- Platser ---

def test_plats_id_unique_and_required():
    reg = valid_register(placements=[placement(), placement(DeltagarID=None, Status="Erbjuden",
                         Startdatum=None, Slutdatum=None, **{"Utfall vid avslut": None})])
    assert "finns redan" in only(reg, "Platser", "PlatsID", row=3)
    reg = valid_register(placements=[placement(PlatsID="")], assessments=[], mervarden=[])
    assert "PlatsID saknas" in only(reg, "Platser", "PlatsID")


@pytest.mark.parametrize("column, value", [
    ("Förvaltning", "Okända förvaltningen"), ("Yrkesområde", "Astronaut"),
    ("Anställningsform", "Sommarjobb"), ("Status", "Klar"), ("Arbetsplats", ""),
    ("Avbrottsorsak", "Tråkigt"), ("Utfall vid avslut", "Lyckat"),
])
def test_placement_values_from_catalog(column, value):
    assert only(valid_register(placements=[placement(**{column: value})]), "Platser", column)


def test_form_must_be_valid_on_start_date():
    reg = valid_register(placements=[placement(Anställningsform="Extratjänst")])
    assert "2015-11-01–2021-12-31" in only(reg, "Platser", "Anställningsform")
    ok = placement(Anställningsform="Extratjänst", Startdatum=date(2021, 3, 1),
                   Slutdatum=date(2021, 9, 1), **{"Planerat slutdatum": date(2021, 9, 1)})
    assert found(valid_register(placements=[ok], assessments=[
        assessment(Datum=date(2021, 9, 1))], mervarden=[mervarde(Datum=date(2021, 8, 1))])) == []


def test_participant_must_exist_and_is_needed_unless_offered():
    assert only(valid_register(placements=[placement(DeltagarID="D9")]), "Platser", "DeltagarID")
    assert only(valid_register(placements=[placement(DeltagarID="")]), "Platser", "DeltagarID")
    offered = placement(Status="Erbjuden", DeltagarID=None, Handledare=None, Startdatum=None,
                        Slutdatum=None, **{"Utfall vid avslut": None, "Planerat slutdatum": None})
    assert found(valid_register(placements=[offered], assessments=[], mervarden=[])) == []


def test_supervisor_required_unless_offered():
    assert only(valid_register(placements=[placement(Handledare=" ")]), "Platser", "Handledare")


def test_dates_in_order():
    bad_plan = placement(**{"Planerat slutdatum": date(2025, 12, 1)})
    assert only(valid_register(placements=[bad_plan]), "Platser", "Planerat slutdatum")
    bad_end = placement(Slutdatum=date(2026, 1, 1))
    assert "före startdatum" in only(valid_register(placements=[bad_end], assessments=[],
                                                    mervarden=[]), "Platser", "Slutdatum")


def test_end_date_not_in_future():
    future = placement(Slutdatum=date(2026, 12, 1), **{"Planerat slutdatum": date(2026, 12, 1)})
    assert "framtiden" in only(valid_register(placements=[future]), "Platser", "Slutdatum")


def test_end_date_required_when_ended_and_empty_otherwise():
    assert "saknas" in only(valid_register(placements=[placement(Slutdatum=None)]),
                            "Platser", "Slutdatum")
    ongoing = placement(Status="Pågående", **{"Utfall vid avslut": None})
    assert "ska inte ha något slutdatum" in only(valid_register(placements=[ongoing]),
                                                 "Platser", "Slutdatum")


def test_start_date_required_once_started():
    reg = valid_register(placements=[placement(Startdatum=None)], assessments=[])
    assert only(reg, "Platser", "Startdatum")


def test_a_date_that_is_not_a_date():
    reg = valid_register(placements=[placement(Startdatum="12 januari")], assessments=[])
    assert "inget datum" in only(reg, "Platser", "Startdatum")


@pytest.mark.parametrize("value", [0, 1.5, 150, "120 %", "mycket"])
def test_sysselsattningsgrad_range(value):
    assert only(valid_register(placements=[placement(Sysselsättningsgrad=value)]),
                "Platser", "Sysselsättningsgrad")


@pytest.mark.parametrize("value", [1.0, 0.5, 75, "75 %", "50%", "0,75"])
def test_sysselsattningsgrad_forms(value):
    assert found(valid_register(placements=[placement(Sysselsättningsgrad=value)])) == []


def test_sysselsattningsgrad_missing_is_a_warning_when_completed():
    reg = valid_register(placements=[placement(Sysselsättningsgrad=None)])
    only(reg, "Platser", "Sysselsättningsgrad", severity="Varning")


def test_arbetsuppgifter_required_when_completed():
    assert only(valid_register(placements=[placement(Arbetsuppgifter="")]), "Platser",
                "Arbetsuppgifter")


def test_avbrottsorsak_rules():
    interrupted = placement(Status="Avbruten")
    assert "saknas" in only(valid_register(placements=[interrupted]), "Platser", "Avbrottsorsak")
    assert found(valid_register(placements=[placement(Status="Avbruten", Avbrottsorsak="Fått arbete")])) == []
    assert "bara anges" in only(valid_register(placements=[placement(Avbrottsorsak="Fått arbete")]),
                                "Platser", "Avbrottsorsak")


def test_utfall_rules():
    only(valid_register(placements=[placement(**{"Utfall vid avslut": None})]), "Platser",
         "Utfall vid avslut", severity="Varning")
    early = placement(**{"Utfall efter 90 dagar": "Studier", "Slutdatum": date(2026, 9, 30)})
    assert "2026-12-29" in only(valid_register(placements=[early], assessments=[
        assessment(Datum=date(2026, 9, 30))]), "Platser", "Utfall efter 90 dagar")
    later = placement(**{"Utfall efter 90 dagar": "Studier"})
    assert found(valid_register(placements=[later])) == []
    ongoing = placement(Status="Pågående", Slutdatum=None)
    assert only(valid_register(placements=[ongoing]), "Platser", "Utfall vid avslut")


def test_no_overlapping_placements_for_one_participant():
    second = placement(PlatsID="P2", Startdatum=date(2026, 6, 1), Slutdatum=None, Status="Pågående",
                       **{"Utfall vid avslut": None, "Planerat slutdatum": date(2026, 12, 1)})
    reg = valid_register(placements=[placement(), second])
    assert "P1" in only(reg, "Platser", "Startdatum", row=3)
    after = dict(second, Startdatum=date(2026, 7, 11))
    assert found(valid_register(placements=[placement(), after])) == []


# --- Bedömningar ---

def test_assessment_must_name_a_started_placement():
    assert only(valid_register(assessments=[assessment(PlatsID="P7")]), "Bedömningar", "PlatsID")
    offered = placement(PlatsID="P2", Status="Erbjuden", DeltagarID=None, Startdatum=None,
                        Slutdatum=None, **{"Utfall vid avslut": None, "Planerat slutdatum": None})
    reg = valid_register(placements=[placement(), offered], assessments=[assessment(PlatsID="P2")])
    assert "Erbjuden" in only(reg, "Bedömningar", "PlatsID")


def test_assessment_date_within_placement():
    reg = valid_register(assessments=[assessment(Datum=date(2026, 8, 1))])
    assert "utanför" in only(reg, "Bedömningar", "Datum")


@pytest.mark.parametrize("column, value", [("Tillfälle", "Uppföljning 3"), ("Nivå", 7),
                                           ("Nivå", None), ("Bedömd av", ""), ("Datum", None),
                                           ("Modul", "Matematik"),
                                           ("Kompetens", "Kan flyga")])
def test_assessment_fields(column, value):
    assert only(valid_register(assessments=[assessment(**{column: value})]), "Bedömningar", column)


def test_yrkeskompetens_must_belong_to_the_placement_area():
    own = assessment(Modul="Yrkeskompetens",
                     Kompetens="Följer städschema och kvitterar utförda moment")
    assert found(valid_register(assessments=[own])) == []
    other = assessment(Modul="Yrkeskompetens", Kompetens="Kör truck enligt behörighet och regler")
    reg = valid_register(assessments=[other],
                         catalog={schema.KOMPETENSER: [["Yrkeskompetens", "Lager och logistik",
                                                        "Kör truck enligt behörighet och regler"]]})
    assert "Lager och logistik" in only(reg, "Bedömningar", "Kompetens")


def test_the_same_competence_twice_is_a_warning():
    reg = valid_register(assessments=[assessment(), assessment()])
    only(reg, "Bedömningar", "Kompetens", row=3, severity="Varning")


# --- Mervärde ---

@pytest.mark.parametrize("column, value", [("PlatsID", "P9"), ("Perspektiv", "Samhälle"),
                                           ("Mervärde", "Bättre kaffe"), ("Bedömning", "Kanske"),
                                           ("Datum", None)])
def test_mervarde_fields(column, value):
    assert only(valid_register(mervarden=[mervarde(**{column: value})]), "Mervärde", column)


def test_mervarde_pair_must_match_perspective():
    wrong = mervarde(Perspektiv="Arbetsplats", Mervärde="Har brutit social isolering")
    assert "Arbetsplats" in only(valid_register(mervarden=[wrong]), "Mervärde", "Mervärde")


# --- Inställningar ---

def test_settings_ranges():
    reg = valid_register(settings={schema.S_LAGSTA_NIVA: 9})
    assert [(p.sheet, p.column) for p in checks.validate(reg, TODAY)] == [("Inställningar", "Värde")]
    reg = valid_register(settings={schema.S_PERIOD_TILL: date(2025, 1, 1)})
    assert [(p.sheet, p.column) for p in checks.validate(reg, TODAY)] == [("Inställningar", "Värde")]


def test_problems_come_in_sheet_row_column_order():
    reg = register(participants=[participant(Förnamn="")],
                   placements=[placement(Status="Klar", Förvaltning="X")],
                   assessments=[assessment(Nivå=9)], mervarden=[])
    keys = [(p.sheet, p.column) for p in checks.validate(reg, TODAY)]
    assert keys[0] == ("Deltagare", "Förnamn")
    assert keys.index(("Platser", "Förvaltning")) < keys.index(("Platser", "Status"))
    assert keys[-1] == ("Bedömningar", "Nivå")
