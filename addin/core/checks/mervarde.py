"""Rules for the Mervärde sheet (recommendation 1: the added value of each place)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import schema
from ..model import Problem
from .base import Context, M, problem


def mervarde_rows(ctx: Context) -> Iterator[Problem]:
    pairs = set(ctx.register.catalog.mervarden)
    for m in ctx.register.mervarden:
        if not m.plats_id:
            yield problem(M, m.row, "PlatsID", "", "PlatsID saknas.")
        elif m.plats_id not in ctx.placements_by_id:
            yield problem(M, m.row, "PlatsID", m.plats_id, "PlatsID finns inte på bladet Platser.")
        if m.datum is None and m.row not in ctx.unreadable_rows[M]:
            yield problem(M, m.row, "Datum", "", "Datum saknas.")
        if m.perspektiv not in schema.PERSPEKTIV:
            yield problem(M, m.row, "Perspektiv", m.perspektiv, "Perspektiv ska vara Individ eller "
                          "Arbetsplats.")
        elif (m.perspektiv, m.mervarde) not in pairs:
            yield problem(M, m.row, "Mervärde", m.mervarde,
                          f"Mervärdet finns inte för perspektivet "
                          f"{m.perspektiv} på bladet Mervärden.")
        if m.bedomning not in schema.BEDOMNING_VARDEN:
            yield problem(M, m.row, "Bedömning", m.bedomning,
                          "Bedömning ska vara Ja, Delvis eller Nej.")


RULES = (mervarde_rows,)
