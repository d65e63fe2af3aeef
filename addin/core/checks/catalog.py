"""Rules for the catalog sheets and Inställningar."""

from __future__ import annotations

from collections.abc import Iterator

from .. import schema
from ..model import Problem
from .base import Context, problem


def catalog_consistency(ctx: Context) -> Iterator[Problem]:
    cat = ctx.register.catalog
    for f in cat.forvaltningar.values():
        if f.mal is not None and f.mal < 0:
            yield problem(schema.FORVALTNINGAR, f.row, "Mål antal platser", f.mal,
                          f"{f.name}: målet kan inte vara negativt.")
    for name, form in cat.anstallningsformer.items():
        if form.giltig_fran and form.giltig_till and form.giltig_till < form.giltig_fran:
            yield problem(schema.ANSTALLNINGSFORMER, form.row, "Giltig till", form.giltig_till,
                          f"{name}: Giltig till ligger före Giltig från.")


def settings_in_range(ctx: Context) -> Iterator[Problem]:
    s = ctx.register.settings
    sheet = schema.INSTALLNINGAR
    if not 0 <= s.lagsta_niva <= 4:
        yield problem(sheet, s.rows.get(schema.S_LAGSTA_NIVA, 0), "Värde", s.lagsta_niva,
                      "Lägsta nivå på intyget ska vara en nivå mellan 0 och 4.")
    if s.minsta_antal < 1:
        yield problem(sheet, s.rows.get(schema.S_MINSTA_ANTAL, 0), "Värde", s.minsta_antal,
                      "Minsta redovisade antal ska vara minst 1.")
    if s.period_from and s.period_to and s.period_to < s.period_from:
        yield problem(sheet, s.rows.get(schema.S_PERIOD_TILL, 0), "Värde", s.period_to,
                      "Rapportperiodens slut ligger före dess början.")


RULES = (catalog_consistency, settings_in_range)
