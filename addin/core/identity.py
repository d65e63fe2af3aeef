"""Swedish identity numbers: personnummer and samordningsnummer.

The check digit, the date and the coordination-number rule come from the maintained
``personnummer`` package. We chose it over ``python-stdnum``, whose ``se.personnummer`` rejects
samordningsnummer, which are valid identifiers for the people this register serves. The package
is lenient where a register must not be: its pattern accepts non-ASCII digits and a trailing
newline, and it accepts dates in the future. So the text is held to a strict ASCII form first, and
the date is compared with today here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from personnummer import personnummer

# Anything shaped like an identity number inside a text (a value, a message, a file name): six or
# eight digits, an optional separator and four digits, not part of a longer run of digits (letters
# around it do not protect it: "ID19121212-1212" is masked too).
_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{6}|[0-9]{8})([-+]?)[0-9]{4}(?![0-9])")
MASK = "****"

# YYMMDD-NNNC, YYMMDD+NNNC, YYMMDDNNNC, YYYYMMDDNNNC or YYYYMMDD-NNNC, ASCII digits only.
_SHAPE = re.compile(r"(?:[0-9]{2})?[0-9]{6}[-+]?[0-9]{4}")


@dataclass(frozen=True)
class Identity:
    birth_date: date
    is_samordningsnummer: bool


class InvalidIdentity(ValueError):
    """The text is not a valid personnummer or samordningsnummer; ``str()`` is a Swedish reason."""


def parse_identity(value: str, today: date) -> Identity:
    """Validate a personnummer or samordningsnummer and return the date of birth it encodes."""
    if not _SHAPE.fullmatch(value):
        raise InvalidIdentity(
            "Personnumret har fel form. Skriv ÅÅMMDD-NNNN eller ÅÅÅÅMMDDNNNN med siffror 0–9.")
    digits = value.replace("-", "").replace("+", "")
    if digits[-4:-1] == "000":
        raise InvalidIdentity("Födelsenumret 000 används inte i personnummer.")
    try:
        parsed = personnummer.parse(value)
    except personnummer.PersonnummerException:
        if not _luhn_ok(digits[-10:]):
            raise InvalidIdentity("Kontrollsiffran stämmer inte.") from None
        raise InvalidIdentity("Datumet i personnumret finns inte.") from None
    try:
        born = parsed.get_date()
    except ValueError:
        raise InvalidIdentity("Datumet i personnumret finns inte.") from None
    if len(digits) == 12 and "+" in value and today.year - born.year < 100:
        raise InvalidIdentity("Skiljetecknet stämmer inte med åldern (+ används från 100 år).")
    if born > today:
        raise InvalidIdentity("Födelsedatumet i personnumret ligger i framtiden.")
    return Identity(birth_date=born, is_samordningsnummer=parsed.is_coordination_number())


def _luhn_ok(ten_digits: str) -> bool:
    total = 0
    for i, ch in enumerate(ten_digits[:9]):
        v = int(ch) * (2 - i % 2)
        total += v - 9 if v > 9 else v
    return (10 - total % 10) % 10 == int(ten_digits[9])


def mask_identities(text: str) -> str:
    """``text`` with the last four digits of every identity number hidden (``YYYYMMDD-****``).

    Whatever is shaped like one is masked, valid or not, wherever it stands: a number someone typed
    in a name cell is as personal as one in the Personnummer column.
    """
    return _IN_TEXT.sub(lambda m: f"{m[1]}{m[2]}{MASK}", text) if text else text
