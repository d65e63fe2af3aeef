"""The tally: placements per förvaltning, yrkesområde and anställningsform for a report period.

The definitions are those of docs/arbetsboken.md, "Så räknas sammanställningen". Several registers
(one per förvaltning, say) combine into one tally; a row that cannot be read (unknown förvaltning,
status outside the list, a date that is not a date) is left out and counted in ``utelamnade_rader``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from . import schema
from .figures import BY_KEY, KEY_FIGURES, NO_REGISTER, CertificateFacts, Figure, share, values
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
        """As ``figures`` defines it: only where at least 10 completed."""
        return share(self.utfardade_intyg, self.avslutade)

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
    kon: list[GroupRow] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    certificate_source: str = NO_REGISTER.statement()
    certificate_words: str = NO_REGISTER.statement(where=False)  # the same, without the location

    def as_json(self) -> dict:
        def group(row: GroupRow, key: str) -> dict:
            data: dict[str, object] = {key: row.name}
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
            "per_kon": [group(r, "kon") for r in self.kon],
            "totalt": {"mal": self.total_mal, **asdict(self.total)},
            "nyckeltal": {f.key: {"etikett": f.label, "varde": _rounded_any(v)}
                          for f, v in zip(figure_list(),
                                          values(self.total, self.total_mal).values(),
                                          strict=True)},
            "utfardade_intyg_kalla": self.certificate_source,
            "utelamnade_rader": self.utelamnade_rader,
            "kallor": self.sources,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _rounded_any(value: int | float | None) -> int | float | None:
    return round(value, 4) if isinstance(value, float) else value


def figure_list() -> list[Figure]:
    return [BY_KEY[k] for k in KEY_FIGURES]


@dataclass(frozen=True)
class LeftOut:
    """A placement row the tally could not count, for the coordinator (never sent onwards)."""

    source: str
    row: int
    plats_id: str
    reason: str

    def as_dict(self) -> dict:
        return {"kalla": self.source, "rad": self.row, "platsid": self.plats_id,
                "orsak": self.reason}


def classify(p: Placement, start: date, end: date, counts_as_work: dict[str, bool],
             certified: set[str], with_mervarde: set[str]) -> Counts:
    """The contribution of one readable placement to its groups' counts."""
    c = Counts()
    s, e = p.startdatum, p.slutdatum
    if p.status == schema.STATUS_ERBJUDEN or (s is not None and s <= end
                                              and (e is None or e >= start)):
        c.platser = 1
        c.med_mervarde = int(p.plats_id in with_mervarde)
    if s is not None and start <= s <= end:
        c.paborjade = 1
    if p.status != schema.STATUS_ERBJUDEN and s is not None and s <= end and (e is None or e > end):
        c.pagaende = 1
    if e is not None and start <= e <= end and p.status in schema.ENDED_STATUSES:
        _classify_end(c, p, counts_as_work, certified)
    return c


def _classify_end(c: Counts, p: Placement, counts_as_work: dict[str, bool],
                  certified: set[str]) -> None:
    if p.status == schema.STATUS_AVSLUTAD:
        c.avslutade = 1
        c.utfardade_intyg = int(p.plats_id in certified)
    else:
        c.avbrutna = 1
    c.till_arbete_eller_studier = int(counts_as_work.get(p.utfall_vid_avslut, False))
    if p.utfall_efter_90:
        c.med_utfall_efter_90 = 1
        c.till_arbete_eller_studier_efter_90 = int(counts_as_work.get(p.utfall_efter_90, False))


class _Groups:
    """The tally's groups while counting: catalog order first, so empty groups show too."""

    def __init__(self, registers: Sequence[Register], period_from: date, period_to: date):
        self.forvaltningar: dict[str, GroupRow] = {}
        self.yrkesomraden: dict[str, GroupRow] = {}
        self.former: dict[str, GroupRow] = {}
        self.kon: dict[str, GroupRow] = {k: GroupRow(k, Counts()) for k in schema.KON}
        self.mervarden: dict[tuple[str, str], MervardeRow] = {}
        self.monthly: dict[str, Counts] = {m: Counts() for m in _months(period_from, period_to)}
        self.total = Counts()
        self.left_out: list[LeftOut] = []
        for reg in registers:
            self._catalog(reg)

    def _catalog(self, reg: Register) -> None:
        cat = reg.catalog
        for f in cat.forvaltningar.values():
            row = self.forvaltningar.setdefault(f.name, GroupRow(f.name, Counts(), f.mal))
            if row.mal is None:
                row.mal = f.mal
        for y in cat.yrkesomraden:
            self.yrkesomraden.setdefault(y, GroupRow(y, Counts()))
        for a in cat.anstallningsformer.values():
            self.former.setdefault(a.name, GroupRow(a.name, Counts(), None, a.rojer_halsouppgift))
        for pair in cat.mervarden:
            self.mervarden.setdefault(pair, MervardeRow(*pair))

    def add(self, reg: Register, p: Placement, c: Counts, kon: str | None) -> None:
        self.forvaltningar[p.forvaltning].counts.add(c)
        if p.yrkesomrade:
            self.yrkesomraden.setdefault(p.yrkesomrade, GroupRow(p.yrkesomrade, Counts())
                                         ).counts.add(c)
        if p.anstallningsform:
            form = reg.catalog.anstallningsformer.get(p.anstallningsform)
            self.former.setdefault(p.anstallningsform, GroupRow(
                p.anstallningsform, Counts(), None, bool(form and form.rojer_halsouppgift))
            ).counts.add(c)
        if kon is not None:
            self.kon[kon].counts.add(c)
        self.total.add(c)
        _add_monthly(self.monthly, p, c)

    def add_mervarden(self, reg: Register, period_from: date, period_to: date) -> None:
        for m in reg.mervarden:
            if m.datum is None or not period_from <= m.datum <= period_to:
                continue
            row = self.mervarden.get((m.perspektiv, m.mervarde))
            if row is not None and m.bedomning in schema.BEDOMNING_VARDEN:
                attr = {"Ja": "ja", "Delvis": "delvis", "Nej": "nej"}[m.bedomning]
                setattr(row, attr, getattr(row, attr) + 1)


def kon_of(p: Placement, kon_by_participant: dict[str, str]) -> str | None:
    """The participant's kön for the kön breakdown; None for a place nobody holds yet, or held
    by a DeltagarID that is not on Deltagare (a Fel the check reports)."""
    if not p.deltagar_id:
        return None if p.status == schema.STATUS_ERBJUDEN else schema.KON[-1]
    if p.deltagar_id not in kon_by_participant:
        return None
    kon = kon_by_participant[p.deltagar_id]
    return kon if kon in schema.KON else schema.KON[-1]


def _count_register(groups: _Groups, reg: Register, period_from: date, period_to: date,
                    certified: set[str]) -> None:
    # README: a mervärde row dated by the period's end; an undated row (a Fel) proves nothing
    with_mervarde = {m.plats_id for m in reg.mervarden
                     if m.datum is not None and m.datum <= period_to}
    kon_by_participant = {d.deltagar_id: d.kon for d in reg.participants}
    for p in reg.placements:
        reason = unreadable_reason(p, reg)
        if reason:
            groups.left_out.append(LeftOut(reg.source, p.row, p.plats_id, reason))
            continue
        c = classify(p, period_from, period_to, reg.catalog.utfall, certified, with_mervarde)
        groups.add(reg, p, c, kon_of(p, kon_by_participant))
    groups.add_mervarden(reg, period_from, period_to)


def tally(registers: Sequence[Register], period_from: date, period_to: date,
          certificates: CertificateFacts = NO_REGISTER) -> Tally:
    """Count the registers for the period; certificates are the register's, never a sheet's."""
    groups = _Groups(registers, period_from, period_to)
    for reg in registers:
        certified = certificates.for_prefix(reg.settings.get(schema.S_PREFIX).strip())
        _count_register(groups, reg, period_from, period_to, certified)
    mal_values = [r.mal for r in groups.forvaltningar.values() if r.mal is not None]
    return Tally(period_from, period_to, list(groups.forvaltningar.values()),
                 list(groups.yrkesomraden.values()), list(groups.former.values()),
                 list(groups.mervarden.values()), groups.total,
                 sum(mal_values) if mal_values else None, len(groups.left_out),
                 [r.source for r in registers], list(groups.monthly.items()),
                 list(groups.kon.values()), groups.left_out, certificates.statement(),
                 certificates.statement(where=False))


def unreadable_reason(p: Placement, reg: Register) -> str:
    """Why a placement cannot be counted ('' when it can)."""
    if p.unreadable:
        return "ett datum eller tal kunde inte läsas"
    if p.status not in schema.STATUSES:
        return f"status '{p.status}' finns inte i listan" if p.status else "status saknas"
    if p.forvaltning not in reg.catalog.forvaltningar:
        return (f"förvaltningen '{p.forvaltning}' finns inte på bladet Förvaltningar"
                if p.forvaltning else "förvaltning saknas")
    if p.status != schema.STATUS_ERBJUDEN and p.startdatum is None:
        return "startdatum saknas"
    return ""


def readable(p: Placement, reg: Register) -> bool:
    return not unreadable_reason(p, reg)


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

