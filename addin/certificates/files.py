"""Writing certificate files: atomically, never over an existing file, only inside the folder.

A file is written to a hidden temporary name in the target folder, flushed to disk, and then
hard-linked to its final name: the link fails if the name exists, so an issued certificate is never
replaced, and a reader never sees half a file. Issuing flushes a batch of files at once
(``sync_to_disk``) before their register entries are made valid. Where the file system has no hard
links (some network shares), an exclusive rename is used instead. Names come from the certificate
number only. The one exception is ``replace=True``, for a run that took over a dead run's claim: the
number is now its own, so the dead run's unfinished file under that number is replaced. The
temporary name says which process made it (``leftovers``), so a run that was killed has its
half-written file removed by the next one.

A file written for a claim that may not have become a certificate (the register was lost while
the run was making it valid) is set aside as ``NUMMER.EJ-GILTIGT.docx`` (``set_aside``): the
name says it is not a valid certificate. The next run puts it back under its own name if the
register shows it valid with exactly that content, and removes it otherwise
(``settle_set_aside``).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import leftovers
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
        raise FileExists(f"{target.name} finns redan i {target.parent} och skrivs inte "
                         "över.") from None
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
    fd, tmp_name = tempfile.mkstemp(prefix=leftovers.prefix("tmp"), suffix=Path(name).suffix,
                                    dir=folder)
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
SET_ASIDE = ".EJ-GILTIGT"  # between the number and the file's suffix


def set_aside(path: Path) -> Path | None:
    """Rename ``NUMMER.docx`` to ``NUMMER.EJ-GILTIGT.docx``; None if that was not possible."""
    target = path.with_name(f"{path.stem}{SET_ASIDE}{path.suffix}")
    try:
        os.replace(path, target)
    except OSError:
        return None
    return target


def remove_quietly(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def settle_set_aside(folder: Path, registered: Callable[[str], dict[str, tuple[str, str]] | None]
                     ) -> list[str]:
    """Resolve the files an earlier run set aside in ``folder``: back under their own name when
    ``registered(number)`` (the valid certificate's files: kind → (name, sha256)) lists exactly
    that content, else removed. Returns the numbers put back."""
    restored: list[str] = []
    try:
        found = sorted(folder.glob(f"*{SET_ASIDE}.*"))
    except OSError:
        return restored
    for path in found:
        number = path.name.split(SET_ASIDE)[0]
        original = path.with_name(f"{number}{path.suffix}")
        name, sha = (registered(number) or {}).get(path.suffix.lstrip("."), ("", ""))
        try:
            if name == original.name and not original.exists() and sha256_file(path) == sha:
                os.replace(path, original)
                restored.append(number)
                continue
        except OSError:
            continue  # unreadable now: the next run looks again
        remove_quietly(path)
    return restored
