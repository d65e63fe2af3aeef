"""Saving a file so that a crash never leaves half of it, nor a hidden copy of it, behind.

The new content is written to an unnamed file in the target's folder (Linux ``O_TMPFILE``: if the
process is killed, even with SIGKILL, the kernel frees it and nothing is left), flushed to disk,
given a name and moved over the target in one step. Where the file system has no unnamed files,
a hidden temporary name is used and removed on any exception, SIGTERM or SIGHUP.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from ..core.errors import WorkbookLocked
from .safety import check_writable

_AT_FDCWD = -100
_AT_EMPTY_PATH = 0x1000


def backup_path(path: Path, now: datetime) -> Path:
    return path.with_name(f"{path.stem}.bak-{now:%Y%m%d-%H%M%S}{path.suffix}")


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
        name = target.with_name(f".{target.name}.{os.getpid()}.{attempt}.tmp")
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
    mode = _target_mode(target)
    try:
        fd = _unnamed(target.parent, mode)
        if fd is None:
            _write_named(target, mode, write)
            return
        with os.fdopen(fd, "w+b") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
            if _name_unnamed(fh.fileno(), target):
                return
            # no way to name it here: copy it under a hidden name, for the shortest while
            fh.seek(0)
            _write_named(target, mode, lambda out: shutil.copyfileobj(fh, out, 1 << 20))
    except PermissionError:
        raise WorkbookLocked(f"{target.name} går inte att skriva: filen är låst eller "
                             "skrivskyddad. Stäng den i Excel och försök igen.") from None
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EROFS, errno.EDQUOT):
            raise
        where = "disken är full" if exc.errno != errno.EROFS else "mappen är skrivskyddad"
        raise WorkbookLocked(f"{target.name} kunde inte sparas: {where} ({target.parent}). "
                             "Filen är oförändrad.") from None


def _write_named(target: Path, mode: int, write: Callable[[BinaryIO], None]) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with _signals_raise():
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as fh:
                write(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except _Interrupted as exc:
            tmp.unlink(missing_ok=True)
            raise KeyboardInterrupt from exc
        finally:
            tmp.unlink(missing_ok=True)


def backup_if_same(target: Path, source: Path | None, now: datetime | None = None) -> Path | None:
    """Copy ``target`` to a dated backup when the new content replaces its own source."""
    if source is not None and target.exists() and target.resolve() == source.resolve():
        backup = backup_path(target, now or datetime.now())
        shutil.copy2(target, backup)
        return backup
    return None
