"""The figures every output shows, defined once: key, Swedish label, what it counts, and its value.

The tally JSON, the Sammanställning sheet, the steering-group workbook, its e-mail and the report
section for the nämnd all take their labels, definitions and city-level values from here, so one
figure can never mean two things. ``CertificateFacts`` is how the certificate register (a database
outside every workbook) reaches the core: as plain data, the valid certificates' (Intygsprefix,
PlatsID) pairs, with words saying where they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

COUNT, SHARE, TARGET = "count", "share", "target"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: str
    definition: str


FIGURES: tuple[Figure, ...] = (
    Figure("mal", "Mål antal platser", TARGET,
           "Förvaltningarnas åtagande för året, från bladet Förvaltningar."),
    Figure("platser", "Platser", COUNT,
           "Erbjudna platser och placeringar som pågått någon gång under perioden."),
    Figure("paborjade", "Påbörjade", COUNT, "Placeringar med startdatum under perioden."),
    Figure("pagaende", "Pågående vid periodens slut", COUNT,
           "Placeringar som börjat och inte slutat när perioden slutar."),
    Figure("ended", "Avslutade eller avbrutna", COUNT,
           "Placeringar som slutat under perioden, avslutade eller avbrutna."),
    Figure("avslutade", "Avslutade", COUNT,
           "Placeringar med status Avslutad och slutdatum under perioden."),
    Figure("avbrutna", "Avbrutna", COUNT,
           "Placeringar med status Avbruten och slutdatum under perioden."),
    Figure("till_arbete_eller_studier", "Till arbete eller studier vid avslut", COUNT,
           "Av de placeringar som slutat under perioden: de vars utfall räknas som arbete eller "
           "studier enligt bladet Utfall."),
    Figure("share_end", "Andel till arbete eller studier vid avslut", SHARE,
           "Till arbete eller studier vid avslut delat med avslutade eller avbrutna."),
    Figure("med_utfall_efter_90", "Med känt utfall efter 90 dagar", COUNT,
           "Av de placeringar som slutat under perioden: de med ett registrerat utfall 90 dagar "
           "efter slutdatum."),
    Figure("till_arbete_eller_studier_efter_90", "Till arbete eller studier efter 90 dagar", COUNT,
           "Av dem med känt utfall efter 90 dagar: de vars utfall räknas som arbete eller "
           "studier."),
    Figure("share_90", "Andel till arbete eller studier efter 90 dagar", SHARE,
           "Till arbete eller studier efter 90 dagar delat med dem med känt utfall efter 90 "
           "dagar."),
    Figure("utfardade_intyg", "Utfärdade kompetensintyg", COUNT,
           "Avslutade placeringar under perioden som har ett giltigt intyg i intygsregistret "
           "(databasen som delar ut intygsnummer, inte bladet Intygsregister)."),
    Figure("share_intyg", "Andel avslutade med intyg", SHARE,
           "Utfärdade kompetensintyg delat med avslutade."),
)
BY_KEY = {f.key: f for f in FIGURES}
KEY_FIGURES = ("mal", "platser", "paborjade", "pagaende", "ended", "avslutade", "avbrutna",
               "till_arbete_eller_studier", "share_end", "med_utfall_efter_90",
               "till_arbete_eller_studier_efter_90", "share_90", "utfardade_intyg", "share_intyg")
SHARES = {"share_end": ("till_arbete_eller_studier", "ended"),
          "share_90": ("till_arbete_eller_studier_efter_90", "med_utfall_efter_90"),
          "share_intyg": ("utfardade_intyg", "avslutade")}
MIN_SHARE_DENOMINATOR = 10


def label(key: str) -> str:
    return BY_KEY[key].label


def share(numerator: int | None, denominator: int | None) -> float | None:
    """A share only where both figures are known and the denominator is at least 10."""
    if numerator is None or denominator is None or denominator < MIN_SHARE_DENOMINATOR:
        return None
    return numerator / denominator


def values(counts: Any, mal: int | None) -> dict[str, int | float | None]:
    """Every key figure of one group's counts (a ``tally.Counts``), shares included."""
    result: dict[str, int | float | None] = {"mal": mal}
    for key in KEY_FIGURES:
        if key == "ended":
            result[key] = counts.avslutade + counts.avbrutna
        elif key not in SHARES and key != "mal":
            result[key] = getattr(counts, key)
    for key, (num, den) in SHARES.items():
        result[key] = share(result[num], result[den])  # type: ignore[arg-type]
    return {key: result[key] for key in KEY_FIGURES}


@dataclass(frozen=True)
class CertificateFacts:
    """The certificate register's valid certificates, as plain data for the core.

    ``source`` says in words which register was read; ``read`` is False when none was.
    """

    source: str
    valid: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (prefix, PlatsID)
    read: bool = True

    def for_prefix(self, prefix: str) -> set[str]:
        return {plats for p, plats in self.valid if p == prefix}

    def statement(self, where: bool = True) -> str:
        """What "Utfärdade kompetensintyg" rests on, in words a reader understands; ``where``:
        name the register's location too (for the coordinator, not the steering group)."""
        if not where and self.read:
            return PLAIN_STATEMENT
        if not self.read:
            return ("Utfärdade kompetensintyg: inget intygsregister lästes, så inga intyg räknas. "
                    f"({self.source})")
        return ("Utfärdade kompetensintyg räknas i intygsregistret "
                f"({self.source}): giltiga intyg för placeringar som avslutats under perioden. "
                "Bladet Intygsregister i arbetsboken är en kopia och räknas inte.")


PLAIN_STATEMENT = ("Utfärdade kompetensintyg räknas i intygsregistret (databasen som delar ut "
                   "intygsnumren): giltiga intyg för placeringar som avslutats under perioden.")
NO_REGISTER = CertificateFacts("inget intygsregister angavs", frozenset(), read=False)
