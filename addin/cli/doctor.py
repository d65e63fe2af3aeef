"""``amanst doctor``: does this installation have everything it needs? One Swedish line per check.

Reads the settings object (``addin.settings.load()``) and xlwings Server's settings, and looks at
what they name: the register (reachable, its prefixes, its sequence beyond the numbers in the
certificate folder and the journal), LibreOffice and the fonts the PDFs need, the PDF seal, the
Open Badges key with the public keys and the issuer profile the server publishes, the production
switch, the verification address (and the status address beside it), e-mail, sign-in and the
licence key. Each line starts with OK, VARNING (works, but not as it should in production) or
SAKNAS/FEL (something is missing or broken); the exit code is 1 when any line is SAKNAS or FEL,
else 0. It changes nothing and makes no register.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import resources
from .. import settings as settings_mod
from ..core.errors import AmanstError
from .common import EXIT_OK, EXIT_PROBLEMS, say

OK, WARN, MISSING, ERROR = "OK", "VARNING", "SAKNAS", "FEL"
FONTS = ("Carlito", "Liberation Sans")  # metric twins of Calibri and Arial: PDFs like Word's
EXAMPLE_HOSTS = ("example.org", "example.com", "example.net", "example", "test", "invalid",
                 "localhost")


@dataclass(frozen=True)
class Line:
    level: str
    what: str
    text: str

    def __str__(self) -> str:
        return f"{self.level:<8}{self.what}: {self.text}"


@dataclass(frozen=True)
class Context:
    settings: settings_mod.Settings
    server: dict[str, str]  # xlwings Server's settings (XLWINGS_*)
    workbook: Path | None

    @property
    def production(self) -> bool:
        return bool(getattr(self.settings, "production", False))


def check_register(ctx: Context) -> Iterator[Line]:
    from ..certificates import evidence, journal
    from ..certificates.backend import describe, open_store
    from ..certificates.store import RegisterMissing
    from ..excel.files import cert_dir

    try:
        location = ctx.settings.register_location()
    except AmanstError as exc:
        yield Line(MISSING, "Intygsregister", str(exc))
        return
    where = describe(location)
    try:
        with open_store(location, create=False) as store:
            numbers = ", ".join(f"{p}-{y}-{last:05d}" for (p, y), last in
                                sorted(store.sequences().items()) if last) or "inga än"
            kind = " (exempelregister)" if store.info().get("kind") == "exempel" else ""
            seen = evidence.combined(evidence.seen_in_folder(cert_dir(ctx.settings)),
                                     journal.seen(ctx.settings.state_dir, store.register_id()))
            store.check_beyond(seen)
    except RegisterMissing:
        yield Line(WARN, "Intygsregister", f"{where} finns inte än; det skapas när det första "
                   "intyget utfärdas.")
        return
    except AmanstError as exc:
        yield Line(ERROR, "Intygsregister", f"{where}: {exc}")
        return
    yield Line(OK, "Intygsregister", f"{where}{kind}, nås; högsta nummer: {numbers}.")


def check_prefixes(ctx: Context) -> Iterator[Line]:
    try:
        prefixes = ctx.settings.prefixes()
    except AmanstError as exc:
        yield Line(ERROR, "Intygsprefix", str(exc))
        return
    if not prefixes:
        yield Line(MISSING, "Intygsprefix", "inställningen certificate_prefixes "
                   "(AMANST_INTYGSPREFIX) är inte satt; inga intyg kan utfärdas.")
    else:
        yield Line(OK, "Intygsprefix", ", ".join(prefixes) + " (unika för installationen).")


def check_libreoffice(ctx: Context) -> Iterator[Line]:
    from ..certificates.pdf import find_soffice

    found = find_soffice(ctx.settings.soffice)
    needed = MISSING if ctx.settings.cert_pdf else WARN
    if found is None:
        yield Line(needed, "LibreOffice", "hittas inte, så inga PDF-intyg kan skapas. Installera "
                   "LibreOffice (Debian: libreoffice-writer-nogui) eller ange AMANST_SOFFICE.")
        return
    try:
        version = subprocess.run([found, "--version"], capture_output=True, text=True,
                                 timeout=60).stdout.strip().splitlines()[0]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        version = "versionen kunde inte läsas"
    yield Line(OK, "LibreOffice", f"{found} ({version}).")
    yield from _fonts(needed)


def _fonts(level_if_missing: str) -> Iterator[Line]:
    if shutil.which("fc-list") is None:
        yield Line(WARN, "Typsnitt", "fc-list finns inte, så typsnitten kunde inte kontrolleras.")
        return
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True,
                            timeout=60).stdout
    missing = [f for f in FONTS if f not in listed]
    if missing:
        yield Line(level_if_missing, "Typsnitt", f"{', '.join(missing)} saknas: PDF-intygen får "
                   "annan radbrytning än i Word. Installera fonts-crosextra-carlito och "
                   "fonts-liberation.")
    else:
        yield Line(OK, "Typsnitt", ", ".join(FONTS) + ".")


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(f"addin.certificates.{module}")
    except ImportError:
        return None


def check_seal(ctx: Context) -> Iterator[Line]:
    seal, installation = _optional("seal"), _optional("installation")
    if seal is None or installation is None or not hasattr(ctx.settings, "seal_pkcs12"):
        yield Line(WARN, "Sigill", "ej inställt: PDF-intygen förseglas inte.")
        return
    status = seal.seal_status(installation.seal_config(ctx.settings))
    level = OK if status.ok else (ERROR if status.configured else WARN)
    yield Line(level, "Sigill", status.message)


def check_keys(ctx: Context) -> Iterator[Line]:
    credential, installation = _optional("credential"), _optional("installation")
    if credential is None or installation is None or not hasattr(ctx.settings,
                                                                   "credential_key"):
        yield Line(WARN, "Nycklar", "ej inställt: inga digitala intyg (Open Badges) skapas.")
        return
    status = credential.key_status(installation.credential_config(ctx.settings),
                                   installation.service(ctx.settings))
    yield Line(OK if status.ok else (ERROR if status.configured else WARN), "Nycklar",
               status.message)
    if status.ok:
        yield from _profile(ctx, credential)


def _profile(ctx: Context, credential: Any) -> Iterator[Line]:
    """Whether the register holds the issuer profile the server publishes (the last issue with
    a key records it)."""
    from ..certificates.backend import open_store

    try:
        with open_store(ctx.settings.register_location(), create=False) as store:
            recorded = store.info().get(credential.PROFILE_INFO, "")
    except AmanstError:
        recorded = ""
    if recorded:
        yield Line(OK, "Utfärdarprofil", "intygsregistret har utfärdarprofilen som publiceras "
                   "(intyg/utfardare.json).")
    else:
        yield Line(WARN, "Utfärdarprofil", "intyg/utfardare.json visar bara adressen tills "
                   "intyg har utfärdats med nyckeln; då sparas organisationens namn och kontakt.")


def check_production(ctx: Context) -> Iterator[Line]:
    environment = ctx.server.get("XLWINGS_ENVIRONMENT", "dev")
    if ctx.production:
        yield Line(OK, "Produktion", "på: verifieringsadressen måste vara inställningen "
                   "verification_address, en https-adress som inte är en exempeladress.")
    elif environment.lower() == "prod":
        yield Line(WARN, "Produktion", "av (AMANST_PRODUCTION=0) fast servern kör i miljö prod: "
                   "exempeladresser godtas på intygen.")
    else:
        yield Line(OK, "Produktion", f"av (miljö {environment}): exempeladresser godtas; sätt "
                   "AMANST_PRODUCTION=1 eller XLWINGS_ENVIRONMENT=prod i drift.")


def _address(ctx: Context) -> str | None:
    """The verification address: the setting if this installation has one, else (outside
    production) the workbook's Verifieringsadress (with --arbetsbok); None when there is nothing
    to look at."""
    value = ctx.settings.verification_address.strip()
    if value:
        return value
    if ctx.workbook is not None and not ctx.production:
        from ..core import schema
        from ..operations import read_register

        return read_register(ctx.workbook).settings.get(schema.S_VERIFIERINGSADRESS).strip()
    return None


def check_address(ctx: Context) -> Iterator[Line]:
    try:
        address = _address(ctx)
    except AmanstError as exc:
        yield Line(ERROR, "Verifieringsadress", str(exc))
        return
    if address is None and ctx.production:
        yield Line(MISSING, "Verifieringsadress", "inställningen verification_address "
                   "(AMANST_VERIFICATION_ADDRESS) måste anges i produktion; där gäller inte "
                   "arbetsbokens Verifieringsadress. Inga intyg kan utfärdas.")
        return
    if address is None:
        yield Line(WARN, "Verifieringsadress", "står på arbetsbokens blad Inställningar; ange "
                   "--arbetsbok ARBETSBOK för att kontrollera den, eller inställningen "
                   "verification_address.")
        return
    parts = urlsplit(address)
    host = (parts.hostname or "").lower()
    example = any(host == h or host.endswith("." + h) for h in EXAMPLE_HOSTS)
    if not address or parts.scheme != "https" or not host:
        yield Line(MISSING if ctx.production else WARN, "Verifieringsadress",
                   f"'{address}' är ingen https-adress; intygens QR-kod kan inte leda dit.")
    elif example:
        yield Line(ERROR if ctx.production else WARN, "Verifieringsadress",
                   f"{address} är en exempeladress" + (", som inte godtas i produktion." if
                                                        ctx.production else "."))
    else:
        yield Line(OK, "Verifieringsadress", f"{address}; intygens status som JSON på "
                   f"{address.rstrip('/')}/NUMMER.json?kod=KOD.")


def check_smtp(ctx: Context) -> Iterator[Line]:
    s = ctx.settings
    if not s.smtp_host.strip():
        yield Line(WARN, "E-post", "ingen e-postserver (AMANST_SMTP_HOST): sammanställningen "
                   "till styrgruppen sparas som utkast i stället för att skickas.")
        return
    try:
        with socket.create_connection((s.smtp_host, s.smtp_port), timeout=5):
            pass
    except OSError as exc:
        yield Line(ERROR, "E-post", f"{s.smtp_host}:{s.smtp_port} svarar inte "
                   f"({exc.strerror or type(exc).__name__}).")
        return
    yield Line(OK, "E-post", f"{s.smtp_host}:{s.smtp_port} svarar"
               + (", STARTTLS" if s.smtp_starttls else ", utan kryptering") + ".")


def check_sign_in(ctx: Context) -> Iterator[Line]:
    providers = ctx.server.get("XLWINGS_AUTH_PROVIDERS", "").strip(" []\"'")
    environment = ctx.server.get("XLWINGS_ENVIRONMENT", "dev")
    if providers:
        yield Line(OK, "Inloggning", f"{providers} (miljö {environment}).")
    elif environment == "dev":
        yield Line(WARN, "Inloggning", "ingen (utvecklingsläge: alla är inloggade med alla "
                   "roller). Sätt XLWINGS_AUTH_PROVIDERS och XLWINGS_ENVIRONMENT=prod i drift.")
    else:
        yield Line(MISSING, "Inloggning", f"ingen inloggning är inställd (miljö {environment}): "
                   "alla knappar nekas. Sätt XLWINGS_AUTH_PROVIDERS, se docs/excel-tillagg.md.")


def check_licence(ctx: Context) -> Iterator[Line]:
    key = ctx.server.get("XLWINGS_LICENSE_KEY", "").strip()
    if not key:
        yield Line(MISSING, "Licensnyckel", "XLWINGS_LICENSE_KEY saknas.")
    elif key == "noncommercial":
        yield Line(OK, "Licensnyckel", "noncommercial (PolyForm Noncommercial 1.0.0, som "
                   "tillåter offentliga institutioner; se README).")
    else:
        yield Line(OK, "Licensnyckel", "satt.")


def check_state_dir(ctx: Context) -> Iterator[Line]:
    folder = ctx.settings.state_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        writable = os.access(folder, os.W_OK)
    except OSError:
        writable = False
    if writable:
        yield Line(OK, "Tillståndsmapp", f"{folder} (journal, incidentlogg, senaste körningar).")
    else:
        yield Line(ERROR, "Tillståndsmapp", f"{folder} går inte att skriva till.")


CHECKS: tuple[Callable[[Context], Iterator[Line]], ...] = (
    check_register, check_prefixes, check_libreoffice, check_seal, check_keys, check_production,
    check_address, check_smtp, check_sign_in, check_licence, check_state_dir)


def run_checks(ctx: Context) -> list[Line]:
    lines: list[Line] = []
    for check in CHECKS:
        try:
            lines += list(check(ctx))
        except (AmanstError, OSError, subprocess.SubprocessError) as exc:
            lines.append(Line(ERROR, check.__name__.removeprefix("check_"), str(exc)))
    return lines


def cmd_doctor(args: argparse.Namespace) -> int:
    server = settings_mod.xlwings_environment(resources.SERVER_DIR)
    ctx = Context(settings_mod.load(server_environment=server["XLWINGS_ENVIRONMENT"]), server,
                  args.workbook)
    lines = run_checks(ctx)
    for line in lines:
        say(str(line))
    bad = sum(1 for line in lines if line.level in (MISSING, ERROR))
    say(f"{'Allt som behövs finns.' if not bad else f'{bad} saknas eller fungerar inte.'} "
        f"(Miljö: {ctx.server.get('XLWINGS_ENVIRONMENT', 'dev')}.)")
    return EXIT_PROBLEMS if bad else EXIT_OK


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", aliases=["diagnos"],
                       help="kontrollera att installationen har allt den behöver",
                       description="Kontrollerar intygsregistret och dess prefix, LibreOffice och "
                                   "typsnitten, sigill och nycklar, verifieringsadressen, e-post, "
                                   "inloggning och licensnyckel, en rad var. Ändrar ingenting. "
                                   "Slutkod 1 när något saknas eller inte fungerar.")
    p.add_argument("--arbetsbok", dest="workbook", metavar="ARBETSBOK", type=Path,
                   help="kontrollera också arbetsbokens Verifieringsadress")
    p.set_defaults(func=cmd_doctor)
