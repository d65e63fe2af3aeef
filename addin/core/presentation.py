"""What the result sheets say and how marks look, shared by every adapter (openpyxl, xlwings).

Pure functions from problems and tallies to rows of values, so the ``Kontroll`` and
``Sammanställning`` sheets read the same whether the command line or an Excel button wrote them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from . import schema
from .basis import Basis
from .model import Problem
from .tally import Counts, GroupRow, Tally

# Fills for marked cells, and the comment author that says a note is ours (and may be removed).
FILL_FEL = "FFC7CE"
FILL_VARNING = "FFEB9C"
MARK_AUTHOR = "Kontrollera (amanst)"
# The hidden sheet on which every adapter records the cells the last check marked (sheet, A1
# address, Ja/Nej: whether we added the note), so the next check, from Excel or the command line,
# resets exactly those cells without reading formats.
MARKS_SHEET = "Kontrollmarkeringar"
MARKS_HEADERS = ("Blad", "Cell", "Anteckning")
HEADER_FILL = "1F4E79"
HEADER_FONT = "FFFFFF"
# One font family everywhere: Calibri is on every Windows and Mac with Office, and LibreOffice
# draws it with the metric-compatible Carlito, so text takes the same room in all three. A font
# left without a name falls back to a serif in LibreOffice.
FONT_NAME = "Calibri"


def kontroll_rows(problems: Sequence[Problem]) -> list[list[Any]]:
    """The Kontroll sheet: a header, then one row per problem (or one line saying all is well)."""
    rows: list[list[Any]] = [list(schema.KONTROLL_HEADERS)]
    for p in problems:
        rows.append([p.sheet, p.row if p.row else None, p.column, p.value, p.message, p.severity])
    return rows


def kontroll_summary(problems: Sequence[Problem], checked_at: datetime) -> str:
    fel = sum(1 for p in problems if p.severity == schema.SEVERITY_FEL)
    varningar = len(problems) - fel
    when = checked_at.strftime("%Y-%m-%d %H:%M")
    if not problems:
        return f"Kontrollerad {when}: inga fel och inga varningar."
    noun = "varning" if varningar == 1 else "varningar"
    return f"Kontrollerad {when}: {fel} fel och {varningar} {noun}."


def marks(problems: Iterable[Problem]) -> dict[tuple[str, int, str], tuple[str, str]]:
    """(sheet, row, column) → (fill colour, note text); a Fel outranks a Varning in one cell."""
    result: dict[tuple[str, int, str], tuple[str, list[str]]] = {}
    for p in problems:
        if not p.row:
            continue
        key = (p.sheet, p.row, p.column)
        fill = FILL_FEL if p.severity == schema.SEVERITY_FEL else FILL_VARNING
        if key in result:
            old_fill, messages = result[key]
            messages.append(f"{p.severity}: {p.message}")
            result[key] = (FILL_FEL if FILL_FEL in (old_fill, fill) else fill, messages)
        else:
            result[key] = (fill, [f"{p.severity}: {p.message}"])
    return {k: (fill, "\n".join(msgs)) for k, (fill, msgs) in result.items()}


def percent(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


FORVALTNING_HEADERS = ("Förvaltning", "Mål", "Platser", "Påbörjade", "Pågående vid periodens slut",
                       "Avslutade", "Avbrutna", "Till arbete eller studier", "Utfärdade intyg",
                       "Andel avslutade med intyg", "Platser med mervärde")
GROUP_HEADERS = ("Platser", "Påbörjade", "Pågående vid periodens slut", "Avslutade", "Avbrutna",
                 "Till arbete eller studier")
MERVARDE_HEADERS = ("Perspektiv", "Mervärde", "Ja", "Delvis", "Nej")


def _group(counts: Counts) -> list[Any]:
    return [counts.platser, counts.paborjade, counts.pagaende, counts.avslutade, counts.avbrutna,
            counts.till_arbete_eller_studier]


def _forvaltning(row: GroupRow) -> list[Any]:
    c = row.counts
    return [row.name, row.mal, c.platser, c.paborjade, c.pagaende, c.avslutade, c.avbrutna,
            c.till_arbete_eller_studier, c.utfardade_intyg, percent(c.andel_avslutade_med_intyg),
            c.med_mervarde]


class Block:
    """A titled table on the Sammanställning sheet."""

    def __init__(self, title: str, headers: Sequence[str], rows: list[list[Any]],
                 percent_columns: Sequence[int] = (), total_row: bool = False):
        self.title, self.headers, self.rows = title, list(headers), rows
        self.percent_columns, self.total_row = tuple(percent_columns), total_row


def sammanstallning_blocks(t: Tally, basis: Basis | None = None) -> list[Block]:
    total = GroupRow("Totalt", t.total, t.total_mal)
    blocks = [
        Block("Per förvaltning", FORVALTNING_HEADERS,
              [_forvaltning(r) for r in t.forvaltningar] + [_forvaltning(total)],
              percent_columns=(9,), total_row=True),
        Block("Per yrkesområde", ("Yrkesområde",) + GROUP_HEADERS,
              [[r.name, *_group(r.counts)] for r in t.yrkesomraden if r.counts.platser
               or r.counts.avslutade or r.counts.avbrutna]),
        Block("Per anställningsform", ("Anställningsform",) + GROUP_HEADERS,
              [[r.name, *_group(r.counts)] for r in t.anstallningsformer if r.counts.platser
               or r.counts.avslutade or r.counts.avbrutna]),
        Block("Per kön", ("Kön", *GROUP_HEADERS, "Utfärdade intyg"),
              [[r.name, *_group(r.counts), r.counts.utfardade_intyg] for r in t.kon]),
        Block("Mervärde (bedömningar under perioden)", MERVARDE_HEADERS,
              [[m.perspektiv, m.mervarde, m.ja, m.delvis, m.nej] for m in t.mervarden]),
    ]
    if basis is not None and basis.left_out:
        blocks.append(Block("Placeringar som inte kunde räknas (bara för samordnaren: följer inte "
                            "med till styrgruppen)", ("Arbetsbok", "Rad på Platser", "PlatsID",
                                                      "Varför"),
                            [[x.source, x.row, x.plats_id, x.reason] for x in basis.left_out]))
    return blocks


def sammanstallning_header(t: Tally, generated_at: datetime, basis: Basis | None = None
                           ) -> list[str]:
    lines = [f"Sammanställning {t.period_from.isoformat()} – {t.period_to.isoformat()}"
             + (f" – {basis.headline()}" if basis is not None and basis.preliminary else ""),
             f"Skapad {generated_at:%Y-%m-%d %H:%M}. Definitionerna finns på bladet "
             "Instruktioner, under Så räknas sammanställningen."]
    if basis is not None:
        lines.append(basis.quality())
        lines.append(f"Underlag: {basis.combined()}.")
        lines.extend(basis.notes)
    lines.append(t.certificate_source)
    if basis is not None and basis.left_out:
        lines.append(f"{basis.left_out_sentence()} Se listan längst ned.")
    elif t.utelamnade_rader:
        lines.append(f"{t.utelamnade_rader} rader kunde inte läsas (okänd förvaltning, status eller "
                     "datum) och är inte med. Kör Kontrollera för att se vilka.")
    return lines


def sammanstallning_grid(t: Tally, generated_at: datetime, basis: Basis | None = None
                         ) -> tuple[list[list[Any]], dict]:
    """The whole sheet as a grid of values, and where its parts are (for formats and the chart).

    Returns (rows, layout) where layout holds ``header_rows`` (1-based rows styled as headers),
    ``title_rows``, ``percent_cells`` [(row, col)], and ``chart`` (first and last data row of the
    förvaltning table, 1-based).
    """
    grid: list[list[Any]] = []
    layout: dict[str, Any] = {"header_rows": [], "title_rows": [], "percent_cells": [], "chart": None,
                              "total_rows": []}
    for i, line in enumerate(sammanstallning_header(t, generated_at, basis)):
        grid.append([line])
        if i == 0:
            layout["title_rows"].append(len(grid))
    for block in sammanstallning_blocks(t, basis):
        grid.append([])
        grid.append([block.title])
        layout["title_rows"].append(len(grid))
        grid.append(list(block.headers))
        layout["header_rows"].append(len(grid))
        first = len(grid) + 1
        for row in block.rows:
            grid.append(row)
            for col in block.percent_columns:
                layout["percent_cells"].append((len(grid), col + 1))
        if block.total_row and block.rows:
            layout["total_rows"].append(len(grid))
        if block.title == "Per förvaltning":
            layout["chart"] = (first - 1, first, len(grid) - 1)  # header, first, last (no total)
    return grid, layout
