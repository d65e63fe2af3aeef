"""A rule for text that is printed on a certificate: no hidden or reordering characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from ..model import Problem
from .base import Context, D, P, problem

# Characters that hide or reorder text (bidirectional overrides, zero-width marks), control
# characters and the line and paragraph separators (U+2028, U+2029: a line break by another
# name): in a name on a certificate they can make it read as something else.
_HIDDEN = ("Cc", "Cf", "Zl", "Zp")


def _unsafe_characters(value: str) -> bool:
    return any(unicodedata.category(ch) in _HIDDEN for ch in value)


def visible(value: str) -> str:
    """The text with each hidden or control character written as its code (``\\u202e``,
    ``\\n``), so the Kontroll sheet shows where it is; å, ä, ö and the rest stay as they are."""
    return "".join(ch.encode("unicode_escape").decode() if unicodedata.category(ch) in _HIDDEN
                   else ch for ch in value)


def no_hidden_characters(ctx: Context) -> Iterator[Problem]:
    fields = ((D, ctx.register.participants, ("Förnamn", "fornamn"), ("Efternamn", "efternamn")),
              (P, ctx.register.placements, ("Arbetsplats", "arbetsplats"),
               ("Handledare", "handledare"), ("Arbetsuppgifter", "arbetsuppgifter")))
    for sheet, records, *columns in fields:
        for record in records:
            for column, attr in columns:
                value = getattr(record, attr)
                if value and not value.isprintable() and _unsafe_characters(value):
                    shown = visible(value)
                    yield problem(sheet, record.row, column, shown,
                                  f"{column} innehåller dolda tecken eller styrtecken (till "
                                  "exempel radbrytning eller tecken som vänder textriktningen). "
                                  "Skriv om texten med vanliga tecken.")


RULES = (no_hidden_characters,)
