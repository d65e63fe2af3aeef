"""Writing certificate files: atomically, never over an existing file, only inside the folder.

A file is written to a hidden temporary name in the target folder, flushed to disk, and then
hard-linked to its final name: the link fails if the name exists, so an issued certificate is never
replaced, and a reader never sees half a file. Issuing flushes a batch of files at once
(``sync_to_disk``) before their register entries are made valid. Where the file system has no hard links (some
network shares), an exclusive rename is used instead. Names come from the certificate number only.
The one exception is ``replace=True``, for a run that took over a dead run's claim: the number is
now its own, so the dead run's unfinished file under that number is replaced.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
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


def write_new(folder: Path, name: str, data: bytes, replace: bool = False,
              sync: bool = True) -> Path:
    """Write ``data`` as ``folder/name``; with ``sync=False`` the caller makes it durable later
    with ``sync_to_disk`` (one flush for a batch instead of one per file)."""
    target = target_in(folder, name)
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=Path(name).suffix, dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        if replace:
            os.replace(tmp, target)
        else:
            publish(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def sync_to_disk(folder: Path, paths: Sequence[Path]) -> None:
    """Make ``paths`` (written with ``sync=False``) and their names in ``folder`` durable.

    One ``syncfs`` flushes the whole file system in a single journal commit, where a thousand
    ``fsync`` calls would commit a thousand times; where it is missing, each file is flushed.
    """
    if not paths:
        return
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        if not _syncfs(dir_fd):
            for path in paths:
                with open(path, "rb") as fh:
                    os.fsync(fh.fileno())
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _syncfs(fd: int) -> bool:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).syncfs(fd) == 0
    except (OSError, AttributeError):
        return False
