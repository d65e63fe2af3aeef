"""The workbook contract in one place: sheet names, column headers, list values and settings keys.

Everything that names a sheet or a column anywhere in the code takes it from here, so the Swedish
spelling of the contract (described for coordinators in ``docs/arbetsboken.md``) lives in exactly
one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ColumnKind(Enum):
    """How a column's cells are read and formatted."""

    TEXT = "text"
    INTEGER = "integer"
    DATE = "date"
    PERCENT = "percent"
    IDENTITY = "identity"  # personnummer: kept as text, never as a number


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind = ColumnKind.TEXT
    width: float = 18
    list_name: str | None = None  # defined name of the dropdown list, if any
    optional: bool = False  # a workbook made before the column existed is still read


@dataclass(frozen=True)
class SheetSpec:
    name: str
    table: str  # the Excel table (ListObject) name
    columns: tuple[Column, ...]
    is_catalog: bool

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def column(self, header: str) -> Column:
        for c in self.columns:
            if c.header == header:
                return c
        raise KeyError(header)


# Short names keep the tables below readable (N: a whole number; not I, which reads as 1 or l).
T, N, D, P, ID = (ColumnKind.TEXT, ColumnKind.INTEGER, ColumnKind.DATE, ColumnKind.PERCENT,
                  ColumnKind.IDENTITY)

# The English certificate's texts: a column beside each catalog text it prints, edited by the
# coordinator like the Swedish one (docs/kompetensintyg.md). Optional, so older workbooks read.
EN = " (engelska)"


def _en(header: str, width: float = 40) -> Column:
    return Column(header + EN, T, width, optional=True)


# Sheet names.
FORVALTNINGAR = "Förvaltningar"
YRKESOMRADEN = "Yrkesområden"
KOMPETENSER = "Kompetenser"
NIVAER = "Nivåer"
ANSTALLNINGSFORMER = "Anställningsformer"
MERVARDEN = "Mervärden"
UTFALL = "Utfall"
AVBROTTSORSAKER = "Avbrottsorsaker"
INSTALLNINGAR = "Inställningar"
DELTAGARE = "Deltagare"
PLATSER = "Platser"
BEDOMNINGAR = "Bedömningar"
MERVARDE = "Mervärde"
KONTROLL = "Kontroll"
SAMMANSTALLNING = "Sammanställning"
INTYGSREGISTER = "Intygsregister"
FORMULAR = "Formulär"
INSTRUKTIONER = "Instruktioner"
LISTOR = "Listor"  # hidden helper sheet with the fixed lists (Status, Kön, ...)

# Fixed list values of the contract (the catalog sheets hold the editable ones).
STATUS_ERBJUDEN = "Erbjuden"
STATUS_PAGAENDE = "Pågående"
STATUS_AVSLUTAD = "Avslutad"
STATUS_AVBRUTEN = "Avbruten"
STATUSES = (STATUS_ERBJUDEN, STATUS_PAGAENDE, STATUS_AVSLUTAD, STATUS_AVBRUTEN)
ENDED_STATUSES = (STATUS_AVSLUTAD, STATUS_AVBRUTEN)

KON = ("Kvinna", "Man", "Annat", "Uppgift saknas")
SPRAK_SVENSKA = "Svenska"
SPRAK_ENGELSKA = "Engelska"
INTYGSSPRAK = (SPRAK_SVENSKA, SPRAK_ENGELSKA)
SLUTBEDOMNING = "Slutbedömning"
TILLFALLEN = ("Uppföljning 1", "Uppföljning 2", SLUTBEDOMNING)
BEDOMNING_VARDEN = ("Ja", "Delvis", "Nej")
JA, NEJ = "Ja", "Nej"
PERSPEKTIV = ("Individ", "Arbetsplats")

MODUL_YRKESKOMPETENS = "Yrkeskompetens"
MODULER = ("Språk", "Sociala färdigheter", "Allmänna kompetenser", "Praktiskt kunnande",
           MODUL_YRKESKOMPETENS)

SEVERITY_FEL = "Fel"
SEVERITY_VARNING = "Varning"

CERT_GILTIGT = "Giltigt"
CERT_ERSATT = "Ersatt"
CERT_ATERKALLAT = "Återkallat"
CERT_STATUSES = (CERT_GILTIGT, CERT_ERSATT, CERT_ATERKALLAT)

# Inställningar keys.
S_ORGANISATION = "Organisation"
S_FORVALTNING = "Utfärdande förvaltning"
S_PREFIX = "Intygsprefix"
S_ORT = "Ort"
S_UNDERTECKNARE = "Undertecknare"
S_TITEL = "Undertecknarens titel"
S_STYRGRUPP_EPOST = "Styrgruppens e-post"
S_AVSANDARE_EPOST = "Avsändarens e-post"
S_PERIOD_FRAN = "Rapportperiod från"
S_PERIOD_TILL = "Rapportperiod till"
S_MINSTA_ANTAL = "Minsta redovisade antal"
S_LAGSTA_NIVA = "Lägsta nivå på intyget"
S_VERIFIERINGSADRESS = "Verifieringsadress"
# for the certificate's look and the English certificate (docs/kompetensintyg.md)
S_KONTAKT = "Kontakt på intyget"
S_LOGOTYP = "Logotyp"
S_ORGANISATION_EN = "Organisation (engelska)"
S_TITEL_EN = "Undertecknarens titel (engelska)"
SETTING_KEYS = (S_ORGANISATION, S_FORVALTNING, S_PREFIX, S_ORT, S_UNDERTECKNARE, S_TITEL,
                S_STYRGRUPP_EPOST, S_AVSANDARE_EPOST, S_PERIOD_FRAN, S_PERIOD_TILL,
                S_MINSTA_ANTAL, S_LAGSTA_NIVA, S_VERIFIERINGSADRESS, S_KONTAKT, S_LOGOTYP,
                S_ORGANISATION_EN, S_TITEL_EN)
DEFAULT_MINSTA_ANTAL = 5
DEFAULT_LAGSTA_NIVA = 2

# Defined names of the dropdown lists: one per catalog column or fixed list.
L_FORVALTNING = "Lista_Forvaltning"
L_YRKESOMRADE = "Lista_Yrkesomrade"
L_ANSTALLNINGSFORM = "Lista_Anstallningsform"
L_AVBROTTSORSAK = "Lista_Avbrottsorsak"
L_UTFALL = "Lista_Utfall"
L_MODUL = "Lista_Modul"
L_KOMPETENS = "Lista_Kompetens"
L_NIVA = "Lista_Niva"
L_PERSPEKTIV = "Lista_Perspektiv"
L_MERVARDE = "Lista_Mervarde"
L_STATUS = "Lista_Status"
L_KON = "Lista_Kon"
L_INTYGSSPRAK = "Lista_Intygssprak"
L_TILLFALLE = "Lista_Tillfalle"
L_BEDOMNING = "Lista_Bedomning"
L_JANEJ = "Lista_JaNej"
L_DELTAGARID = "Lista_DeltagarID"
L_PLATSID = "Lista_PlatsID"

CATALOG_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(FORVALTNINGAR, "tblForvaltningar", (
        Column("Förvaltning", T, 44), Column("Kod", T, 8), Column("Nämnd", T, 40),
        Column("Mål antal platser", N, 18), _en("Förvaltning", 44)), True),
    SheetSpec(YRKESOMRADEN, "tblYrkesomraden", (
        Column("Yrkesområde", T, 32), Column("SSYK 2012", T, 11), Column("SSYK-benämning", T, 40),
        Column("Kräver registerutdrag", T, 20, L_JANEJ), _en("Yrkesområde", 32),
        _en("SSYK-benämning", 40)), True),
    SheetSpec(KOMPETENSER, "tblKompetenser", (
        Column("Modul", T, 22, L_MODUL), Column("Yrkesområde", T, 30, L_YRKESOMRADE),
        Column("Kompetens", T, 70), _en("Kompetens", 70)), True),
    SheetSpec(NIVAER, "tblNivaer", (
        Column("Nivå", N, 6), Column("Benämning", T, 32), Column("Beskrivning", T, 80),
        Column("Skrivs på intyget", T, 16, L_JANEJ), _en("Benämning", 32),
        _en("Beskrivning", 80)), True),
    SheetSpec(ANSTALLNINGSFORMER, "tblAnstallningsformer", (
        Column("Anställningsform", T, 40), Column("Giltig från", D, 12),
        Column("Giltig till", D, 12),
        Column("Röjer hälsouppgift", T, 18, L_JANEJ),
        Column("Räknas som arbetsmarknadsanställning", T, 20, L_JANEJ),
        _en("Anställningsform", 40)), True),
    SheetSpec(MERVARDEN, "tblMervarden", (
        Column("Perspektiv", T, 14, L_PERSPEKTIV), Column("Mervärde", T, 44)), True),
    SheetSpec(UTFALL, "tblUtfall", (
        Column("Utfall", T, 30), Column("Räknas som arbete eller studier", T, 20, L_JANEJ)), True),
    SheetSpec(AVBROTTSORSAKER, "tblAvbrottsorsaker", (
        Column("Avbrottsorsak", T, 26), Column("Känslig", T, 10, L_JANEJ)), True),
    SheetSpec(INSTALLNINGAR, "tblInstallningar", (
        Column("Inställning", T, 28), Column("Värde", T, 50)), True),
)

DATA_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(DELTAGARE, "tblDeltagare", (
        Column("DeltagarID", T, 12), Column("Förnamn", T, 16), Column("Efternamn", T, 18),
        Column("Personnummer", ID, 16), Column("Kön", T, 14, L_KON),
        Column("Intygsspråk", T, 12, L_INTYGSSPRAK)), False),
    SheetSpec(PLATSER, "tblPlatser", (
        Column("PlatsID", T, 10), Column("Förvaltning", T, 34, L_FORVALTNING),
        Column("Arbetsplats", T, 30), Column("Yrkesområde", T, 28, L_YRKESOMRADE),
        Column("Anställningsform", T, 32, L_ANSTALLNINGSFORM),
        Column("DeltagarID", T, 12, L_DELTAGARID), Column("Handledare", T, 20),
        Column("Startdatum", D, 12), Column("Planerat slutdatum", D, 14),
        Column("Slutdatum", D, 12),
        Column("Status", T, 12, L_STATUS), Column("Sysselsättningsgrad", P, 12),
        Column("Arbetsuppgifter", T, 50), Column("Avbrottsorsak", T, 22, L_AVBROTTSORSAK),
        Column("Utfall vid avslut", T, 24, L_UTFALL),
        Column("Utfall efter 90 dagar", T, 24, L_UTFALL), _en("Arbetsuppgifter", 50)), False),
    SheetSpec(BEDOMNINGAR, "tblBedomningar", (
        Column("PlatsID", T, 10, L_PLATSID), Column("Datum", D, 12),
        Column("Tillfälle", T, 16, L_TILLFALLE), Column("Modul", T, 22, L_MODUL),
        Column("Kompetens", T, 60, L_KOMPETENS), Column("Nivå", N, 6, L_NIVA),
        Column("Kommentar", T, 30), Column("Bedömd av", T, 20)), False),
    SheetSpec(MERVARDE, "tblMervarde", (
        Column("PlatsID", T, 10, L_PLATSID), Column("Datum", D, 12),
        Column("Perspektiv", T, 14, L_PERSPEKTIV), Column("Mervärde", T, 44, L_MERVARDE),
        Column("Bedömning", T, 12, L_BEDOMNING), Column("Kommentar", T, 40)), False),
)

REGISTER_SHEET = SheetSpec(INTYGSREGISTER, "tblIntygsregister", (
    Column("Intygsnummer", T, 16), Column("PlatsID", T, 10), Column("DeltagarID", T, 12),
    Column("Utfärdat", T, 20), Column("Utfärdat av", T, 18), Column("Fil", T, 26),
    Column("SHA-256", T, 66), Column("Status", T, 12)), False)

KONTROLL_HEADERS = ("Blad", "Rad", "Kolumn", "Värde", "Meddelande", "Allvarlighet")

ALL_INPUT_SHEETS = CATALOG_SHEETS + DATA_SHEETS
SPEC_BY_NAME: dict[str, SheetSpec] = {s.name: s for s in (*ALL_INPUT_SHEETS, REGISTER_SHEET)}

# Columns a person types a value into: a formula there is a Fel, since a lookup that breaks or a
# reference that moves would silently change who or when the register is about.
TYPED_COLUMNS: dict[str, tuple[str, ...]] = {
    DELTAGARE: ("DeltagarID", "Förnamn", "Efternamn", "Personnummer"),
    PLATSER: ("PlatsID", "DeltagarID", "Handledare", "Startdatum", "Planerat slutdatum",
              "Slutdatum"),
    BEDOMNINGAR: ("PlatsID", "Datum"),
    MERVARDE: ("PlatsID", "Datum"),
}

# Text printed on a certificate: it must not start like a formula (=, +, -, @, tab, CR), or a
# spreadsheet that later holds it may run it.
CERTIFICATE_TEXT: dict[str, tuple[str, ...]] = {
    DELTAGARE: ("Förnamn", "Efternamn"),
    PLATSER: ("Arbetsplats", "Arbetsuppgifter", "Arbetsuppgifter" + EN),
    FORVALTNINGAR: ("Förvaltning", "Förvaltning" + EN),
    YRKESOMRADEN: ("Yrkesområde", "SSYK-benämning", "Yrkesområde" + EN, "SSYK-benämning" + EN),
    KOMPETENSER: ("Kompetens", "Kompetens" + EN),
    NIVAER: ("Benämning", "Beskrivning", "Benämning" + EN, "Beskrivning" + EN),
    ANSTALLNINGSFORMER: ("Anställningsform", "Anställningsform" + EN),
}
CERTIFICATE_SETTINGS = (S_ORGANISATION, S_FORVALTNING, S_ORT, S_UNDERTECKNARE, S_TITEL,
                        S_VERIFIERINGSADRESS, S_KONTAKT, S_ORGANISATION_EN, S_TITEL_EN)

# Sheets and columns a workbook must have before anything is computed. Intygsregister is optional:
# it appears the first time a certificate is issued.
REQUIRED_SHEETS: tuple[SheetSpec, ...] = ALL_INPUT_SHEETS
