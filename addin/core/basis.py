"""What a summary's figures rest on: files combined, duplicates, Fel and Varningar, left-out rows.

Every summary (command line, Sammanställning, the steering workbook, its e-mail and the report
section) states this. With one Fel or more the figures are "Preliminär". The list of places left
out (file, row, PlatsID, why) is for the coordinator only: it is shown on the command line and on
the Sammanställning sheet inside the register, never in anything that leaves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from . import schema
from .combine import Combination
from .model import Problem
from .tally import LeftOut, Tally


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass
class Basis:
    sources: list[str]
    fel: int
    varningar: int
    notes: list[str] = field(default_factory=list)  # duplicates, in words
    left_out: list[LeftOut] = field(default_factory=list)
    counted_sources: list[str] = field(default_factory=list)

    @property
    def preliminary(self) -> bool:
        return self.fel > 0

    def quality(self) -> str:
        """One sentence: how many Fel and Varningar, and Preliminär when there is a Fel."""
        counts = (f"{_plural(self.fel, 'fel', 'fel')} och "
                  f"{_plural(self.varningar, 'varning', 'varningar')}")
        if self.preliminary:
            return (f"Preliminär: underlaget har {counts}. Siffrorna kan ändras när felen är "
                    "rättade (kör Kontrollera i arbetsböckerna).")
        return f"Underlaget har {counts}."

    def headline(self) -> str:
        """Preliminär, or not, in two words: for subjects and titles."""
        return f"Preliminär ({_plural(self.fel, 'fel', 'fel')})" if self.preliminary else ""

    def combined(self) -> str:
        files = ", ".join(self.sources) or "–"
        if len(self.counted_sources) < len(self.sources):
            return (f"{files} (räknade en gång: {', '.join(self.counted_sources)})")
        return files

    def left_out_sentence(self) -> str:
        if not self.left_out:
            return ""
        return (f"{_plural(len(self.left_out), 'placering', 'placeringar')} kunde inte räknas "
                "(listan finns för samordnaren på bladet Sammanställning och på kommandoraden).")

    def as_json(self) -> dict:
        return {"kallor": self.sources, "raknade_kallor": self.counted_sources,
                "fel": self.fel, "varningar": self.varningar, "preliminar": self.preliminary,
                "dubbletter": self.notes,
                "utelamnade_platser": [x.as_dict() for x in self.left_out]}


def build_basis(combination: Combination, problems: Sequence[Problem], t: Tally) -> Basis:
    """``problems``: every check's findings over the registers given (before combining)."""
    every = list(problems) + combination.problems
    fel = sum(1 for p in every if p.severity == schema.SEVERITY_FEL)
    return Basis(list(combination.sources), fel, len(every) - fel, list(combination.notes),
                 list(t.left_out), [r.source for r in combination.registers])


def tally_json(t: Tally, basis: Basis) -> dict:
    """The tally JSON: the counts, their key figures and what they rest on."""
    data = t.as_json()
    data["underlag"] = basis.as_json()
    data["underlag"]["text"] = basis.quality()
    return data
