"""Named points of a save, so a fault test can kill the process at an exact step.

Every workbook save passes three points, whichever writer made the bytes: ``save:writing`` when the
first bytes of the new content reach the file, ``save:written`` when the new content is complete
and on disk but has not yet replaced the target, and ``save:replaced`` once it has. Nobody listens
in normal use (each point is one comparison); the harness of tests/adversarial/test_faults.py sets
``listener`` in the process it is about to kill, waits for a point and kills the process there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO

WRITING, WRITTEN, REPLACED = "save:writing", "save:written", "save:replaced"
POINTS = (WRITING, WRITTEN, REPLACED)

listener: Callable[[str], None] | None = None


def reached(point: str) -> None:
    if listener is not None:
        listener(point)


class _Watched:
    """A binary file that says ``save:writing`` once its first bytes are written."""

    def __init__(self, fh: BinaryIO):
        self._fh = fh
        self._started = False

    def write(self, data: Any) -> int:
        written = self._fh.write(data)
        if not self._started:  # the first bytes are in the file: the save is under way
            self._started = True
            self._fh.flush()
            reached(WRITING)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)


def watched(fh: BinaryIO) -> BinaryIO:
    """``fh`` itself, or, while a listener is set, ``fh`` reporting its first write."""
    return fh if listener is None else _Watched(fh)  # type: ignore[return-value]
