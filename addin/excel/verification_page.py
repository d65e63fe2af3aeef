"""The public verification page: anyone checks a certificate by its number and code, unsigned in.

Served by the add-in's app (``webapp.install`` includes this router), without sign-in:

- ``GET /verifiera`` — a form for number and code (``?lang=en``: in English);
- ``GET /verifiera/{nummer}?kod=…`` — what the QR code on a certificate opens: the answer;
- ``POST /verifiera`` — the same answer, and whether an uploaded file (or a SHA-256 typed in) is
  the very file issued. The file is hashed as it arrives and never kept;
- ``GET /verifiera/{nummer}.json?kod=…`` — the same answer for a machine: the ``credentialStatus``
  of the certificate's Open Badges credential points here. It carries the fields of 1EdTech's
  revocation list (``id``, ``issuer``, ``revokedCredentials``: this credential when it is revoked
  or replaced) and the page's answer (``status``, ``valid``, ``replacedBy``, ``holder``, …); an
  unknown number and a wrong code get the same 404, and it is limited like the page.

The answer is ``certificates.public``'s, the same as ``amanst verify``: status (Giltigt,
Återkallat, Ersatt by which number), holder's name, issue date, employment period and issuer;
never a personnummer, a date of birth or an assessment. An unknown number and a wrong code get
byte-for-byte the same page. Each client and each number may ask a limited number of times
(``limits``, a moving window in this process's memory: ``CLIENT_LIMITS``, ``NUMBER_LIMITS``);
more get 429. Nothing personal is logged: this module logs no number, code, name or address,
and the access log's line for these paths is stripped of the client's address and of the number
and code (``RedactAccessLog``). The HTML is rendered here (Jinja, autoescaped) with a strict
Content-Security-Policy: one stylesheet of our own, no scripts, no external resources, and the
address (which holds the code) is never sent on as a Referer.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from .. import resources
from ..certificates import credential, public
from ..certificates.backend import open_store
from ..core.errors import AmanstError
from . import server_settings

log = logging.getLogger("amanst")

CLIENT_LIMITS: list[RateLimitItem] = parse_many("20/minute;200/day")
NUMBER_LIMITS: list[RateLimitItem] = parse_many("10/minute;60/day")
MAX_FILE_BYTES = 20 * 1024 * 1024
PATH = server_settings.VERIFICATION_PATH
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "Cache-Control": "no-store",
           "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow",
           "X-Content-Type-Options": "nosniff"}
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")

TEXTS = {
    "sv": {
        "title": "Verifiera ett kompetensintyg", "other": "In English", "other_lang": "en",
        "intro": "Skriv intygsnumret och verifieringskoden som står på intyget. Svaret visar om "
                 "intyget är giltigt och vems det är, så att du kan jämföra med den som visar "
                 "det.",
        "number": "Intygsnummer", "code": "Verifieringskod", "submit": "Verifiera",
        "file_intro": "Kontrollera också att filen du fått är exakt den som utfärdades: välj "
                      "filen (den skickas hit för kontroll och sparas inte) eller skriv dess "
                      "SHA-256.",
        "file": "Intygsfilen (.pdf eller .docx)", "sha": "eller SHA-256",
        "check_file": "Kontrollera filen", "status": "Status", "certificate": "Kompetensintyg",
        "compare": "Jämför namnet med legitimationen hos den som visar intyget. "
                   "Personnummer visas aldrig här.",
        "limited": "För många försök. Vänta en stund och försök igen.",
        "unavailable": "Verifieringen går inte att göra just nu. Försök igen senare.",
        "bad_sha": "SHA-256 ska vara 64 tecken 0–9 och a–f.",
        "too_big": "Filen är för stor för att vara ett intyg.",
    },
    "en": {
        "title": "Verify a certificate of competence", "other": "På svenska", "other_lang": "sv",
        "intro": "Enter the certificate number and the verification code printed on the "
                 "certificate. The answer shows whether it is valid and whose it is, so that you "
                 "can compare with the person showing it.",
        "number": "Certificate number", "code": "Verification code", "submit": "Verify",
        "file_intro": "Also check that the file you received is exactly the one issued: choose "
                      "the file (it is sent here to be checked and not kept) or enter its "
                      "SHA-256.",
        "file": "The certificate file (.pdf or .docx)", "sha": "or SHA-256",
        "check_file": "Check the file", "status": "Status", "certificate": "Certificate",
        "compare": "Compare the name with the identity document of the person showing the "
                   "certificate. Personal identity numbers are never shown here.",
        "limited": "Too many attempts. Please wait a while and try again.",
        "unavailable": "Verification is not available just now. Please try again later.",
        "bad_sha": "A SHA-256 is 64 characters 0–9 and a–f.",
        "too_big": "The file is too large to be a certificate.",
    },
}

_env = Environment(loader=FileSystemLoader(resources.SERVER_DIR / "templates"),
                   autoescape=select_autoescape(default=True))
_limiter = MovingWindowRateLimiter(MemoryStorage())

router = APIRouter(prefix=PATH)


def _lang(value: str) -> str:
    return "en" if value.strip().lower().startswith("en") else "sv"


def _client(request: Request) -> str:
    return request.client.host if request.client else "okänd"


def _allowed(request: Request, number: str) -> bool:
    """One more attempt by this client (and on this number): within the limits?"""
    if not all(_limiter.hit(item, "klient", _client(request)) for item in CLIENT_LIMITS):
        return False
    return not number or all(_limiter.hit(item, "nummer", number) for item in NUMBER_LIMITS)


def _page(request: Request, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    texts = TEXTS[lang]
    html = _env.get_template("verifiera.html").render(
        lang=lang, t=texts, action=PATH, css=request.url_for("static", path="/css/verifiera.css")
        .path, other_link=f"{PATH}?lang={texts['other_lang']}", **context)
    headers = dict(HEADERS)
    if status == 429:
        headers["Retry-After"] = "60"
    return HTMLResponse(html, status_code=status, headers=headers)


def _verify(number: str, code: str, sha: str | None) -> public.Answer:
    location = server_settings.load().register_location()
    with open_store(location, create=False) as store:
        return public.answer(store.verify(number, code, sha))


def _answer(request: Request, lang: str, number: str, code: str, sha: str | None = None,
            file_name: str = "", message: str = "") -> HTMLResponse:
    number, code = number.strip().upper()[:40], code.strip()[:40]
    if not number or not code:
        return _page(request, lang, number=number, code=code, message=message)
    if not _allowed(request, number):
        return _page(request, lang, 429, number=number, code=code,
                     message=TEXTS[lang]["limited"])
    try:
        a = _verify(number, code, sha)
    except AmanstError as exc:
        log.error("Verifieringssidan kan inte nå intygsregistret: %s", exc)
        return _page(request, lang, 503, number=number, code=code,
                     message=TEXTS[lang]["unavailable"])
    context: dict[str, Any] = {"number": number, "code": code, "message": message}
    if not a.found:
        context["not_found"] = public.not_found_text(number, lang)
    else:
        context.update(answer=a, status_text=public.status_text(a, lang),
                       facts=public.facts(a, lang),
                       file_text=public.file_text(a, file_name or "SHA-256", lang))
    return _page(request, lang, **context)


@router.get("", response_class=HTMLResponse)
def form(request: Request, nummer: str = "", kod: str = "", lang: str = "sv") -> HTMLResponse:
    return _answer(request, _lang(lang), nummer, kod)


def _status_json(a: public.Answer, service: credential.Service, code: str, lang: str
                 ) -> dict[str, Any]:
    revoked = [] if a.valid else [{"id": credential.credential_id(service, a.number),
                                   "revoked": True,
                                   "revocationReason": public.status_text(a, lang)}]
    return {"id": service.status_url(a.number, code), "issuer": service.issuer_id,
            "revokedCredentials": revoked, "number": a.number, "found": True,
            "status": a.status, "valid": a.valid, "replacedBy": a.replaced_by,
            "statusChanged": a.status_changed, "holder": a.holder, "issued": a.issued_on,
            "employmentFrom": a.period_from, "employmentTo": a.period_to,
            "issuerName": ", ".join(x for x in (a.organisation, a.forvaltning) if x),
            "message": public.status_text(a, lang)}


def _json(data: dict[str, Any], status: int = 200) -> JSONResponse:
    headers = {k: v for k, v in HEADERS.items() if k != "Content-Security-Policy"}
    if status == 429:
        headers["Retry-After"] = "60"
    return JSONResponse(data, status_code=status, headers=headers)


@router.get("/{nummer}.json")
def status(request: Request, nummer: str, kod: str = "", lang: str = "sv") -> JSONResponse:
    """The certificate's status for a machine (the credential's ``credentialStatus``)."""
    lang = _lang(lang)
    number, code = nummer.strip().upper()[:40], kod.strip()[:40]
    if not _allowed(request, number):
        return _json({"message": TEXTS[lang]["limited"]}, 429)
    try:
        a = _verify(number, code, None) if code else public.Answer(number, False)
        service = server_settings.service(request, server_settings.load())
    except AmanstError as exc:
        log.error("Verifieringen (JSON) kan inte nå intygsregistret: %s", exc)
        return _json({"message": TEXTS[lang]["unavailable"]}, 503)
    if not a.found:
        return _json({"number": number, "found": False,
                      "message": public.not_found_text(number, lang)}, 404)
    return _json(_status_json(a, service, code, lang))


@router.get("/{nummer}", response_class=HTMLResponse)
def from_qr(request: Request, nummer: str, kod: str = "", lang: str = "sv") -> HTMLResponse:
    return _answer(request, _lang(lang), nummer, kod)


@router.post("", response_class=HTMLResponse)
def with_file(request: Request, nummer: Annotated[str, Form()] = "",
              kod: Annotated[str, Form()] = "", lang: Annotated[str, Form()] = "sv",
              sha256: Annotated[str, Form()] = "",
              fil: Annotated[UploadFile | None, File()] = None) -> HTMLResponse:
    lang = _lang(lang)
    sha, name, message = None, "", ""
    if fil is not None and fil.filename:
        digest, size = hashlib.sha256(), 0
        while block := fil.file.read(1 << 20):
            size += len(block)
            if size > MAX_FILE_BYTES:
                message = TEXTS[lang]["too_big"]
                break
            digest.update(block)
        else:
            sha, name = digest.hexdigest(), fil.filename.rsplit("/", 1)[-1][:100]
    elif sha256.strip():
        if _SHA256.fullmatch(sha256.strip()):
            sha, name = sha256.strip().lower(), "SHA-256"
        else:
            message = TEXTS[lang]["bad_sha"]
    return _answer(request, lang, nummer, kod, sha, name, message)


class RedactAccessLog(logging.Filter):
    """The access log's line for a verification request keeps no client address, number or code."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and str(args[2]).startswith(PATH):
            record.args = ("-", args[1], PATH, *args[3:])
        return True


def install() -> APIRouter:
    """The router to include; the access log is redacted for its paths from now on."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactAccessLog) for f in access.filters):
        access.addFilter(RedactAccessLog())
    return router
