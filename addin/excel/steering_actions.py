"""The button Skicka till styrgruppen over any ``xw.Book``: summary workbook by e-mail or as a draft.

Reads the sheets Kontrollera reads (the summary states the register's Fel and Varningar and counts
by kön; nothing is kept on the server), reads the certificate register's valid certificates where
the settings say, refuses any period but a tertial, the delår or the helår, builds the steering group's workbook and message with ``addin.steering.service``
(suppressed counts only) and then:

- sends it over SMTP when the server is configured for it (``AMANST_SMTP_HOST`` and the rest of
  ``docs/styrgrupp.md``'s settings);
- otherwise saves it as a draft ``.eml`` in the user's own folder on the server
  (``files.drafts_dir``) and offers it as a download link to that user only.

The outcome says period, number of recipients and key figures; it never holds an address, a name
or anything about a participant.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..certificates.facts import read_facts
from ..core import schema
from ..core.steering_summary import SHARE, shown_text
from ..settings import Settings
from ..steering import mail, service
from . import book as xbook
from . import files
from .actions import SAMMANSTALL_SHEETS, Outcome

SHEETS = tuple(n for n in SAMMANSTALL_SHEETS if n in schema.SPEC_BY_NAME)


def skicka_till_styrgruppen(book: Any, user_id: str, settings: Settings,
                            draft_path: Path | None = None, link_base: str | None = None,
                            today: date | None = None) -> Outcome:
    """Send the steering group's summary, or save it as a draft when SMTP is not configured.

    ``draft_path`` is where a draft goes (default: a new file in the user's folder on the
    server); ``link_base`` (the server's ``/amanst`` path) adds its download link.
    """
    today = today or date.today()
    register = xbook.load(book, SHEETS, today).register
    package = service.prepare([register], today=today, sender=settings.smtp_from,
                              certificates=read_facts(settings.register_location()))
    summary = package.summary
    service.require_standard_period(summary)  # the button never sends any other period
    k = summary.key_figures
    period = f"{summary.period_from:%Y-%m-%d} – {summary.period_to:%Y-%m-%d}"
    figures = ((f"{summary.basis.quality()} " if summary.basis.preliminary else "")
               + f"Platser: {shown_text(k['platser']) or '–'}"
               + (f" (mål {shown_text(k['mal'])})" if k.get("mal") is not None else "")
               + f", avslutade: {shown_text(k['avslutade']) or '–'}, till arbete eller studier "
               f"vid avslut: {shown_text(k['share_end'], SHARE) or '–'}.")
    details: dict[str, Any] = {"period": period, "mottagare": len(package.recipients),
                               "fil": package.file_name, "lankar": []}
    if settings.smtp_host.strip():
        sent = service.send_message(package.message, package.recipients,
                                    mail.SmtpConfig.from_settings(settings))
        details["skickat"] = True
        return Outcome(f"Skicka till styrgruppen: sammanställningen för {period} skickades till "
                       f"{len(sent)} mottagare (Styrgruppens e-post på bladet Inställningar). "
                       f"{figures}", details)
    target = draft_path or files.new_draft_path(settings.state_dir, user_id)
    service.save_draft(package.message, target)
    details["skickat"] = False
    if link_base is not None:
        details["lankar"] = [{"title": "Utkast till styrgruppen (öppna i Outlook)",
                              "url": f"{link_base}/utkast/{target.name}"}]
    where = "Hämta det i aktivitetsfönstret" if link_base is not None else f"Det ligger i {target}"
    return Outcome(f"Skicka till styrgruppen: ingen e-postserver är inställd, så sammanställningen "
                   f"för {period} sparades som ett utkast till {len(package.recipients)} "
                   f"mottagare. {where}, öppna det i Outlook, granska och skicka. {figures}",
                   details)
