"""Every setting of an installation, declared once: name, type, default, Swedish help, secret?

Settings are what IT decides for an installation (where the register is, the e-mail server, the
folders); they never live in a workbook. Each is a field of ``Settings`` whose metadata names its
environment variable and explains it. ``load()`` reads them, later sources winning:

1. the default declared here;
2. the configuration file: ``AMANST_CONFIG``, else ``/etc/amanst/amanst.toml`` (Windows:
   ``%PROGRAMDATA%\\amanst\\amanst.toml``) when it exists; TOML with the field names as keys;
3. the environment variable;
4. what the caller passes explicitly (a command-line flag).

Entry points (the command line, the server's scripts, the desktop macros) call ``load()`` and hand
the values to the code that needs them; nothing else in the package reads the environment. The
table in ``docs/installningar.md`` and the amanst part of ``addin/server/.env.template`` are
generated from the declarations (``python -m addin.settings``), and a test keeps them in step.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .core.certificate_status import DEMO_PREFIX
from .core.errors import AmanstError

CONFIG_ENV = "AMANST_CONFIG"
XLWINGS_ENVIRONMENT = "XLWINGS_ENVIRONMENT"
PRODUCTION_ENVIRONMENT = "prod"  # xlwings Server's name for production
_PREFIX = re.compile(r"[A-Z0-9]{1,12}")
MIB = 1024 * 1024
_FALSE = ("0", "nej", "no", "false", "av", "off")
_TRUE = ("1", "ja", "yes", "true", "på", "on")


def _setting(default: Any, env: str, help: str, *, secret: bool = False, group: str = "Allmänt",
             shown_default: str | None = None) -> Any:
    return field(default=default, metadata={"env": env, "help": help, "secret": secret,
                                            "group": group, "shown_default": shown_default})


class SettingsError(AmanstError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """One installation's settings. Paths are absolute after ``load()`` (``~`` expanded)."""

    state_dir: Path = _setting(
        Path("~/.local/state/amanst"), "AMANST_STATE_DIR",
        "Serverns mapp för tillstånd: användarnas senaste körningar, utfärdade intyg och "
        "e-postutkast. En mapp som alla arbetsprocesser delar.")
    log_dir: Path | None = _setting(
        None, "AMANST_LOG_DIR",
        "Mapp för incidentloggen (incidents.log) när ingen annan loggning är inställd.",
        shown_default="samma som AMANST_STATE_DIR")
    register: str = _setting(
        "", "AMANST_REGISTER",
        "Installationens intygsregister: en SQLite-fil i en mapp som servern och alla som "
        "utfärdar når, eller en adress postgresql://användare@värd/databas. Ett enda register "
        "per installation, för servern och kommandona issue, verify, revoke och register. "
        "Måste anges (eller register_url).", group="Intyg", shown_default="inget: måste anges")
    register_url: str = _setting(
        "", "AMANST_REGISTER_URL",
        "Intygsregistret i PostgreSQL (postgresql://...); går före AMANST_REGISTER. Kan innehålla "
        "ett lösenord.", secret=True, group="Intyg")
    certificate_prefixes: str = _setting(
        "", "AMANST_INTYGSPREFIX",
        "De intygsprefix installationen utfärdar under, kommaseparerade (till exempel ASF,SOF): "
        "arbetsbokens Intygsprefix måste vara ett av dem. Ett prefix hör till en enda "
        "installation, så att ett intygsnummer aldrig kan betyda två intyg. EXEMPEL är "
        "reserverat för amanst demo. Måste anges för att utfärda.", group="Intyg",
        shown_default="inget: måste anges")
    templates_dir: Path | None = _setting(
        None, "AMANST_TEMPLATES",
        "Mapp med installationens egna (redigerade) Word-mallar för kompetensintyg.",
        group="Intyg", shown_default="mallarna som följer med amanst")
    soffice: str = _setting(
        "", "AMANST_SOFFICE",
        "LibreOffice-programmet (soffice) som gör PDF; tomt: sök i PATH och på vanliga platser.",
        group="Intyg")
    cert_dir: Path | None = _setting(
        None, "AMANST_CERT_DIR",
        "Mappen där knappen Utfärda intyg lägger intygen.", group="Intyg",
        shown_default="AMANST_STATE_DIR/intyg på servern, mappen intyg bredvid arbetsboken på "
                      "skrivbordet")
    cert_pdf: bool = _setting(
        True, "AMANST_CERT_PDF", "Skapa PDF av intygen från Excel-knappen (0 = bara Word).",
        group="Intyg")
    seal_pkcs12: Path | None = _setting(
        None, "AMANST_SEAL_PKCS12",
        "Organisationens sigillcertifikat: en PKCS#12-fil (.p12) med nyckel och kedja. Satt: "
        "varje PDF-intyg förseglas (PAdES). Tomt: PDF-intygen förseglas inte.", group="Intyg")
    seal_password: str = _setting(
        "", "AMANST_SEAL_PASSWORD", "Lösenordet till sigillfilen.", secret=True, group="Intyg")
    seal_tsa_url: str = _setting(
        "", "AMANST_SEAL_TSA_URL",
        "Tidsstämpeltjänst (RFC 3161) för sigillet, https://...; tomt: ingen tidsstämpel.",
        group="Intyg")
    credential_key: Path | None = _setting(
        None, "AMANST_CREDENTIAL_KEY",
        "Nyckeln (PEM, EC P-256) som signerar de digitala intygen (Open Badges 3.0, NUMMER.json "
        "och NUMMER.jwt). Tomt: inga digitala intyg.", group="Intyg")
    credential_old_keys: str = _setting(
        "", "AMANST_CREDENTIAL_OLD_KEYS",
        "Publika nycklar (PEM) som använts tidigare, åtskilda med kolon (Windows: semikolon); "
        "de publiceras så att äldre digitala intyg går att kontrollera.", group="Intyg")
    verification_address: str = _setting(
        "", "AMANST_VERIFICATION_ADDRESS",
        "Adressen till den offentliga verifieringssidan, https://<värd>/verifiera: intygens "
        "QR-kod leder dit, och de digitala intygens utfärdare och nycklar publiceras bredvid "
        "den (<värd>/intyg/utfardare.json och <värd>/intyg/nycklar.json). Går före "
        "arbetsbokens Verifieringsadress. Måste anges i produktion.", group="Intyg",
        shown_default="arbetsbokens Verifieringsadress (utanför produktion)")
    production: bool = _setting(
        False, "AMANST_PRODUCTION",
        "Produktion (1) eller utveckling och test (0). I produktion vägras en exempeladress, "
        "localhost eller http som verifieringsadress, och verifieringsadressen måste komma "
        "från inställningen verification_address. Gäller kommandona, servern och doctor.",
        group="Intyg", shown_default="1 när XLWINGS_ENVIRONMENT=prod, annars 0")
    parse_memory_mb: int = _setting(
        3072, "AMANST_PARSE_MEMORY_MB",
        "Mest minne (MB) kommandoraden får använda medan den läser en arbetsbok; en arbetsbok som "
        "kräver mer avvisas (slutkod 2) i stället för att ta datorns minne.", group="Gränser")
    parse_seconds: int = _setting(
        300, "AMANST_PARSE_SECONDS",
        "Längsta tid (sekunder) kommandoraden läser en arbetsbok innan den ger upp (slutkod 2).",
        group="Gränser")
    max_body_bytes: int = _setting(
        6 * MIB, "AMANST_MAX_BODY_BYTES",
        "Största förfrågan (byte) servern tar emot från Excel; större avvisas med 413 innan den "
        "läses. Håll den lika med den omvända proxyns gräns.", group="Server")
    max_book_bytes: int = _setting(
        64 * MIB, "AMANST_MAX_BOOK_BYTES",
        "Största arbetsbok (byte JSON) servern packar upp ur en gzip-komprimerad förfrågan från "
        "aktivitetsfönstret; större avvisas med 413 innan den tolkas. 10 000 platser är cirka "
        "30 MB.", group="Server")
    support_url: str = _setting(
        "", "AMANST_SUPPORT_URL",
        "Adress (https) till stödet för Excel-tillägget: Excel visar den som tilläggets "
        "supportlänk och serverns startsida länkar dit.", group="Server",
        shown_default="serverns startsida (https://<värd>/)")
    office_frame_ancestors: str = _setting(
        "https://*.officeapps.live.com https://*.sharepoint.com https://*.office.com "
        "https://office.com https://*.office365.com https://*.microsoft365.com "
        "https://microsoft365.com https://*.cloud.microsoft https://onedrive.live.com",
        "AMANST_OFFICE_FRAME_ANCESTORS",
        "Webbplatser (med mellanslag emellan) som får visa aktivitetsfönstret i en ram: Excel på "
        "webben. Alla andra nekas (Content-Security-Policy frame-ancestors).", group="Server")
    smtp_host: str = _setting(
        "", "AMANST_SMTP_HOST",
        "E-postservern för Skicka till styrgruppen; tomt: ett utkast sparas i stället.",
        group="E-post")
    smtp_port: int = _setting(587, "AMANST_SMTP_PORT", "E-postserverns port.", group="E-post")
    smtp_user: str = _setting("", "AMANST_SMTP_USER", "Användarnamn på e-postservern.",
                              group="E-post")
    smtp_password: str = _setting("", "AMANST_SMTP_PASSWORD", "Lösenord på e-postservern.",
                                  secret=True, group="E-post")
    smtp_starttls: bool = _setting(
        True, "AMANST_SMTP_STARTTLS",
        "Kryptera med STARTTLS (0 bara mot en relä-server på den egna datorn).", group="E-post")
    smtp_cafile: Path | None = _setting(
        None, "AMANST_SMTP_CAFILE",
        "Stadens egna CA-certifikat (PEM) som e-postservern kontrolleras mot, utöver systemets.",
        group="E-post")
    smtp_from: str = _setting(
        "", "AMANST_SMTP_FROM",
        "Avsändaradress; går före Avsändarens e-post på bladet Inställningar.", group="E-post")

    @property
    def incident_dir(self) -> Path:
        return self.log_dir or self.state_dir

    def register_location(self) -> str:
        """The installation's register: the PostgreSQL URL, else AMANST_REGISTER. There is no
        default: a register each user or folder made for itself is how one number came to mean
        two certificates."""
        location = self.register_url.strip() or self.register.strip()
        if not location:
            raise SettingsError(
                "Intygsregistret är inte inställt. Ange installationens register med "
                "inställningen register (miljövariabeln AMANST_REGISTER: en SQLite-fil) eller "
                "register_url (AMANST_REGISTER_URL: PostgreSQL), eller med --register. Se "
                "docs/installningar.md.")
        return location

    def prefixes(self) -> tuple[str, ...]:
        """The Intygsprefix this installation issues under (``certificate_prefixes``), checked."""
        found = tuple(p.strip().upper() for p in self.certificate_prefixes.split(",")
                      if p.strip())
        for prefix in found:
            if not _PREFIX.fullmatch(prefix) or prefix == DEMO_PREFIX:
                raise SettingsError(
                    f"AMANST_INTYGSPREFIX innehåller '{prefix}', som inte går att använda: "
                    "skriv 1–12 versaler A–Z eller siffror per prefix" +
                    (f" ({DEMO_PREFIX} är reserverat för amanst demo)." if prefix == DEMO_PREFIX
                     else "."))
        return found


def declared() -> list[tuple[str, Any, Mapping[str, Any]]]:
    """(field name, default, metadata) of every setting, in declaration order."""
    return [(f.name, f.default, f.metadata) for f in fields(Settings)]


@functools.cache
def _types() -> dict[str, Any]:
    # the annotations are text (``from __future__ import annotations``): evaluating them for every
    # setting read was a millisecond of every button on the server
    return typing.get_type_hints(Settings)


def _convert(name: str, raw: Any, where: str) -> Any:
    kind = _types()[name]
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = raw.strip()
    base = next((t for t in typing.get_args(kind) if t is not type(None)), kind)
    if raw == "" and base is not str:
        return None if type(None) in typing.get_args(kind) else _default(name)
    env = Settings.__dataclass_fields__[name].metadata["env"]
    if base is bool:
        text = str(raw).casefold()
        if isinstance(raw, bool) or text in _TRUE + _FALSE:
            return raw if isinstance(raw, bool) else text in _TRUE
        raise SettingsError(f"{env} ({where}) ska vara 1 eller 0, inte '{raw}'.")
    if base is int:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if value <= 0:
            raise SettingsError(f"{env} ({where}) ska vara ett positivt heltal, inte '{raw}'.")
        return value
    if base is Path:
        return Path(str(raw)).expanduser()
    return str(raw)


def _default(name: str) -> Any:
    value = Settings.__dataclass_fields__[name].default
    return value.expanduser() if isinstance(value, Path) else value


def config_file(environ: Mapping[str, str]) -> Path | None:
    explicit = environ.get(CONFIG_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    if sys.platform == "win32":
        base = environ.get("PROGRAMDATA", r"C:\ProgramData")
        candidate = Path(base) / "amanst" / "amanst.toml"
    else:
        candidate = Path("/etc/amanst/amanst.toml")
    return candidate if candidate.is_file() else None


def _read_config(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(f"Inställningsfilen {path} ({CONFIG_ENV}) finns inte.") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"Inställningsfilen {path} kan inte läsas ({exc}).") from None
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"Inställningsfilen {path} har okända inställningar: "
                            f"{', '.join(unknown)}. Se docs/installningar.md.")
    return data


def load(environ: Mapping[str, str] | None = None, *, server_environment: str | None = None,
         **explicit: Any) -> Settings:
    """The settings from defaults, the configuration file, the environment and ``explicit``.

    ``production``, when no source sets it, follows xlwings Server's environment: on when it is
    ``prod``. That is ``server_environment`` when given (the server passes the one xlwings Server
    read, perhaps from its ``.env``), else ``XLWINGS_ENVIRONMENT`` in the environment.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {name: _default(name) for name, _, _ in declared()}
    given: set[str] = set()
    path = config_file(env)
    if path is not None:
        for name, raw in _read_config(path).items():
            values[name] = _convert(name, raw, f"i {path}")
            given.add(name)
    for name, _, meta in declared():
        raw = env.get(meta["env"])
        if raw is not None and raw.strip() != "":
            values[name] = _convert(name, raw, "miljövariabel")
            given.add(name)
    for name, raw in explicit.items():
        if raw is not None:
            values[name] = _convert(name, raw, "angivet värde") if isinstance(raw, str) else raw
            given.add(name)
    if "production" not in given:
        server = env.get(XLWINGS_ENVIRONMENT, "") if server_environment is None \
            else server_environment
        values["production"] = server.strip().lower() == PRODUCTION_ENVIRONMENT
    return Settings(**values)


def with_values(settings: Settings, **changes: Any) -> Settings:
    return replace(settings, **changes)


# --- xlwings Server's own settings ------------------------------------------------------------

# Our own manifest ids (xlwings Server's defaults are shared by every project that uses it).
XLWINGS_DEFAULTS = {
    "XLWINGS_LICENSE_KEY": "noncommercial",
    "XLWINGS_ENVIRONMENT": "dev",
    "XLWINGS_PROJECT_NAME": "Arbetsmarknadsanställningar",
    "XLWINGS_FUNCTIONS_NAMESPACE": "AMANST",
    "XLWINGS_ENABLE_EXAMPLES": "false",
    "XLWINGS_ENABLE_HOTRELOAD": "false",
    "XLWINGS_ON_SERVER": "true",
    "XLWINGS_MANIFEST_ID_DEV": "5b0c6a3e-8f0e-4a4e-9d0f-3c7e2a1d9b01",
    "XLWINGS_MANIFEST_ID_QA": "5b0c6a3e-8f0e-4a4e-9d0f-3c7e2a1d9b02",
    "XLWINGS_MANIFEST_ID_UAT": "5b0c6a3e-8f0e-4a4e-9d0f-3c7e2a1d9b03",
    "XLWINGS_MANIFEST_ID_STAGING": "5b0c6a3e-8f0e-4a4e-9d0f-3c7e2a1d9b04",
    "XLWINGS_MANIFEST_ID_PROD": "5b0c6a3e-8f0e-4a4e-9d0f-3c7e2a1d9b05",
}


def xlwings_environment(project_dir: Path, environ: Mapping[str, str] | None = None
                        ) -> dict[str, str]:
    """xlwings Server reads settings from the environment: ours as defaults under what is set."""
    env = dict(os.environ if environ is None else environ)
    for key, value in {"XLWINGS_PROJECT_DIR": str(project_dir), **XLWINGS_DEFAULTS}.items():
        env.setdefault(key, value)
    return env


def apply_xlwings_environment(project_dir: Path) -> str:
    """Put xlwings Server's settings in this process's environment; returns its environment name."""
    os.environ.update(xlwings_environment(project_dir))
    return os.environ["XLWINGS_ENVIRONMENT"]


# --- the generated documentation ---------------------------------------------------------------

ENV_TEMPLATE_BEGIN = ("# --- amanst (genererat av python -m addin.settings; "
                      "ändra i addin/settings.py) ---")
ENV_TEMPLATE_END = "# --- slut på amanst ---"
DOCS_BEGIN = "<!-- inställningar: genererat av python -m addin.settings -->"
DOCS_END = "<!-- slut på inställningar -->"


def _shown_default(default: Any, meta: Mapping[str, Any]) -> str:
    if meta["shown_default"]:
        return str(meta["shown_default"])
    if isinstance(default, bool):
        return "1" if default else "0"
    return "" if default is None else str(default)


def env_template_section() -> str:
    lines = [ENV_TEMPLATE_BEGIN]
    group = None
    for _, default, meta in declared():
        if meta["group"] != group:
            group = meta["group"]
            lines.append(f"# {group}")
        shown = _shown_default(default, meta)
        lines.append(f"# {meta['help']}" + (f" Standard: {shown}." if shown else ""))
        example = "" if meta["secret"] or meta["shown_default"] else _shown_default(default, meta)
        lines.append(f"# {meta['env']}={example}")
    lines.append(ENV_TEMPLATE_END)
    return "\n".join(lines)


def docs_table() -> str:
    rows = [DOCS_BEGIN, "", "| Inställning | Miljövariabel | Standard | Hemlig | Vad den gör |",
            "|---|---|---|---|---|"]
    for name, default, meta in declared():
        shown = _shown_default(default, meta).replace("|", "\\|")
        rows.append(f"| `{name}` | `{meta['env']}` | {shown or '–'} | "
                    f"{'ja' if meta['secret'] else 'nej'} | {meta['help']} |")
    rows += ["", DOCS_END]
    return "\n".join(rows)


def _replace_between(text: str, begin: str, end: str, body: str) -> str:
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < 0:
        raise ValueError(f"markers {begin!r} … {end!r} missing")
    return text[:start] + body + text[stop + len(end):]


ENV_TEMPLATE = Path(__file__).resolve().parent / "server" / ".env.template"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "installningar.md"


def generated(env_template: str, docs: str) -> tuple[str, str]:
    """The two documents with their generated parts renewed."""
    return (_replace_between(env_template, ENV_TEMPLATE_BEGIN, ENV_TEMPLATE_END,
                             env_template_section()),
            _replace_between(docs, DOCS_BEGIN, DOCS_END, docs_table()))


if __name__ == "__main__":  # renew the generated documentation
    env_text, docs_text = generated(ENV_TEMPLATE.read_text(encoding="utf-8"),
                                    DOCS.read_text(encoding="utf-8"))
    ENV_TEMPLATE.write_text(env_text, encoding="utf-8")
    DOCS.write_text(docs_text, encoding="utf-8")
    print(f"Skrev {ENV_TEMPLATE} och {DOCS}.")
