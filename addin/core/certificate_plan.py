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
        address = self._verification_address(verification_address)
        return {
            "intyg": self._certificate_fields(number, code, issued_on, address),
            "utfardare": self._issuer_fields(address),
            "deltagare": self._participant_fields(),
            "anstallning": self._employment_fields(),
            "grupper": self._groups(),
            "nivaer": self._levels_shown(),
        }

    @property
    def _en(self) -> EnglishTexts | None:
        """The English texts when the certificate is in English; None means the Swedish fields."""
        return self.english if self.language == LANG_EN else None

    def _verification_address(self, override: str | None) -> str:
        address = (self.settings.get(schema.S_VERIFIERINGSADRESS, "") if override is None
                   else override)
        return address.strip().rstrip("/")

    def _certificate_fields(self, number: str, code: str, issued_on: date,
                            address: str) -> dict[str, Any]:
        lang = self.language
        return {
            "nummer": number,
            "kod": code,
            "datum": long_date(issued_on, lang),
            "bedomningsdatum": long_date(self.assessed_on, lang),
            "lagsta_niva": self.levels.get(self.lagsta_niva, (str(self.lagsta_niva), ""))[0],
            "verifieringslank": verification_url(address, number, code),
        }

    def _issuer_fields(self, address: str) -> dict[str, Any]:
        en, s = self._en, self.settings
        return {
            "organisation": en.organisation if en else s.get(schema.S_ORGANISATION, ""),
            "forvaltning": en.issuer_forvaltning if en else s.get(schema.S_FORVALTNING, ""),
            "ort": s.get(schema.S_ORT, ""),
            "undertecknare": s.get(schema.S_UNDERTECKNARE, ""),
            "titel": en.title if en else s.get(schema.S_TITEL, ""),
            "verifieringsadress": address,
            "kontakt": s.get(schema.S_KONTAKT, ""),
        }

    def _participant_fields(self) -> dict[str, Any]:
        person = self.participant
        return {
            "namn": f"{person.fornamn} {person.efternamn}".strip(),
            "fornamn": person.fornamn,
            "efternamn": person.efternamn,
            "fodelsedatum": long_date(person.birth_date, self.language),
        }

    def _employment_fields(self) -> dict[str, Any]:
        en, p, lang = self._en, self.placement, self.language
        start, end = long_date(p.startdatum, lang), long_date(p.slutdatum, lang)
        tasks, tasks_in_swedish = self._tasks()
        return {
            "form": self._form(),
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
        }

    def _form(self) -> str:
        # a form that reveals health data is never printed (see the module docstring)
        if self.form_reveals_health:
            return NEUTRAL_FORM[self.language]
        en = self._en
        return en.form if en else self.placement.anstallningsform

    def _tasks(self) -> tuple[str, bool]:
        """The tasks as printed, and whether they are Swedish text on an English certificate."""
        p = self.placement
        if self._en is None:
            return p.arbetsuppgifter, False
        # free text: the English tasks when given, else the Swedish ones, labelled as such
        if p.arbetsuppgifter_en.strip():
            return p.arbetsuppgifter_en.strip(), False
        return p.arbetsuppgifter, bool(p.arbetsuppgifter.strip())

    def _groups(self) -> list[dict[str, Any]]:
        """The competences by module, in the certificate's module order; empty modules left out."""
        en, names = self._en, GROUP_NAMES[self.language]
        groups = []
        for modul in schema.MODULER:
            items = [{"namn": en.competences[(c.modul, c.kompetens)] if en else c.kompetens,
                      "niva": c.niva, "niva_namn": self.levels[c.niva][0]}
                     for c in self.competences if c.modul == modul]
            if items:
                groups.append({"namn": names[modul], "kompetenser": items})
        return groups

    def _levels_shown(self) -> list[dict[str, Any]]:
        """The level scale from the lowest level a certificate shows (level 0 never)."""
        return [{"niva": n, "namn": name, "beskrivning": text}
                for n, (name, text) in sorted(self.levels.items())
                if n >= max(self.lagsta_niva, 1)]


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
    # only the Slutbedömning is missing: the ordinary state of a place that has just ended, which
    # a summary may count instead of listing
    awaiting_final: bool = False


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


@dataclass(frozen=True)
class _Lookups:
    """What every placement is judged against, gathered from the register once."""

    register: Register
    certified: dict[str, str]  # PlatsID → number of its valid certificate
    reissue: bool
    errors: dict[str, set[int]]  # sheet → rows with an error
    participants: dict[str, Participant]
    assessments: dict[str, list[Assessment]]  # PlatsID → its Bedömningar rows
    english_fallback: Mapping[tuple[str, str], str]


def _lookups(register: Register, today: date, certified: dict[str, str] | None, reissue: bool,
             english_fallback: Mapping[tuple[str, str], str] | None) -> _Lookups:
    known = dict(certified or {})
    # the workbook's own Intygsregister counts too, for a workbook issued on another machine
    for entry in register.certificates:
        if entry.status == schema.CERT_GILTIGT and entry.plats_id:
            known.setdefault(entry.plats_id, entry.intygsnummer)
    assessments: dict[str, list[Assessment]] = {}
    for a in register.assessments:
        assessments.setdefault(a.plats_id, []).append(a)
    return _Lookups(
        register=register, certified=known, reissue=reissue,
        errors=checks.rows_with_errors(checks.validate(register, today)),
        participants={p.deltagar_id: p for p in register.participants if p.deltagar_id},
        assessments=assessments, english_fallback=english_fallback or {})


# Eligibility rules, checked in this order: each returns its Swedish reason to refuse, or None.
# The order decides which reason a placement with several problems is given.

def _not_completed(p: Placement, look: _Lookups) -> str | None:
    if p.status == schema.STATUS_AVSLUTAD:
        return None
    return (f"Platsen {p.plats_id} har status {p.status or 'tom'}; intyg utfärdas bara för "
            "avslutade anställningar.")


def _has_errors(p: Placement, look: _Lookups) -> str | None:
    # a certificate must not print what Kontrollera would flag, on any of the rows it is built from
    participant = look.participants.get(p.deltagar_id)
    problems = _where(look.errors, schema.PLATSER, [p.row])
    if participant is not None:
        problems += _where(look.errors, schema.DELTAGARE, [participant.row])
    problems += _where(look.errors, schema.BEDOMNINGAR,
                       [a.row for a in look.assessments.get(p.plats_id, [])])
    if not problems:
        return None
    return (f"Platsen {p.plats_id} har fel som måste rättas först ({'; '.join(problems)}). "
            "Kör Kontrollera för att se dem.")


def _no_participant(p: Placement, look: _Lookups) -> str | None:
    if p.deltagar_id in look.participants:
        return None
    return f"Platsen {p.plats_id} saknar en deltagare på bladet Deltagare."


def _no_final_assessment(p: Placement, look: _Lookups) -> str | None:
    if any(a.tillfalle == schema.SLUTBEDOMNING for a in look.assessments.get(p.plats_id, [])):
        return None
    return f"Platsen {p.plats_id} saknar slutbedömning på bladet Bedömningar."


_RULES = (_not_completed, _has_errors, _no_participant, _no_final_assessment)


def _english_missing(p: Placement, english: EnglishTexts | None) -> str | None:
    """The last rule, asked of the built candidate: an English certificate needs all its English."""
    if english is None or not english.missing:
        return None
    return (f"Platsen {p.plats_id} ska få ett engelskt intyg, men det saknas engelsk "
            f"text för {'; '.join(english.missing)}. Fyll i den engelska kolumnen "
            "eller välj Intygsspråk Svenska för deltagaren.")


def _chosen_competences(register: Register, p: Placement,
                        latest: Mapping[tuple[str, str], Assessment],
                        levels: Mapping[int, tuple[str, str]]) -> list[Competence]:
    """The competences the certificate lists: the latest final level of each, when it reaches the
    lowest level shown and the competence belongs to the placement's yrkesomrade; in the
    certificate's module order, then the catalog's order."""
    order = {(k.modul, k.kompetens): i
             for i, k in enumerate(register.catalog.competences_for(p.yrkesomrade))}
    lowest = register.settings.lagsta_niva

    def position(c: Competence) -> tuple[int, int]:
        module = schema.MODULER.index(c.modul) if c.modul in schema.MODULER else 99
        return module, order[(c.modul, c.kompetens)]

    return sorted((Competence(a.modul, a.kompetens, a.niva) for a in latest.values()
                   if a.niva is not None and a.niva >= lowest and a.niva in levels
                   and (a.modul, a.kompetens) in order), key=position)


def _english(register: Register, p: Placement, chosen: list[Competence],
             levels: Mapping[int, tuple[str, str]],
             fallback: Mapping[tuple[str, str], str]) -> EnglishTexts:
    shown = sorted(n for n in levels if n >= max(register.settings.lagsta_niva, 1))
    return english_texts(register.catalog, register.settings, p, fallback,
                         [(c.modul, c.kompetens) for c in chosen], shown)


def _candidate(p: Placement, look: _Lookups) -> Candidate:
    """The certificate of a placement that passed the rules (its English may still be missing)."""
    register, settings = look.register, look.register.settings
    participant = look.participants[p.deltagar_id]
    lang = language_of(participant)
    levels = _level_texts(register)
    latest = latest_final(look.assessments.get(p.plats_id, []))
    chosen = _chosen_competences(register, p, latest, levels)
    english = None
    if lang == LANG_EN:
        english = _english(register, p, chosen, levels, look.english_fallback)
        levels = {**levels, **english.levels}
    area = register.catalog.yrkesomraden.get(p.yrkesomrade)
    form = register.catalog.anstallningsformer.get(p.anstallningsform)
    return Candidate(
        placement=p, participant=participant, language=lang, competences=chosen,
        assessed_on=max((a.datum for a in latest.values() if a.datum), default=None),
        settings=dict(settings.values), lagsta_niva=settings.lagsta_niva, levels=levels,
        area_ssyk=area.ssyk if area else "", area_ssyk_name=area.ssyk_benamning if area else "",
        form_reveals_health=bool(form and form.rojer_halsouppgift),
        replaces=look.certified.get(p.plats_id, "") if look.reissue else "", english=english)


def _judge(p: Placement, look: _Lookups, result: Plan) -> None:
    """Put a placement in one of the plan's three lists."""
    if (p.status == schema.STATUS_AVSLUTAD and p.plats_id in look.certified
            and not look.reissue):
        result.already.append((p.plats_id, look.certified[p.plats_id]))
        return
    refusal = next(((rule, r) for rule in _RULES if (r := rule(p, look)) is not None), None)
    if refusal is not None:
        rule, reason = refusal
        result.ineligible.append(Ineligible(p.plats_id, p.row, reason,
                                            awaiting_final=rule is _no_final_assessment))
        return
    candidate = _candidate(p, look)
    missing = _english_missing(p, candidate.english)
    if missing is None:
        result.candidates.append(candidate)
    else:
        result.ineligible.append(Ineligible(p.plats_id, p.row, missing))


def _in_scope(register: Register, wanted: set[str] | None) -> list[Placement]:
    # a named placement is judged whatever its status, so the user hears why it gets none
    if wanted is not None:
        return [p for p in register.placements if p.plats_id in wanted]
    return [p for p in register.placements if p.status == schema.STATUS_AVSLUTAD]


def _not_found(register: Register, wanted: set[str]) -> list[Ineligible]:
    found = {p.plats_id for p in register.placements}
    return [Ineligible(missing, 0, f"PlatsID {missing} finns inte på bladet Platser.")
            for missing in sorted(wanted - found)]


def plan(register: Register, today: date,
         certified: dict[str, str] | None = None, only: Collection[str] | None = None,
         reissue: bool = False,
         english_fallback: Mapping[tuple[str, str], str] | None = None) -> Plan:
    """Split the completed placements into candidates and ineligible ones.

    ``certified`` maps PlatsID → the number of its valid certificate (from the register database
    and the workbook's Intygsregister sheet). ``only`` limits the plan to these PlatsIDs (a
    reissue); with ``reissue`` a valid certificate does not stop a placement.
    ``english_fallback`` is the English of the shipped catalog (see ``certificate_english``).
    """
    look = _lookups(register, today, certified, reissue, english_fallback)
    wanted = set(only) if only is not None else None
    result = Plan()
    for p in _in_scope(register, wanted):
        _judge(p, look, result)
    if wanted is not None:
        result.ineligible.extend(_not_found(register, wanted))
    return result
