"""Rules for the Deltagare sheet: IDs, names, identity numbers and the fixed lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .. import schema
from ..model import Participant, Problem
from .base import Context, D, ids_required_and_unique, listed, problem


def deltagar_id_required_and_unique(ctx: Context) -> Iterator[Problem]:
    return ids_required_and_unique(D, ctx.register.participants, "deltagar_id", "DeltagarID",
                                   "deltagare")


def names_required(ctx: Context) -> Iterator[Problem]:
    for d in ctx.register.participants:
        for column, value in (("Förnamn", d.fornamn), ("Efternamn", d.efternamn)):
            if not value:
                yield problem(D, d.row, column, "", f"{column} saknas.")


def personnummer_valid(ctx: Context) -> Iterator[Problem]:
    # parse_identity ran once for each number when the register was read (identity_fault)
    for d in ctx.register.participants:
        if d.identity_fault:
            yield problem(D, d.row, "Personnummer", d.personnummer,
                          f"Ogiltigt personnummer eller samordningsnummer: {d.identity_fault}")


def personnummer_once(ctx: Context) -> Iterator[Problem]:
    """One person, one row: the same number (in any of its written forms) on two rows is a Fel."""
    rows: dict[str, list[Participant]] = defaultdict(list)
    for d in ctx.register.participants:
        if d.personnummer and d.birth_date is not None:
            digits = d.personnummer.replace("-", "").replace("+", "")
            rows[f"{d.birth_date.year // 100}{digits[-10:]}"].append(d)
    for same in rows.values():
        if len(same) < 2:
            continue
        where = " och ".join(f"rad {d.row} ({d.deltagar_id or 'utan DeltagarID'})" for d in same)
        for d in same:
            yield problem(D, d.row, "Personnummer", d.personnummer,
                          f"Samma personnummer står på {where}. En person ska bara finnas på en "
                          "rad: behåll en rad och använd dess DeltagarID på alla personens "
                          "platser.")


def kon_and_sprak_from_lists(ctx: Context) -> Iterator[Problem]:
    for d in ctx.register.participants:
        if d.kon and d.kon not in schema.KON:
            yield problem(D, d.row, "Kön", d.kon, f"Kön ska vara ett av: {listed(schema.KON)}.")
        if d.intygssprak and d.intygssprak not in schema.INTYGSSPRAK:
            yield problem(D, d.row, "Intygsspråk", d.intygssprak,
                          "Intygsspråk ska vara Svenska eller Engelska (tomt betyder Svenska).")


RULES = (deltagar_id_required_and_unique, names_required, personnummer_valid, personnummer_once,
         kon_and_sprak_from_lists)
