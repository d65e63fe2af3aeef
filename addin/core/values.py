"""Normalising cell values: the one place that knows how readers and people differ.

calamine gives ``40.0`` for 40, ``date`` for a date and ``''`` for an empty cell; openpyxl gives
``40``, ``datetime`` and ``None``; the Office.js client sends dates as ISO strings ending in ``Z``;
people type ``' 2025-03-01 '`` or ``75 %``. Every reader's values pass through these functions and
come out the same, so the core never sees the difference.

Two things every reader hands over as text are settled here too. An Excel error value (``#N/A``
from a lookup that found nothing) arrives as its code: openpyxl and Office.js give it so, and the
calamine adapter puts the code back where calamine gives an empty string (``excel_error`` tells
it from text). And text pasted from some Mac and web sources is decomposed (``A`` + ring for
``Å``); ``text`` composes it (NFC), so it matches the lists it is looked up in.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta

EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers Excel would show as dates between 1950 and 2100; anything else in a date column
# is more likely a typo than a date stored without its format.
_SERIAL_MIN, _SERIAL_MAX = 18264, 73051

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]*(?:Z|[+-]\d{2}:?\d{2})?)?")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


# Excel's error values as stored in a file (and sent by Office.js), with the name Swedish Excel
# shows for the classic ones; the newer ones are shown in English by Swedish Excel as well.
EXCEL_ERRORS: dict[str, str] = {
    "#N/A": "#SAKNAS!", "#REF!": "#REFERENS!", "#VALUE!": "#VÄRDEFEL!", "#DIV/0!": "#DIVISION/0!",
    "#NAME?": "#NAMN?", "#NUM!": "#OGILTIGT!", "#NULL!": "#SKÄRNING!",
    "#SPILL!": "#SPILL!", "#CALC!": "#CALC!", "#GETTING_DATA": "#GETTING_DATA",
    "#FIELD!": "#FIELD!", "#BLOCKED!": "#BLOCKED!", "#CONNECT!": "#CONNECT!", "#BUSY!": "#BUSY!",
    "#UNKNOWN!": "#UNKNOWN!", "#PYTHON!": "#PYTHON!", "#EXTERNAL!": "#EXTERNAL!",
}
_ERROR_CODES: dict[str, str] = {**{code: code for code in EXCEL_ERRORS},
                                **{swedish: code for code, swedish in EXCEL_ERRORS.items()}}


class NotAValue(ValueError):
    """A cell holds something that is not of its column's kind."""


def excel_error(value: object) -> str | None:
    """The error code (``#N/A``, ``#REF!`` …) when a cell holds an Excel error value, else None.

    Swedish Excel's names (``#SAKNAS!``) are recognised too and given as the code they stand for.
    """
    if type(value) is not str:
        return None
    s = value.strip()
    if s[:1] != "#":
        return None
    return _ERROR_CODES.get(s.upper())


def nfc(value: str) -> str:
    """Text in composed form (NFC): ``Å`` as one character, as every list in the workbook has it."""
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def text(value: object) -> str:
    """A cell as trimmed, composed (NFC) text; numbers without a spurious ``.0``; dates as ISO."""
    if type(value) is str:
        return nfc(value.strip())
    if value is None:
        return ""
    if type(value) is float:
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return repr(value)
    if type(value) is bool:
        return "Ja" if value else "Nej"
    if type(value) is datetime:
        return value.date().isoformat() if _is_midnight(value) else value.isoformat(sep=" ")
    if type(value) is date:
        return value.isoformat()
    return str(value).strip()


def _is_midnight(value: datetime) -> bool:
    return value.hour == value.minute == value.second == value.microsecond == 0


def to_date(value: object) -> date | None:
    """A date from a date cell, an ISO text (with or without time and ``Z``) or an Excel serial.

    Returns None for an empty cell; raises NotAValue for anything that is not a date.
    """
    if type(value) is date:
        return value
    if type(value) is datetime:
        return value.date()
    if value is None:
        return None
    if type(value) is str:
        s = value.strip()
        if not s:
            return None
        m = _ISO_DATE.fullmatch(s)
        if m and s.isascii():
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise NotAValue(s) from None
        raise NotAValue(s)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        f = float(value)
        if math.isfinite(f) and f == int(f) and _SERIAL_MIN <= f <= _SERIAL_MAX:
            return EXCEL_EPOCH + timedelta(days=int(f))
    raise NotAValue(text(value))


def to_int(value: object) -> int | None:
    """A whole number from a number or a number stored as text; None when empty."""
    if type(value) is int:
        return value
    if type(value) is float:
        if math.isfinite(value) and value == int(value):
            return int(value)
        raise NotAValue(text(value))
    if value is None:
        return None
    if type(value) is str:
        s = value.strip()
        if not s:
            return None
        if s.isascii() and re.fullmatch(r"[+-]?\d+(?:[.,]0+)?", s):
            return int(re.split(r"[.,]", s)[0])
    raise NotAValue(text(value))


def to_percent(value: object) -> float | None:
    """A percentage 0–100 from a percent-formatted cell (0.75), a plain number (75) or ``'75 %'``.

    A number below 5 is read as a fraction, since that is what Excel stores for a cell formatted
    as percent (1.5 is 150 %); nobody is employed at under 5 %, so 5 and up are percent points.
    """
    if value is None:
        return None
    if type(value) is str:
        s = value.strip().replace("\u00a0", "").replace(" ", "")
        if not s:
            return None
        had_sign = s.endswith("%")
        s = s.rstrip("%")
        if not (s.isascii() and _NUMBER.fullmatch(s)):
            raise NotAValue(value.strip())
        number = float(s.replace(",", "."))
        return number if had_sign else _fraction_or_points(number)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if not math.isfinite(number):
            raise NotAValue(text(value))
        return _fraction_or_points(number)
    raise NotAValue(text(value))


def _fraction_or_points(number: float) -> float:
    return round(number * 100, 6) if 0 < number < 5 else number


def identity_text(value: object) -> str:
    """A personnummer cell as text, whether typed as text or stored by Excel as a number.

    A number loses its leading zeros (a person born 2000–2009 has a number starting with 0), so a
    9-digit number is given its zero back; 10 and 12 digits are kept as they are.
    """
    if type(value) is float and math.isfinite(value) and value == int(value):
        value = int(value)
    if type(value) is int:
        digits = str(value)
        return digits.zfill(10) if len(digits) == 9 else digits
    return text(value)


def format_date(value: date | None) -> str:
    return value.isoformat() if value else ""
