"""Saving a file so that a crash never leaves half of it, nor a hidden copy of it, behind.

The new content is written to an unnamed file in the target's folder (Linux ``O_TMPFILE``: if the
process is killed, even with SIGKILL, the kernel frees it and nothing is left), flushed to disk,
given a name and moved over the target in one step. Where the file system has no unnamed files,
a temporary name is used and removed on any exception, SIGTERM or SIGHUP. Every temporary name is
made by ``leftovers`` (it names the process), so what a run killed in between leaves is swept by
the next save in that folder. A full disk, a read-only folder or a locked file is a
``WorkbookLocked`` with a Swedish message; the target is then unchanged, and a backup taken for
that save is removed again (the original is still there).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from .. import leftovers
from ..core.errors import WorkbookLocked
from . import savepoints
from .safety import check_writable

_AT_FDCWD = -100
_AT_EMPTY_PATH = 0x1000


def backup_path(path: Path, now: datetime) -> Path:
    """A name for a backup of ``path`` taken ``now`` that no earlier backup has."""
    base = f"{path.stem}.bak-{now:%Y%m%d-%H%M%S}"
    candidate, n = path.with_name(f"{base}{path.suffix}"), 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{base}-{n}{path.suffix}")
    return candidate


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _target_mode(target: Path) -> int:
    return target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()


def _unnamed(folder: Path, mode: int) -> int | None:
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag:
        return None
    try:
        fd = os.open(folder, flag | os.O_RDWR, mode)
    except OSError:  # a file system without unnamed files (some network shares)
        return None
    os.fchmod(fd, mode)
    return fd


class _Interrupted(BaseException):
    pass


def _raise_interrupted(signum: int, frame: object) -> None:
    raise _Interrupted(signum)


@contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception while a named temporary file exists."""
    saved = {}
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            saved[sig] = signal.signal(sig, _raise_interrupted)
    except ValueError:  # not the main thread: the server never gets these signals here
        pass
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _linkat_empty(fd: int, name: Path) -> bool:
    """linkat(fd, "", AT_EMPTY_PATH): needs CAP_DAC_READ_SEARCH, which a service may have."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.linkat(fd, b"", _AT_FDCWD, os.fsencode(name), _AT_EMPTY_PATH) == 0
    except (OSError, AttributeError):
        return False


def _proc_link(fd: int, name: Path) -> bool:
    try:
        os.link(f"/proc/self/fd/{fd}", name, follow_symlinks=True)
        return True
    except OSError:
        return False


def _name_unnamed(fd: int, target: Path) -> bool:
    """Give the unnamed file ``fd`` a name beside ``target`` and move it over ``target``."""
    for attempt in range(20):
        name = target.with_name(f"{leftovers.prefix('bok')}{attempt}.{target.stem}.tmp"
                                f"{target.suffix}")
        if name.exists():
            continue
        if not (_linkat_empty(fd, name) or _proc_link(fd, name)):
            return False
        try:
            os.replace(name, target)
        except BaseException:
            name.unlink(missing_ok=True)
            raise
        return True
    return False


def write_atomic(target: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write(fileobj)`` for the new content and put it in place of ``target`` atomically."""
    check_writable(target)
    leftovers.sweep(target.parent)
    with _failures_said(target):
        _put(target, write)


def _put(target: Path, write: Callable[[BinaryIO], None], points: bool = True) -> None:
    """``points``: pass the save points (savepoints); a backup's copy is not the save."""
    mode = _target_mode(target)
    fd = _unnamed(target.parent, mode)
    if fd is None:
        _write_named(target, mode, write, points)
        return
    reached = savepoints.reached if points else (lambda point: None)
    with os.fdopen(fd, "w+b") as fh:
        write(savepoints.watched(fh) if points else fh)
        fh.flush()
        os.fsync(fh.fileno())
        reached(savepoints.WRITTEN)
        if _name_unnamed(fh.fileno(), target):
            reached(savepoints.REPLACED)
            return
        # no way to name it here: copy it under a temporary name, for the shortest while
        fh.seek(0)
        _write_named(target, mode, lambda out: shutil.copyfileobj(fh, out, 1 << 20), points)


@contextmanager
def _failures_said(target: Path) -> Iterator[None]:
    """An ``OSError`` while saving ``target`` becomes a ``WorkbookLocked`` saying what to do."""
    try:
        yield
    except PermissionError:
        raise WorkbookLocked(f"{target.name} går inte att skriva: filen är låst eller "
                             "skrivskyddad. Stäng den i Excel och försök igen.") from None
    except OSError as exc:
        raise WorkbookLocked(_cannot_write(target, exc)) from None


def _cannot_write(target: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"{target.name} kunde inte sparas: disken är full i mappen {target.parent}. "
                "Filen är oförändrad. Frigör utrymme och försök igen.")
    if exc.errno == errno.EROFS:
        return (f"{target.name} kunde inte sparas: mappen {target.parent} är skrivskyddad. "
                "Filen är oförändrad.")
    return (f"{target.name} kunde inte sparas ({exc.strerror or type(exc).__name__}). Filen är "
            "oförändrad.")


def _write_named(target: Path, mode: int, write: Callable[[BinaryIO], None],
                 points: bool = True) -> None:
    reached = savepoints.reached if points else (lambda point: None)
    fd, name = tempfile.mkstemp(prefix=leftovers.prefix("bok"),
                                suffix=f".{target.stem}.tmp{target.suffix}", dir=target.parent)
    tmp = Path(name)
    with _signals_raise():
        try:
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), mode)  # mkstemp makes it private; give it the target's
                write(savepoints.watched(fh) if points else fh)
                fh.flush()
                os.fsync(fh.fileno())
            reached(savepoints.WRITTEN)
            os.replace(tmp, target)
            reached(savepoints.REPLACED)
        except _Interrupted as exc:
            tmp.unlink(missing_ok=True)
            raise KeyboardInterrupt from exc
        finally:
            tmp.unlink(missing_ok=True)


def backup_if_same(target: Path, source: Path | None, now: datetime | None = None) -> Path | None:
    """Copy ``target`` to a dated backup when the new content replaces its own source."""
    if source is None or not target.exists() or target.resolve() != source.resolve():
        return None
    backup = backup_path(target, now or datetime.now())
    leftovers.sweep(target.parent)
    # a failure is said of the workbook the user asked to save, which is unchanged
    with _failures_said(target), target.open("rb") as original:
        _put(backup, lambda out: shutil.copyfileobj(original, out, 1 << 20), points=False)
    with contextlib.suppress(OSError):
        shutil.copystat(target, backup)
    return backup


def forget(backup: Path | None) -> None:
    """A backup made for a save that failed is not needed: the original is unchanged."""
    if backup is not None:
        with contextlib.suppress(OSError):
            backup.unlink()


@contextmanager
def kept_backup(target: Path, source: Path | None, now: datetime | None = None
                ) -> Iterator[Path | None]:
    """A backup of ``target`` (when it is ``source``) for the save in the ``with`` block;
    removed again if that save fails."""
    backup = backup_if_same(target, source, now)
    try:
        yield backup
    except BaseException:
        forget(backup)
        raise


def replace(target: Path, write: Callable[[BinaryIO], None], source: Path | None = None,
            now: datetime | None = None) -> Path | None:
    """``write_atomic`` after backing up ``target`` when it is ``source``; returns the backup."""
    check_writable(target)
    with kept_backup(target, source, now) as backup:
        write_atomic(target, write)
    return backup
