"""Which placements get a kompetensintyg, and what goes on it: pure, no files, no Word.

``plan(register, today, certified)`` splits a register's completed placements into ``Candidate``s
(eligible, with everything the certificate shows except number, code and issue date) and
``Ineligible`` ones with a Swedish reason. ``Candidate.context(number, code, issued_on)`` then gives
the exact variables a template sees; ``CONTEXT_KEYS`` names them, and a test holds every template
to that set.

Privacy by construction: the personnummer never enters a context (only the date of birth derived
from it), nor does the Avbrottsorsak, the supervisor's name or any comment. An employment form that
reveals health data (lönebidrag, OSA: ``Röjer hälsouppgift`` in the catalog) is printed as the
neutral "Arbetsmarknadsanställning", since the participant shows the certificate to employers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import checks, schema
from .certificate_english import EnglishTexts, english_texts
from .model import Assessment, Participant, Placement, Register
from .verification import verification_url

CONTEXT_KEYS = frozenset({"intyg", "utfardare", "deltagare", "anstallning", "grupper", "nivaer"})

LANG_SV, LANG_EN = "sv", "en"

GROUP_NAMES = {
    LANG_SV: {"Språk": "Språk", "Sociala färdigheter": "Sociala färdigheter",
              "Allmänna kompetenser": "Allmänna kompetenser",
              "Praktiskt kunnande": "Praktiskt kunnande",
              schema.MODUL_YRKESKOMPETENS: "Yrkeskompetenser"},
    LANG_EN: {"Språk": "Language", "Sociala färdigheter": "Social skills",
              "Allmänna kompetenser": "General competences",
              "Praktiskt kunnande": "Practical skills",
              schema.MODUL_YRKESKOMPETENS: "Vocational competences"},
}
NEUTRAL_FORM = {LANG_SV: "Arbetsmarknadsanställning", LANG_EN: "Subsidised employment"}
MONTHS = {
    LANG_SV: ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"),
    LANG_EN: ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"),
}


def long_date(day: date | None, lang: str) -> str:
    if day is None:
        return ""
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def language_of(participant: Participant) -> str:
    return LANG_EN if participant.intygssprak.strip().casefold() == \
        schema.SPRAK_ENGELSKA.casefold() else LANG_SV


@dataclass(frozen=True)
class Competence:
    modul: str
    kompetens: str
    niva: int


@dataclass
class Candidate:
    """An eligible placement and everything its certificate shows but number, code and date."""

    placement: Placement
    participant: Participant
    language: str
    competences: list[Competence]
    assessed_on: date | None
    settings: dict[str, str]
    lagsta_niva: int
    levels: dict[int, tuple[str, str]]  # niva → (name, description), in the certificate language
    area_ssyk: str = ""
    area_ssyk_name: str = ""
    form_reveals_health: bool = False
    replaces: str = ""  # the number this certificate replaces (reissue)
    english: EnglishTexts | None = None  # an English certificate's texts (see ``english``)

    @property
    def plats_id(self) -> str:
        return self.placement.plats_id

    @property
    def deltagar_id(self) -> str:
        return self.participant.deltagar_id

    def context(self, number: str, code: str, issued_on: date,
                verification_address: str | None = None) -> dict[str, Any]:
        """The template's variables. ``verification_address`` overrides the workbook's
        Verifieringsadress (an installation may set it for all workbooks)."""
        lang, p, s = self.language, self.placement, self.settings
        en = self.english if lang == LANG_EN else None
        address = (s.get(schema.S_VERIFIERINGSADRESS, "") if verification_address is None
                   else verification_address).strip().rstrip("/")
        groups = []
        for modul in schema.MODULER:
            items = [{"namn": en.competences[(c.modul, c.kompetens)] if en else c.kompetens,
                      "niva": c.niva, "niva_namn": self.levels[c.niva][0]}
                     for c in self.competences if c.modul == modul]
            if items:
                groups.append({"namn": GROUP_NAMES[lang][modul], "kompetenser": items})
        start, end = long_date(p.startdatum, lang), long_date(p.slutdatum, lang)
        form = NEUTRAL_FORM[lang] if self.form_reveals_health else (
            en.form if en else p.anstallningsform)
        # free text: the English tasks when given, else the Swedish ones, labelled as such
        tasks = (p.arbetsuppgifter_en.strip() or p.arbetsuppgifter) if en else p.arbetsuppgifter
        tasks_in_swedish = bool(en and not p.arbetsuppgifter_en.strip()
                                and p.arbetsuppgifter.strip())
        return {
            "intyg": {
                "nummer": number,
                "kod": code,
                "datum": long_date(issued_on, lang),
                "bedomningsdatum": long_date(self.assessed_on, lang),
                "lagsta_niva": self.levels.get(self.lagsta_niva, (str(self.lagsta_niva), ""))[0],
                "verifieringslank": verification_url(address, number, code),
            },
            "utfardare": {
                "organisation": en.organisation if en else s.get(schema.S_ORGANISATION, ""),
                "forvaltning": en.issuer_forvaltning if en else s.get(schema.S_FORVALTNING, ""),
                "ort": s.get(schema.S_ORT, ""),
                "undertecknare": s.get(schema.S_UNDERTECKNARE, ""),
                "titel": en.title if en else s.get(schema.S_TITEL, ""),
                "verifieringsadress": address,
                "kontakt": s.get(schema.S_KONTAKT, ""),
            },
            "deltagare": {
                "namn": f"{self.participant.fornamn} {self.participant.efternamn}".strip(),
                "fornamn": self.participant.fornamn,
                "efternamn": self.participant.efternamn,
                "fodelsedatum": long_date(self.participant.birth_date, lang),
            },
            "anstallning": {
                "form": form,
                "startdatum": start,
                "slutdatum": end,
                "period": f"{start} – {end}",
                "omfattning": _extent(p.sysselsattningsgrad, lang),
                "forvaltning": en.forvaltning if en else p.forvaltning,
                "arbetsplats": p.arbetsplats,
                "yrkesomrade": en.area if en else p.yrkesomrade,
                "ssyk": self.area_ssyk,
                "ssyk_benamning": en.ssyk_name if en else self.area_ssyk_name,
                "arbetsuppgifter": tasks,
                "arbetsuppgifter_pa_svenska": tasks_in_swedish,
            },
            "grupper": groups,
            "nivaer": [{"niva": n, "namn": name, "beskrivning": text}
                       for n, (name, text) in sorted(self.levels.items())
                       if n >= max(self.lagsta_niva, 1)],
        }


def _extent(percent: float | None, lang: str) -> str:
    if percent is None:
        return ""
    shown = f"{percent:.0f}" if float(percent).is_integer() else f"{percent:.1f}".replace(
        ".", "," if lang == LANG_SV else ".")
    if lang == LANG_SV:
        return "heltid (100 %)" if percent >= 100 else f"{shown} % av heltid"
    return "full time (100%)" if percent >= 100 else f"{shown}% of full time"


@dataclass(frozen=True)
class Ineligible:
    plats_id: str
    row: int
    reason: str  # Swedish, a whole sentence


@dataclass
class Plan:
    candidates: list[Candidate] = field(default_factory=list)
    ineligible: list[Ineligible] = field(default_factory=list)
    already: list[tuple[str, str]] = field(default_factory=list)  # (PlatsID, valid number)


def latest_final(assessments: list[Assessment]) -> dict[tuple[str, str], Assessment]:
    """The latest Slutbedömning row per (modul, kompetens): by date, then by row."""
    latest: dict[tuple[str, str], Assessment] = {}
    for a in assessments:
        if a.tillfalle != schema.SLUTBEDOMNING or a.niva is None:
            continue
        key = (a.modul, a.kompetens)
        held = latest.get(key)
        if held is None or (a.datum or date.min, a.row) > (held.datum or date.min, held.row):
            latest[key] = a
    return latest


def _level_texts(register: Register) -> dict[int, tuple[str, str]]:
    return {n: (niva.benamning, niva.beskrivning) for n, niva in register.catalog.nivaer.items()}


def _where(errors: dict[str, set[int]], sheet: str, rows: list[int]) -> list[str]:
    bad = sorted(r for r in rows if r in errors.get(sheet, ()))
    if not bad:
        return []
    shown = ", ".join(str(r) for r in bad[:5]) + (" …" if len(bad) > 5 else "")
    return [f"{sheet} rad {shown}"]


def plan(register: Register, today: date | None = None,
         certified: dict[str, str] | None = None, only: Collection[str] | None = None,
         reissue: bool = False,
         english_fallback: Mapping[tuple[str, str], str] | None = None) -> Plan:
    """Split the completed placements into candidates and ineligible ones.

    ``certified`` maps PlatsID → the number of its valid certificate (from the register database
    and the workbook's Intygsregister sheet). ``only`` limits the plan to these PlatsIDs (a
    reissue); with ``reissue`` a valid certificate does not stop a placement.
    ``english_fallback`` is the English of the shipped catalog (see ``certificate_english``).
    """
    today = today or date.today()
    certified = dict(certified or {})
    for entry in register.certificates:
        if entry.status == schema.CERT_GILTIGT and entry.plats_id:
            certified.setdefault(entry.plats_id, entry.intygsnummer)
    errors = checks.rows_with_errors(checks.validate(register, today))
    participants = {p.deltagar_id: p for p in register.participants if p.deltagar_id}
    by_place: dict[str, list[Assessment]] = {}
    for a in register.assessments:
        by_place.setdefault(a.plats_id, []).append(a)
    catalog = register.catalog
    settings = register.settings
    result = Plan()
    wanted = set(only) if only is not None else None

    for p in register.placements:
        if wanted is not None:
            if p.plats_id not in wanted:
                continue
        elif p.status != schema.STATUS_AVSLUTAD:
            continue

        def refuse(reason: str) -> None:
            result.ineligible.append(Ineligible(p.plats_id, p.row, reason))

        if p.status != schema.STATUS_AVSLUTAD:
            refuse(f"Platsen {p.plats_id} har status {p.status or 'tom'}; intyg utfärdas bara för "
                   "avslutade anställningar.")
            continue
        if p.plats_id in certified and not reissue:
            result.already.append((p.plats_id, certified[p.plats_id]))
            continue
        participant = participants.get(p.deltagar_id)
        rows = by_place.get(p.plats_id, [])
        final = [a for a in rows if a.tillfalle == schema.SLUTBEDOMNING]
        problems = _where(errors, schema.PLATSER, [p.row])
        if participant is not None:
            problems += _where(errors, schema.DELTAGARE, [participant.row])
        problems += _where(errors, schema.BEDOMNINGAR, [a.row for a in rows])
        if problems:
            refuse(f"Platsen {p.plats_id} har fel som måste rättas först ({'; '.join(problems)}). "
                   "Kör Kontrollera för att se dem.")
            continue
        if participant is None:
            refuse(f"Platsen {p.plats_id} saknar en deltagare på bladet Deltagare.")
            continue
        if not final:
            refuse(f"Platsen {p.plats_id} saknar slutbedömning på bladet Bedömningar.")
            continue
        lang = language_of(participant)
        levels = _level_texts(register)
        order = {(k.modul, k.kompetens): i
                 for i, k in enumerate(catalog.competences_for(p.yrkesomrade))}
        latest = latest_final(final)
        chosen = sorted(
            (Competence(a.modul, a.kompetens, a.niva) for a in latest.values()
             if a.niva is not None and a.niva >= settings.lagsta_niva and a.niva in levels
             and (a.modul, a.kompetens) in order),
            key=lambda c: (schema.MODULER.index(c.modul) if c.modul in schema.MODULER else 99,
                           order[(c.modul, c.kompetens)]))
        area = catalog.yrkesomraden.get(p.yrkesomrade)
        form = catalog.anstallningsformer.get(p.anstallningsform)
        english = None
        if lang == LANG_EN:
            shown = sorted(n for n in levels if n >= max(settings.lagsta_niva, 1))
            english = english_texts(catalog, settings, p, english_fallback or {},
                                    [(c.modul, c.kompetens) for c in chosen], shown)
            if english.missing:
                refuse(f"Platsen {p.plats_id} ska få ett engelskt intyg, men det saknas engelsk "
                       f"text för {'; '.join(english.missing)}. Fyll i den engelska kolumnen "
                       "eller välj Intygsspråk Svenska för deltagaren.")
                continue
            levels = {**levels, **english.levels}
        result.candidates.append(Candidate(
            placement=p, participant=participant, language=lang, competences=chosen,
            assessed_on=max((a.datum for a in latest.values() if a.datum), default=None),
            settings=dict(settings.values), lagsta_niva=settings.lagsta_niva, levels=levels,
            area_ssyk=area.ssyk if area else "", area_ssyk_name=area.ssyk_benamning if area else "",
            form_reveals_health=bool(form and form.rojer_halsouppgift),
            replaces=certified.get(p.plats_id, "") if reissue else "", english=english))
    if wanted is not None:
        found = {p.plats_id for p in register.placements}
        for missing in sorted(wanted - found):
            result.ineligible.append(Ineligible(missing, 0,
                                                f"PlatsID {missing} finns inte på bladet Platser."))
    return result
