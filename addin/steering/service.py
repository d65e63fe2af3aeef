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
from ..core.compute import Computed, compute
from ..core.errors import AmanstError
from ..core.figures import NO_REGISTER, CertificateFacts
from ..core.model import Register
from ..core.steering_summary import SteeringSummary
from ..operations import certificate_facts, read_registers
from . import mail, report, workbook


@dataclass
class SteeringPackage:
    """Everything one run produces, in memory: nothing is written until asked."""

    summary: SteeringSummary
    workbook: bytes
    file_name: str
    message: EmailMessage
    recipients: list[str]
    computed: Computed | None = None


def _first_setting(registers: Sequence[Register], key: str) -> tuple[str, int | None]:
    for reg in registers:
        value = reg.settings.get(key).strip()
        if value:
            return value, reg.settings.rows.get(key)
    return "", None


def summarize(registers: Sequence[Register], period_from: date | None = None,
              period_to: date | None = None, today: date | None = None,
              now: datetime | None = None,
              certificates: CertificateFacts = NO_REGISTER) -> SteeringSummary:
    return _computed_summary(registers, period_from, period_to, today, now, certificates)[1]


def _computed_summary(registers: Sequence[Register], period_from: date | None,
                      period_to: date | None, today: date | None, now: datetime | None,
                      certificates: CertificateFacts) -> tuple[Computed, SteeringSummary]:
    computed = compute(registers, period_from, period_to, today or date.today(), certificates)
    organisation, _ = _first_setting(registers, schema.S_ORGANISATION)
    contact, _ = _first_setting(registers, schema.S_AVSANDARE_EPOST)
    summary = computed.summary(now or datetime.now(), mail.one_line(organisation),
                               mail.one_line(contact))
    return computed, summary


def prepare(registers: Sequence[Register], period_from: date | None = None,
            period_to: date | None = None, today: date | None = None,
            now: datetime | None = None, sender: str = "",
            certificates: CertificateFacts = NO_REGISTER) -> SteeringPackage:
    """The summary, its workbook and the message; ``sender`` (the setting ``smtp_from``) wins over
    Avsändarens e-post on the sheet Inställningar."""
    computed, summary = _computed_summary(registers, period_from, period_to, today, now,
                                          certificates)
    text, row = _first_setting(registers, schema.S_STYRGRUPP_EPOST)
    recipients = mail.parse_addresses(text, schema.S_STYRGRUPP_EPOST, row)
    sender_text, sender_row = _first_setting(registers, schema.S_AVSANDARE_EPOST)
    if sender.strip():
        sender_text, sender_row = sender, None
    senders = mail.parse_addresses(sender_text, schema.S_AVSANDARE_EPOST, sender_row)
    data = workbook.workbook_bytes(summary)
    name = workbook.file_name(summary)
    message = mail.build_message(summary, recipients, senders[0] if senders else None, data, name)
    return SteeringPackage(summary, data, name, message, recipients, computed)


def require_standard_period(summary: SteeringSummary) -> None:
    """Only a standard period (tertial, delår, helår) goes to the steering group: the year's
    suppression holds across those, not against any other period."""
    if not summary.period.standard:
        raise AmanstError(
            f"Perioden {summary.period_text()} är ingen standardperiod (ett tertial, delåret "
            "januari–augusti eller helåret) och skickas inte till styrgruppen: små antal skyddas "
            "bara mellan standardperioderna. Ändra Rapportperiod från/till på bladet "
            "Inställningar, eller spara sammanställningen som fil och granska den själv.")


def build_for_excel(registers: Sequence[Register], period_from: date | None = None,
                    period_to: date | None = None,
                    certificates: CertificateFacts = NO_REGISTER) -> tuple[bytes, EmailMessage]:
    """For the Excel button: the summary workbook (.xlsx bytes) and the message with it attached."""
    package = prepare(registers, period_from, period_to, certificates=certificates)
    return package.workbook, package.message


def send_message(message: EmailMessage, recipients: Sequence[str] | None,
                 smtp: mail.SmtpConfig, summary: SteeringSummary | None = None) -> list[str]:
    """Send over SMTP as the settings say; returns the recipients. With ``summary``, only a
    standard period is sent."""
    if summary is not None:
        require_standard_period(summary)
    if recipients is None:
        recipients = [a.strip() for a in (message["To"] or "").split(",") if a.strip()]
    mail.send(message, recipients, smtp)
    return list(recipients)


def save_draft(message: EmailMessage, path: Path) -> Path:
    return mail.save_draft(message, path)


def prepare_paths(paths: Sequence[Path], period_from: date | None = None,
                  period_to: date | None = None, today: date | None = None,
                  sender: str = "", register: str | Path | None = None) -> SteeringPackage:
    return prepare(read_registers(paths, today), period_from, period_to, today, sender=sender,
                   certificates=certificate_facts(register))


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
