"""Files the server keeps for the buttons, and who may download them.

Utfärda intyg writes certificates into one server-side folder (the setting ``cert_dir``, default
``state_dir/intyg``); Skicka till styrgruppen saves a draft e-mail, when no SMTP server is
configured, in a folder of the user's own (``state_dir/utkast/<hash of user id>``).

Download rule (``webapp``'s routes use these functions):

- a certificate file is served only to the user who issued it through the add-in (their user id,
  recorded beside the folder when it was issued) and only while that user holds the
  ``amanst.intygsutfardare`` role; certificates issued elsewhere (the command line) have no
  owner and are never served;
- a draft is served only to the user whose folder it is in, holding the ``amanst.samordnare``
  role.

File names are never taken from the request as paths: a certificate is asked for by
``<number>.docx`` / ``<number>.pdf`` and a draft by its generated name, each matched against a
strict pattern first; anything else is "not found". No name of a person appears in a file name.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from datetime import datetime
from pathlib import Path

from ..settings import Settings

OWNERS = ".utfardare"  # hidden subfolder: one small file per certificate number

CERT_FILE = re.compile(r"(?P<number>[A-Z0-9]{1,12}-\d{4}-\d{5,6})\.(?P<kind>docx|pdf)")
DRAFT_FILE = re.compile(r"styrgrupp-\d{8}-\d{6}-[0-9a-f]{8}\.eml")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "eml": "message/rfc822",
}


def user_key(user_id: str) -> str:
    """A user's id as it is kept on disk: hashed, so no folder or file carries a name."""
    return hashlib.sha256(str(user_id).encode("utf-8")).hexdigest()[:32]


def cert_dir(settings: Settings) -> Path:
    """The server's one certificate folder: the setting ``cert_dir``, else ``state_dir/intyg``."""
    return settings.cert_dir or settings.state_dir / "intyg"


def record_owner(folder: Path, number: str, user_id: str) -> None:
    """Note who issued ``number`` (never overwritten: the first issuer stays the owner)."""
    owners = folder / OWNERS
    owners.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(owners / number, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(user_key(user_id))


def _inside(folder: Path, name: str) -> Path | None:
    """``folder / name`` if it is a regular file directly in ``folder``, else None."""
    path = folder / name
    try:
        if path.is_symlink() or not path.is_file() or path.resolve().parent != folder.resolve():
            return None
    except OSError:
        return None
    return path


def certificate_file(name: str, user_id: str, folder: Path) -> Path | None:
    """The certificate file ``name`` in ``folder`` if ``user_id`` issued it; None for anything
    else."""
    match = CERT_FILE.fullmatch(name)
    if match is None:
        return None
    try:
        owner = (folder / OWNERS / match["number"]).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not secrets.compare_digest(owner, user_key(user_id)):
        return None
    return _inside(folder, name)


def drafts_dir(state_dir: Path, user_id: str) -> Path:
    return state_dir / "utkast" / user_key(user_id)


def new_draft_path(state_dir: Path, user_id: str, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return drafts_dir(state_dir, user_id) / f"styrgrupp-{stamp}-{secrets.token_hex(4)}.eml"


def draft_file(name: str, user_id: str, state_dir: Path) -> Path | None:
    """The user's own draft ``name``; None for anything else (another user's, a path trick)."""
    if DRAFT_FILE.fullmatch(name) is None:
        return None
    return _inside(drafts_dir(state_dir, user_id), name)
