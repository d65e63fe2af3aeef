"""The tally: placements per förvaltning, yrkesområde and anställningsform for a report period.

The definitions are those of docs/arbetsboken.md, "Så räknas sammanställningen". Several registers (one per
förvaltning, say) combine into one tally; a row that cannot be read (unknown förvaltning, status
outside the list, a date that is not a date) is left out and counted in ``utelamnade_rader``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from . import schema
from .model import Placement, Register


@dataclass
class Counts:
    """The figures of one group (a förvaltning, a yrkesområde or an anställningsform)."""

    platser: int = 0
    paborjade: int = 0
    pagaende: int = 0
    avslutade: int = 0
    avbrutna: int = 0
    till_arbete_eller_studier: int = 0
    med_utfall_efter_90: int = 0
    till_arbete_eller_studier_efter_90: int = 0
    med_mervarde: int = 0
    utfardade_intyg: int = 0

    @property
    def avslutade_eller_avbrutna(self) -> int:
        return self.avslutade + self.avbrutna

    @property
    def andel_avslutade_med_intyg(self) -> float | None:
        return self.utfardade_intyg / self.avslutade if self.avslutade else None

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class GroupRow:
    name: str
    counts: Counts
    mal: int | None = None  # only for förvaltningar
    rojer_halsouppgift: bool = False  # only for anställningsformer


@dataclass
class MervardeRow:
    perspektiv: str
    mervarde: str
    ja: int = 0
    delvis: int = 0
    nej: int = 0

    @property
    def total(self) -> int:
        return self.ja + self.delvis + self.nej


@dataclass
class Tally:
    period_from: date
    period_to: date
    forvaltningar: list[GroupRow]
    yrkesomraden: list[GroupRow]
    anstallningsformer: list[GroupRow]
    mervarden: list[MervardeRow]
    total: Counts
    total_mal: int | None
    utelamnade_rader: int
    sources: list[str] = field(default_factory=list)
    monthly: list[tuple[str, Counts]] = field(default_factory=list)

    def as_json(self) -> dict:
        def group(row: GroupRow, key: str) -> dict:
            data = {key: row.name}
            if key == "forvaltning":
                data["mal"] = row.mal
            data.update(asdict(row.counts))
            data["andel_avslutade_med_intyg"] = _rounded(row.counts.andel_avslutade_med_intyg)
            if key == "anstallningsform":
                data["rojer_halsouppgift"] = row.rojer_halsouppgift
            return data

        return {
            "period": {"from": self.period_from.isoformat(), "to": self.period_to.isoformat()},
            "forvaltningar": [group(r, "forvaltning") for r in self.forvaltningar],
            "yrkesomraden": [group(r, "yrkesomrade") for r in self.yrkesomraden],
            "anstallningsformer": [group(r, "anstallningsform") for r in self.anstallningsformer],
            "mervarden": [{"perspektiv": m.perspektiv, "mervarde": m.mervarde, "ja": m.ja,
                           "delvis": m.delvis, "nej": m.nej} for m in self.mervarden],
            "totalt": {"mal": self.total_mal, **asdict(self.total)},
            "utelamnade_rader": self.utelamnade_rader,
            "kallor": self.sources,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def classify(p: Placement, start: date, end: date, counts_as_work: dict[str, bool],
             certified: set[str], with_mervarde: set[str]) -> Counts:
    """The contribution of one readable placement to its groups' counts."""
    c = Counts()
    s, e = p.startdatum, p.slutdatum
    if p.status == schema.STATUS_ERBJUDEN or (s is not None and s <= end and (e is None or e >= start)):
        c.platser = 1
        c.med_mervarde = int(p.plats_id in with_mervarde)
    if s is not None and start <= s <= end:
        c.paborjade = 1
    if p.status != schema.STATUS_ERBJUDEN and s is not None and s <= end and (e is None or e > end):
        c.pagaende = 1
    if e is not None and start <= e <= end and p.status in schema.ENDED_STATUSES:
        if p.status == schema.STATUS_AVSLUTAD:
            c.avslutade = 1
            c.utfardade_intyg = int(p.plats_id in certified)
        else:
            c.avbrutna = 1
        c.till_arbete_eller_studier = int(counts_as_work.get(p.utfall_vid_avslut, False))
        if p.utfall_efter_90:
            c.med_utfall_efter_90 = 1
            c.till_arbete_eller_studier_efter_90 = int(counts_as_work.get(p.utfall_efter_90, False))
    return c


def tally(registers: Sequence[Register], period_from: date, period_to: date) -> Tally:
    forvaltningar: dict[str, GroupRow] = {}
    yrkesomraden: dict[str, GroupRow] = {}
    former: dict[str, GroupRow] = {}
    mervarden: dict[tuple[str, str], MervardeRow] = {}
    monthly: dict[str, Counts] = {m: Counts() for m in _months(period_from, period_to)}
    total = Counts()
    left_out = 0

    for reg in registers:  # catalog order first, so empty groups show too
        cat = reg.catalog
        for f in cat.forvaltningar.values():
            row = forvaltningar.setdefault(f.name, GroupRow(f.name, Counts(), f.mal))
            if row.mal is None:
                row.mal = f.mal
        for y in cat.yrkesomraden:
            yrkesomraden.setdefault(y, GroupRow(y, Counts()))
        for a in cat.anstallningsformer.values():
            former.setdefault(a.name, GroupRow(a.name, Counts(), None, a.rojer_halsouppgift))
        for pair in cat.mervarden:
            mervarden.setdefault(pair, MervardeRow(*pair))

    for reg in registers:
        cat = reg.catalog
        certified = {c.plats_id for c in reg.certificates if c.status == schema.CERT_GILTIGT}
        # README: a mervärde row dated by the period's end; an undated row (a Fel) proves nothing
        with_mervarde = {m.plats_id for m in reg.mervarden
                         if m.datum is not None and m.datum <= period_to}
        for p in reg.placements:
            if not readable(p, reg):
                left_out += 1
                continue
            c = classify(p, period_from, period_to, cat.utfall, certified, with_mervarde)
            forvaltningar[p.forvaltning].counts.add(c)
            if p.yrkesomrade:
                yrkesomraden.setdefault(p.yrkesomrade, GroupRow(p.yrkesomrade, Counts())).counts.add(c)
            if p.anstallningsform:
                form = cat.anstallningsformer.get(p.anstallningsform)
                former.setdefault(p.anstallningsform, GroupRow(
                    p.anstallningsform, Counts(), None, bool(form and form.rojer_halsouppgift))
                ).counts.add(c)
            total.add(c)
            _add_monthly(monthly, p, c)
        for m in reg.mervarden:
            if m.datum is not None and period_from <= m.datum <= period_to:
                row = mervarden.get((m.perspektiv, m.mervarde))
                if row is not None and m.bedomning in schema.BEDOMNING_VARDEN:
                    attr = {"Ja": "ja", "Delvis": "delvis", "Nej": "nej"}[m.bedomning]
                    setattr(row, attr, getattr(row, attr) + 1)

    mal_values = [r.mal for r in forvaltningar.values() if r.mal is not None]
    return Tally(period_from, period_to, list(forvaltningar.values()), list(yrkesomraden.values()),
                 list(former.values()), list(mervarden.values()), total,
                 sum(mal_values) if mal_values else None, left_out,
                 [r.source for r in registers], list(monthly.items()))


def readable(p: Placement, reg: Register) -> bool:
    return (not p.unreadable and p.status in schema.STATUSES
            and p.forvaltning in reg.catalog.forvaltningar
            and (p.status == schema.STATUS_ERBJUDEN or p.startdatum is not None))


def _months(start: date, end: date) -> Iterable[str]:
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        yield f"{y:04d}-{m:02d}"
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _add_monthly(monthly: dict[str, Counts], p: Placement, c: Counts) -> None:
    """Started and ended placements by the month they started or ended in."""
    if c.paborjade and p.startdatum:
        monthly[f"{p.startdatum:%Y-%m}"].paborjade += 1
    if (c.avslutade or c.avbrutna) and p.slutdatum:
        month = monthly[f"{p.slutdatum:%Y-%m}"]
        month.avslutade += c.avslutade
        month.avbrutna += c.avbrutna
        month.till_arbete_eller_studier += c.till_arbete_eller_studier

