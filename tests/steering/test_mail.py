"""E-mail to the steering group: a real SMTP server on 127.0.0.1, drafts, and header injection."""

from __future__ import annotations

import datetime as dt

import email
import io
from email.message import EmailMessage
from email.policy import default

import openpyxl
import pytest

from addin import settings
from addin.core.errors import AmanstError
from addin.steering import mail, service

from .conftest import PASSWORD, USER
from .pii import assert_no_personal_data, personal_data


TODAY = dt.date(2026, 11, 27)


def smtp(environ: dict[str, str]) -> mail.SmtpConfig:
    """The SMTP configuration an installation with ``environ`` gets (through its settings)."""
    return mail.SmtpConfig.from_settings(settings.load(environ=environ))


def _env(port: int, **extra: str) -> dict[str, str]:
    return {"AMANST_SMTP_HOST": "127.0.0.1", "AMANST_SMTP_PORT": str(port), **extra}


def test_sent_over_starttls_arrives_with_recipients_subject_and_a_clean_attachment(
        example_register, smtp_starttls, tls_files):
    port, received = smtp_starttls
    package = service.prepare([example_register], today=TODAY)
    env = _env(port, AMANST_SMTP_USER=USER, AMANST_SMTP_PASSWORD=PASSWORD,
               AMANST_SMTP_CAFILE=str(tls_files[0]))
    sent = service.send_message(package.message, package.recipients, smtp(env))

    assert sent == ["styrgrupp@example.org", "samordnare@example.org"]
    assert len(received.envelopes) == 1
    envelope = received.envelopes[0]
    assert envelope.rcpt_tos == sent
    assert envelope.mail_from == "arbetsmarknad@example.org"
    msg = email.message_from_bytes(envelope.content, policy=default)
    assert msg["Subject"] == "Arbetsmarknadsanställningar helår 2026 – preliminär"
    assert msg["To"] == "styrgrupp@example.org, samordnare@example.org"
    body = msg.get_body(("plain",)).get_content()
    assert "Platser: 801 (mål 605)" in body and "Helår 2026" in body
    assert "PRELIMINÄR: underlaget har 8 fel och 1 varning." in body
    assert "Frågor: arbetsmarknad@example.org" in body
    figures = [line for line in body.splitlines() if line.startswith(
        ("Platser:", "Påbörjade:", "Avslutade eller avbrutna:", "Till arbete/studier",
         "Kompetensintyg:"))]
    assert len(figures) == 6 and max(map(len, figures)) <= 50  # key figures fit a phone
    assert len(msg["Subject"]) <= 60
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == ("Styrgrupp-arbetsmarknadsanstallningar-"
                                         "2026-01-01--2026-12-31.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    assert wb.sheetnames[0] == "Översikt" and "Förvaltningar" in wb.sheetnames
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None]
    headers = [f"{k}: {v}" for k, v in msg.items()]
    assert_no_personal_data(personal_data(example_register), cells + [body] + headers)


def test_a_certificate_the_client_does_not_trust_sends_nothing(example_register, smtp_starttls):
    port, received = smtp_starttls
    package = service.prepare([example_register], today=TODAY)
    env = _env(port, AMANST_SMTP_USER=USER, AMANST_SMTP_PASSWORD=PASSWORD)
    with pytest.raises(AmanstError, match="certifikat"):
        service.send_message(package.message, package.recipients, smtp(env))
    assert received.envelopes == []


def test_a_wrong_password_is_a_swedish_message(example_register, smtp_starttls, tls_files):
    port, received = smtp_starttls
    package = service.prepare([example_register], today=TODAY)
    env = _env(port, AMANST_SMTP_USER=USER, AMANST_SMTP_PASSWORD="fel",
               AMANST_SMTP_CAFILE=str(tls_files[0]))
    with pytest.raises(AmanstError, match="Inloggningen"):
        service.send_message(package.message, package.recipients, smtp(env))
    assert received.envelopes == []


def test_a_local_relay_may_be_used_without_starttls(example_register, smtp_plain):
    port, received = smtp_plain
    package = service.prepare([example_register], today=TODAY)
    service.send_message(package.message, package.recipients,
                         smtp(_env(port, AMANST_SMTP_STARTTLS="0")))
    assert received.envelopes[0].rcpt_tos == package.recipients


def test_a_remote_server_without_starttls_or_a_password_in_clear_is_refused(example_register):
    package = service.prepare([example_register], today=TODAY)
    with pytest.raises(AmanstError, match="krypterat"):
        service.send_message(package.message, package.recipients,
                             smtp({"AMANST_SMTP_HOST": "smtp.example.org",
                                      "AMANST_SMTP_STARTTLS": "0"}))
    with pytest.raises(AmanstError, match="okrypterat"):
        service.send_message(package.message, package.recipients,
                             smtp({"AMANST_SMTP_HOST": "127.0.0.1", "AMANST_SMTP_STARTTLS": "0",
                                      "AMANST_SMTP_USER": "u", "AMANST_SMTP_PASSWORD": "p"}))


def test_no_smtp_host_configured_suggests_a_draft(example_register):
    package = service.prepare([example_register], today=TODAY)
    with pytest.raises(AmanstError, match="--eml"):
        service.send_message(package.message, package.recipients, smtp({}))


def test_the_draft_opens_as_unsent_and_holds_the_workbook(example_register, tmp_path):
    package = service.prepare([example_register], today=TODAY)
    path = service.save_draft(package.message, tmp_path / "utkast.eml")
    raw = path.read_bytes()
    assert b"\r\n" in raw  # Outlook's line endings
    msg = email.message_from_bytes(raw, policy=default)
    assert msg["X-Unsent"] == "1"
    assert msg["To"] == "styrgrupp@example.org, samordnare@example.org"
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_content() == package.workbook
    assert "X-Unsent" not in package.message  # the message itself is left as it was
    with pytest.raises(AmanstError, match=".eml"):
        service.save_draft(package.message, tmp_path / "utkast.xlsx")


def test_recipients_are_validated_and_named_when_wrong():
    assert mail.parse_addresses(" a@example.org ;b@example.org;; A@example.org") == [
        "a@example.org", "b@example.org"]
    with pytest.raises(AmanstError, match="'inte en adress'.*Styrgruppens e-post.*rad 8"):
        mail.parse_addresses("a@example.org; inte en adress", row=8)
    with pytest.raises(AmanstError):
        mail.parse_addresses("a@example.org\r\nBcc: evil@example.org")


def test_a_line_break_in_a_workbook_setting_cannot_add_a_header(example_register):
    example_register.settings.values["Organisation"] = "Malmö stad\r\nBcc: evil@example.org"
    package = service.prepare([example_register], today=TODAY)
    raw = package.message.as_bytes()
    msg = email.message_from_bytes(raw, policy=default)
    assert msg["Bcc"] is None
    assert "\n" not in msg["Subject"]
    assert "Malmö stad Bcc: evil@example.org" in msg.get_body(("plain",)).get_content()
    assert [k for k in msg.keys()] == ["Subject", "From", "To", "Date", "Message-ID",
                                       "MIME-Version", "Content-Type"]


def test_the_message_policy_itself_refuses_line_breaks_in_headers():
    msg = EmailMessage(policy=default)
    with pytest.raises(ValueError):
        msg["Subject"] = "Sammanställning\r\nBcc: evil@example.org"
