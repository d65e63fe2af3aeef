"""Rules for the Bedömningar sheet: the placement, the date, the level and the competence."""

from __future__ import annotations

from collections.abc import Iterator

from .. import schema
from ..model import Problem
from ..values import format_date
from .base import VARNING, B, Context, listed, problem


def assessment_placement(ctx: Context) -> Iterator[Problem]:
    for a in ctx.register.assessments:
        p = ctx.placements_by_id.get(a.plats_id)
        if not a.plats_id:
            yield problem(B, a.row, "PlatsID", "", "PlatsID saknas.")
        elif p is None:
            yield problem(B, a.row, "PlatsID", a.plats_id, "PlatsID finns inte på bladet Platser.")
        elif p.status == schema.STATUS_ERBJUDEN:
            yield problem(B, a.row, "PlatsID", a.plats_id,
                          "Platsen har status Erbjuden och kan inte "
                          "bedömas förrän den har börjat.")
        elif a.datum and p.startdatum:
            last = p.slutdatum or ctx.today
            if not p.startdatum <= a.datum <= last:
                yield problem(B, a.row, "Datum", a.datum, f"Datumet ligger utanför anställningen "
                              f"({format_date(p.startdatum)} – {format_date(last)}).")


def assessment_fields(ctx: Context) -> Iterator[Problem]:
    levels = ctx.register.catalog.nivaer
    for a in ctx.register.assessments:
        if a.datum is None and a.row not in ctx.unreadable_rows[B]:
            yield problem(B, a.row, "Datum", "", "Datum saknas.")
        if a.tillfalle not in schema.TILLFALLEN:
            yield problem(B, a.row, "Tillfälle", a.tillfalle,
                          f"Tillfälle ska vara ett av: {listed(schema.TILLFALLEN)}.")
        if a.niva is None:
            if a.row not in ctx.unreadable_rows[B]:
                yield problem(B, a.row, "Nivå", "", "Nivå saknas.")
        elif a.niva not in levels:
            yield problem(B, a.row, "Nivå", a.niva,
                          "Nivån finns inte på bladet Nivåer "
                          f"({listed(str(n) for n in sorted(levels))}).")
        if not a.bedomd_av:
            yield problem(B, a.row, "Bedömd av", "", "Ange vem som har gjort bedömningen.")


def assessment_competence(ctx: Context) -> Iterator[Problem]:
    pairs = ctx.competence_pairs
    for a in ctx.register.assessments:
        areas = pairs.get((a.modul, a.kompetens))
        if a.modul not in schema.MODULER:
            yield problem(B, a.row, "Modul", a.modul,
                          f"Modul ska vara en av: {listed(schema.MODULER)}.")
        elif areas is None:
            yield problem(B, a.row, "Kompetens", a.kompetens, f"Kompetensen finns inte i modulen "
                          f"{a.modul} på bladet Kompetenser.")
        elif a.modul == schema.MODUL_YRKESKOMPETENS:
            p = ctx.placements_by_id.get(a.plats_id)
            if p is not None and p.yrkesomrade and p.yrkesomrade not in areas:
                yield problem(B, a.row, "Kompetens", a.kompetens, "Yrkeskompetensen hör till "
                              f"{listed(sorted(areas))}, men platsen {a.plats_id} gäller "
                              f"{p.yrkesomrade}.")


def assessment_not_twice(ctx: Context) -> Iterator[Problem]:
    first: dict[tuple[str, str, str, str], int] = {}
    for a in ctx.register.assessments:
        key = (a.plats_id, a.tillfalle, a.modul, a.kompetens)
        if key in first:
            yield problem(B, a.row, "Kompetens", a.kompetens,
                          f"Samma kompetens är redan bedömd vid "
                          f"samma tillfälle på rad {first[key]}; den senare raden räknas.", VARNING)
        else:
            first[key] = a.row


RULES = (assessment_placement, assessment_fields, assessment_competence, assessment_not_twice)
