"""Writing certificate files: atomically, never over an existing file, only inside the folder.

A file is written to a hidden temporary name in the target folder, flushed to disk, and then
hard-linked to its final name: the link fails if the name exists, so an issued certificate is never
replaced, and a reader never sees half a file. Where the file system has no hard links (some
network shares), an exclusive rename is used instead. Names come from the certificate number only.
The one exception is ``replace=True``, for a run that took over a dead run's claim: the number is
now its own, so the dead run's unfinished file under that number is replaced.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from ..core.errors import AmanstError

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,80}")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def target_in(folder: Path, name: str) -> Path:
    """``folder / name``, refusing anything but a plain file name made of the number."""
    if not _SAFE_NAME.fullmatch(name) or ".." in name:
        raise AmanstError(f"Filnamnet '{name}' går inte att använda för ett intyg.")
    return folder / name


class FileExists(AmanstError):
    pass


def publish(tmp: Path, target: Path) -> None:
    """Give ``tmp`` (in the same folder) the name ``target``, unless ``target`` exists."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        raise FileExists(f"{target.name} finns redan i {target.parent} och skrivs inte över.") from None
    except OSError:  # no hard links here: a rename after checking (a small window, noted)
        if target.exists():
            tmp.unlink(missing_ok=True)
            raise FileExists(f"{target.name} finns redan i {target.parent} och skrivs inte över."
                             ) from None
        os.replace(tmp, target)
        return
    tmp.unlink(missing_ok=True)


def write_new(folder: Path, name: str, data: bytes, replace: bool = False) -> Path:
    target = target_in(folder, name)
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=Path(name).suffix, dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        if replace:
            os.replace(tmp, target)
        else:
            publish(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
