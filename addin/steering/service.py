"""Operations shared by the command line, the demo and the Excel button "Skicka till styrgruppen".

The Excel button reads its workbook into a ``Register`` itself (through xlwings) and calls
``build_for_excel(registers)``: it gets the summary workbook's bytes and the ready ``EmailMessage``
back, and then either ``send_message`` or ``save_draft``. The command line does the same from
paths with ``prepare``/``prepare_paths``. Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

from ..core import schema
from ..core.errors import AmanstError
from ..core.model import Register
from ..core.period import resolve_period
from ..operations import read_register
from ..core.tally import tally
from . import mail, report, workbook
from ..core.steering_summary import SteeringSummary, build_summary


@dataclass
class SteeringPackage:
    """Everything one run produces, in memory: nothing is written until asked."""

    summary: SteeringSummary
    workbook: bytes
    file_name: str
    message: EmailMessage
    recipients: list[str]


def _first_setting(registers: Sequence[Register], key: str) -> tuple[str, int | None]:
    for reg in registers:
        value = reg.settings.get(key).strip()
        if value:
            return value, reg.settings.rows.get(key)
    return "", None


def summarize(registers: Sequence[Register], period_from: date | None = None,
              period_to: date | None = None, today: date | None = None,
              now: datetime | None = None) -> SteeringSummary:
    if not registers:
        raise AmanstError("Ange minst en arbetsbok.")
    start, end = resolve_period(registers, period_from, period_to, today or date.today())
    # several workbooks: the strictest threshold of them all applies
    threshold = max(r.settings.minsta_antal for r in registers)
    organisation, _ = _first_setting(registers, schema.S_ORGANISATION)
    return build_summary(tally(registers, start, end), threshold, now or datetime.now(),
                         mail.one_line(organisation))


def prepare(registers: Sequence[Register], period_from: date | None = None,
            period_to: date | None = None, today: date | None = None,
            now: datetime | None = None, sender: str = "") -> SteeringPackage:
    """The summary, its workbook and the message; ``sender`` (the setting ``smtp_from``) wins over
    Avsändarens e-post on the sheet Inställningar."""
    summary = summarize(registers, period_from, period_to, today, now)
    text, row = _first_setting(registers, schema.S_STYRGRUPP_EPOST)
    recipients = mail.parse_addresses(text, schema.S_STYRGRUPP_EPOST, row)
    sender_text, sender_row = _first_setting(registers, schema.S_AVSANDARE_EPOST)
    if sender.strip():
        sender_text, sender_row = sender, None
    senders = mail.parse_addresses(sender_text, schema.S_AVSANDARE_EPOST, sender_row)
    data = workbook.workbook_bytes(summary)
    name = workbook.file_name(summary)
    message = mail.build_message(summary, recipients, senders[0] if senders else None, data, name)
    return SteeringPackage(summary, data, name, message, recipients)


def build_for_excel(registers: Sequence[Register], period_from: date | None = None,
                    period_to: date | None = None) -> tuple[bytes, EmailMessage]:
    """For the Excel button: the summary workbook (.xlsx bytes) and the message with it attached."""
    package = prepare(registers, period_from, period_to)
    return package.workbook, package.message


def send_message(message: EmailMessage, recipients: Sequence[str] | None,
                 smtp: mail.SmtpConfig) -> list[str]:
    """Send over SMTP as the settings say; returns the recipients."""
    if recipients is None:
        recipients = [a.strip() for a in (message["To"] or "").split(",") if a.strip()]
    mail.send(message, recipients, smtp)
    return list(recipients)


def save_draft(message: EmailMessage, path: Path) -> Path:
    return mail.save_draft(message, path)


def prepare_paths(paths: Sequence[Path], period_from: date | None = None,
                  period_to: date | None = None, today: date | None = None,
                  sender: str = "") -> SteeringPackage:
    return prepare([read_register(p, today) for p in paths], period_from, period_to, today,
                   sender=sender)


def guard_output(target: Path, inputs: Sequence[Path], suffix: str) -> None:
    """Never write a result over one of the registers it was made from, or as the wrong type."""
    if target.suffix.lower() != suffix:
        raise AmanstError(f"{target.name} ska ha filändelsen {suffix}.")
    for p in inputs:
        if target.exists() and p.exists() and target.resolve() == p.resolve():
            raise AmanstError(f"{target.name} är en av arbetsböckerna och skrivs inte över. "
                              "Välj ett annat filnamn.")


def write_workbook(package: SteeringPackage, target: Path, inputs: Sequence[Path] = ()) -> Path:
    guard_output(target, inputs, ".xlsx")
    mail.write_atomic(target, package.workbook)
    return target


def write_report(summary: SteeringSummary, target: Path, inputs: Sequence[Path] = ()) -> Path:
    guard_output(target, inputs, ".docx")
    mail.write_atomic(target, report.render(summary))
    return target
