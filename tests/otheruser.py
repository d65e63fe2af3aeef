"""Running amanst as a user who may not write a file, so read-only files are really read-only.

The suite runs as root in CI, and root may write any file whatever its mode: a chmod 0444 file is
not read-only to root. ``run_amanst`` therefore runs the command line in a child process as the
unprivileged user ``nobody`` (``setpriv``), on files inside a folder ``shared_folder`` made for it.
Run as an ordinary user, the child runs as that user: the file's mode is then enough.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOBODY = 65534


def _prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file read-only to amanst")
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder the other user can enter and read (and, where a test chmods it, write)."""
    folder = Path(tempfile.mkdtemp(prefix="amanst-readonly-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_amanst(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(cwd), "AMANST_LOG_DIR": str(cwd / "logg"),
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([*_prefix(), sys.executable, "-m", "addin", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
