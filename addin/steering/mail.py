"""E-mail to the steering group: recipients, the message, a draft ``.eml`` and sending over SMTP.

* Recipients come from the workbook's ``Styrgruppens e-post`` (``;``-separated) and each is checked
  with ``email-validator`` (syntax only: no DNS look-up from a municipal desktop).
* The message is an ``email.message.EmailMessage`` with the default policy, which refuses a header
  value holding CR or LF; on top of that every text from a workbook is made one line before it
  goes into a header. So no field can add a header (no injected ``Bcc:``).
* SMTP settings come from the installation's settings (``AMANST_SMTP_*``), never from a workbook. Sending uses
  STARTTLS with ``ssl.create_default_context()``: the server's certificate and name are verified.
  ``AMANST_SMTP_CAFILE`` may name the city's own CA bundle; it adds trust, it never turns checks off.
  Only a relay on the same machine (127.0.0.1, ::1, localhost) may be used without STARTTLS, and
  never with a password.
"""

from __future__ import annotations

import copy
import os
import re
import smtplib
import ssl
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as DEFAULT_POLICY
from email.utils import formatdate, make_msgid
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from ..core import schema
from ..core.errors import AmanstError
from ..core.steering_summary import COUNT, SHARE, SteeringSummary, shown_text
from ..settings import Settings

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
ENV_PREFIX = "AMANST_SMTP_"


def one_line(text: object) -> str:
    """Any run of whitespace, CR and LF included, becomes one space."""
    return " ".join(str(text).split())


def parse_addresses(text: str, setting: str = schema.S_STYRGRUPP_EPOST,
                    row: int | None = None) -> list[str]:
    """Addresses separated by ``;`` (a ``,`` is tolerated), each validated; in order, no repeats."""
    where = f"inställningen '{setting}' på bladet {schema.INSTALLNINGAR}" + (
        f", rad {row}" if row else "")
    result: list[str] = []
    for part in re.split(r"[;,]", text or ""):
        address = part.strip()
        if not address:
            continue
        try:
            normalized = validate_email(address, check_deliverability=False).normalized
        except EmailNotValidError:
            raise AmanstError(f"'{one_line(address)}' i {where} är ingen giltig e-postadress. "
                              "Rätta adressen (flera adresser skiljs åt med semikolon).") from None
        if normalized.casefold() not in {a.casefold() for a in result}:
            result.append(normalized)
    return result


def subject(summary: SteeringSummary) -> str:
    """Short enough for a phone's inbox: what, which period, and Preliminär when it is."""
    status = " – preliminär" if summary.basis.preliminary else ""
    if not summary.period.standard:
        period = f"{summary.period_from:%Y-%m-%d}–{summary.period_to:%Y-%m-%d}"
    else:
        period = summary.period.label.split(" (")[0].lower().replace("tertial", "tertial")
    return one_line(f"Arbetsmarknadsanställningar {period}{status}")


MAIL_FIGURES = (("platser", "Platser"), ("paborjade", "Påbörjade"),
                ("pagaende", "Pågår vid periodens slut"), ("ended", "Avslutade eller avbrutna"),
                ("share_end", "Till arbete/studier vid avslut"),
                ("share_90", "Till arbete/studier efter 90 dagar"),
                ("utfardade_intyg", "Kompetensintyg"))


def key_lines(summary: SteeringSummary) -> list[str]:
    """The key figures as short lines of text (a phone shows them without a table)."""
    k = summary.key_figures
    lines = []
    for key, label in MAIL_FIGURES:
        kind = SHARE if key.startswith("share") else COUNT
        text = shown_text(k[key], kind) or "–"
        if key == "platser" and isinstance(k["mal"], int):
            text += f" (mål {k['mal']})"
        if key == "utfardade_intyg":
            text += f" ({shown_text(k['share_intyg'], SHARE) or '–'} av de avslutade)"
        lines.append(f"{label}: {text}")
    return lines


def body(summary: SteeringSummary, attachment_name: str) -> str:
    basis = summary.basis
    org = one_line(summary.organisation) or "Samordningen för arbetsmarknadsanställningar"
    lines = ["Hej!", "", f"Arbetsmarknadsanställningar, {summary.period.label}, {org}."]
    if basis.preliminary:
        lines += ["", basis.quality().replace("Preliminär:", "PRELIMINÄR:", 1)]
    lines += ["", *key_lines(summary), "",
              summary.certificate_statement, "",
              f"Underlag: {basis.combined()}. {'' if basis.preliminary else basis.quality()}"
              .rstrip(),
              *basis.notes, "",
              f"Per förvaltning, kön, anställningsform och tertial: se bilagan {attachment_name}.",
              "Små antal redovisas inte och inga uppgifter om enskilda personer ingår.", ""]
    if summary.contact:
        lines += [f"Frågor: {one_line(summary.contact)}", ""]
    lines += ["Med vänlig hälsning", org]
    return "\n".join(lines) + "\n"


def build_message(summary: SteeringSummary, recipients: Sequence[str], sender: str | None,
                  attachment: bytes, attachment_name: str) -> EmailMessage:
    msg = EmailMessage(policy=DEFAULT_POLICY)
    msg["Subject"] = subject(summary)
    if sender:
        msg["From"] = sender
    if recipients:
        msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=True)
    domain = sender.rsplit("@", 1)[-1] if sender else None
    msg["Message-ID"] = make_msgid("amanst", domain=domain)
    msg.set_content(body(summary, attachment_name))
    msg.add_attachment(attachment, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1],
                       filename=one_line(attachment_name))
    return msg


def draft_bytes(msg: EmailMessage) -> bytes:
    """The message as an Outlook draft: ``X-Unsent: 1`` makes Outlook open it for editing."""
    draft = copy.deepcopy(msg)
    del draft["X-Unsent"]
    draft["X-Unsent"] = "1"
    return draft.as_bytes(policy=DEFAULT_POLICY.clone(linesep="\r\n"))


def save_draft(msg: EmailMessage, path: Path) -> Path:
    if path.suffix.lower() != ".eml":
        raise AmanstError(f"Utkastet ska ha filändelsen .eml, inte '{path.suffix or 'ingen'}'.")
    write_atomic(path, draft_bytes(msg))
    return path


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except PermissionError:
        raise AmanstError(f"{path} går inte att skriva: filen är låst eller skrivskyddad.") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- SMTP -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    user: str = ""
    password: str = ""
    starttls: bool = True
    cafile: str = ""
    sender: str = ""
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        host = settings.smtp_host.strip()
        if not host:
            raise AmanstError("E-post kan inte skickas: ingen e-postserver är inställd "
                              f"({ENV_PREFIX}HOST saknas). Be IT ställa in den, eller spara ett "
                              "utkast i stället (--eml).")
        return cls(host=host, port=settings.smtp_port, user=settings.smtp_user,
                   password=settings.smtp_password, starttls=settings.smtp_starttls,
                   cafile=str(settings.smtp_cafile or ""), sender=settings.smtp_from)


def tls_context(config: SmtpConfig) -> ssl.SSLContext:
    """Verifying context: the system's CAs, plus the city's own CA file if one is configured."""
    context = ssl.create_default_context()
    if config.cafile:
        try:
            context.load_verify_locations(cafile=config.cafile)
        except (OSError, ssl.SSLError):
            raise AmanstError(f"CA-filen {config.cafile} ({ENV_PREFIX}CAFILE) kunde inte läsas.") from None
    return context


def send(msg: EmailMessage, recipients: Sequence[str], config: SmtpConfig,
         context: ssl.SSLContext | None = None) -> None:
    """Send ``msg`` to ``recipients``; a Swedish ``AmanstError`` for everything that can go wrong."""
    if not recipients:
        raise AmanstError(f"Det finns ingen mottagare: fyll i '{schema.S_STYRGRUPP_EPOST}' på "
                          f"bladet {schema.INSTALLNINGAR}.")
    if msg["From"] is None:
        raise AmanstError(f"Avsändare saknas: fyll i '{schema.S_AVSANDARE_EPOST}' på bladet "
                          f"{schema.INSTALLNINGAR} (eller be IT sätta {ENV_PREFIX}FROM).")
    if not config.starttls and config.host not in LOOPBACK:
        raise AmanstError("E-post skickas bara krypterat (STARTTLS) till en server på nätet. "
                          f"Ta bort {ENV_PREFIX}STARTTLS=0 eller använd en lokal relä-server.")
    if not config.starttls and config.user:
        raise AmanstError("Lösenordet skickas aldrig okrypterat: slå på STARTTLS.")
    where = f"{config.host}:{config.port}"
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            smtp.ehlo()
            if config.starttls:
                smtp.starttls(context=context or tls_context(config))
                smtp.ehlo()
            if config.user:
                smtp.login(config.user, config.password)
            refused = smtp.send_message(msg, to_addrs=list(recipients))
    except smtplib.SMTPNotSupportedError:
        raise AmanstError(f"E-postservern {where} erbjuder inte STARTTLS, så inget skickades.") from None
    except ssl.SSLCertVerificationError:
        raise AmanstError(f"E-postserverns certifikat ({where}) kunde inte verifieras, så inget "
                          "skickades. Kontakta IT.") from None
    except smtplib.SMTPAuthenticationError:
        raise AmanstError(f"Inloggningen på e-postservern {where} misslyckades. Kontrollera "
                          f"{ENV_PREFIX}USER och {ENV_PREFIX}PASSWORD.") from None
    except smtplib.SMTPRecipientsRefused:
        raise AmanstError("E-postservern tog inte emot någon av mottagarna.") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise AmanstError(f"E-postservern {where} kunde inte nås eller svarade med fel "
                          f"({type(exc).__name__}). Inget skickades; försök igen eller spara ett "
                          "utkast (--eml).") from None
    if refused:
        raise AmanstError("E-postservern tog inte emot " + ", ".join(sorted(refused)) +
                          ". Övriga mottagare har fått meddelandet.")
