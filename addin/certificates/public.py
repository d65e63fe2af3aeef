"""What anyone may learn about a certificate from its number and code, in Swedish and English.

The verification page (``GET /verifiera``) and ``amanst verify`` answer alike: the status (Giltigt,
Återkallat, Ersatt by which number), the holder's name, the issue date, the employment period and
the issuer, exactly as the certificate prints them, and whether an uploaded file (or its SHA-256)
is the very file issued. Never a personnummer, a date of birth or an assessment. An unknown
number and a wrong code get one and the same answer (``found`` False), so numbers can't be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core import schema
from ..core.certificate_plan import LANG_EN, LANG_SV, long_date
from .store import Verification

STATUS_EN = {schema.CERT_GILTIGT: "Valid", schema.CERT_ERSATT: "Replaced",
             schema.CERT_ATERKALLAT: "Revoked"}


@dataclass(frozen=True)
class Answer:
    number: str
    found: bool
    status: str = ""
    valid: bool = False
    replaced_by: str = ""
    status_changed: str = ""  # ISO date
    holder: str = ""
    issued_on: str = ""  # ISO date
    period_from: str = ""
    period_to: str = ""
    organisation: str = ""
    forvaltning: str = ""
    file_checked: bool = False
    file_kind: str = ""  # "docx", "pdf", … when the file is the one issued


def answer(v: Verification) -> Answer:
    e = v.entry
    if not v.known or e is None:
        return Answer(v.number, False, file_checked=v.file_checked)
    return Answer(v.number, True, e.status, e.status == schema.CERT_GILTIGT, e.replaced_by,
                  e.status_changed_at[:10], e.holder_name, e.issued_on or e.issued_at[:10],
                  e.period_from, e.period_to, e.organisation, e.forvaltning, v.file_checked,
                  v.file_kind or "")


def _day(iso: str, lang: str) -> str:
    try:
        return long_date(date.fromisoformat(iso[:10]), lang)
    except ValueError:
        return ""


def _missing(lang: str) -> str:
    return "not recorded" if lang == LANG_EN else "uppgift saknas"


def status_text(a: Answer, lang: str = LANG_SV) -> str:
    """One sentence: the status and what it means."""
    if lang == LANG_EN:
        if a.status == schema.CERT_GILTIGT:
            return "Valid."
        if a.status == schema.CERT_ERSATT:
            return (f"Replaced by {a.replaced_by or 'a newer certificate'}. This certificate is "
                    "no longer valid.")
        return f"Revoked ({_day(a.status_changed, lang)}). This certificate is not valid."
    if a.status == schema.CERT_GILTIGT:
        return "Giltigt."
    if a.status == schema.CERT_ERSATT:
        return (f"Ersatt av {a.replaced_by or 'ett nyare intyg'}. Det här intyget gäller inte "
                "längre.")
    return f"Återkallat ({_day(a.status_changed, lang)}). Intyget gäller inte."


def facts(a: Answer, lang: str = LANG_SV) -> list[tuple[str, str]]:
    """(label, value) of what the certificate says about its holder and issuer."""
    en = lang == LANG_EN
    period = (f"{_day(a.period_from, lang)} – {_day(a.period_to, lang)}"
              if a.period_from and a.period_to else _missing(lang))
    issuer = ", ".join(x for x in (a.organisation, a.forvaltning) if x) or _missing(lang)
    return [("Holder" if en else "Innehavare", a.holder or _missing(lang)),
            ("Issued" if en else "Utfärdat", _day(a.issued_on, lang) or _missing(lang)),
            ("Employment" if en else "Anställning", period),
            ("Issuer" if en else "Utfärdare", issuer)]


def file_text(a: Answer, name: str, lang: str = LANG_SV) -> str:
    """Whether the file checked is the very one issued ("" when none was checked)."""
    if not a.file_checked:
        return ""
    kind = {"docx": "Word", "pdf": "PDF"}.get(a.file_kind, a.file_kind.upper())
    if lang == LANG_EN:
        return (f"The file {name} is exactly the one issued ({kind})." if a.file_kind else
                f"The file {name} is NOT the one issued: it has been changed or belongs to "
                "another certificate.")
    return (f"Filen {name} är exakt den som utfärdades ({kind})." if a.file_kind else
            f"Filen {name} är INTE den som utfärdades: innehållet har ändrats eller hör till "
            "ett annat intyg.")


def not_found_text(number: str, lang: str = LANG_SV) -> str:
    """The one answer for an unknown number and for a wrong code."""
    if lang == LANG_EN:
        return (f"The certificate could not be verified: there is no certificate {number} with "
                "that code. Check the number and the code.")
    return (f"Intyget kunde inte verifieras: det finns inget intyg {number} med den koden. "
            "Kontrollera numret och koden.")


__all__ = ["LANG_EN", "LANG_SV", "Answer", "answer", "facts", "file_text", "not_found_text",
           "status_text"]
