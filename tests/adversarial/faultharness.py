"""Run an amanst command and stop it dead at a named point of its save (addin/xlsx/savepoints).

    python -m tests.adversarial.faultharness POINT FD amanst-arguments...

Every point the save passes is written to file descriptor FD, one per line. At POINT the process
writes ``POINT`` and then waits for ever (a barrier nobody lifts), so the test that started it
knows exactly where it is when it sends SIGKILL. If the command ends without reaching POINT it
exits normally and the test sees the pipe close instead.
"""

from __future__ import annotations

import os
import sys
import threading


def main(argv: list[str]) -> int:
    point, fd, args = argv[0], int(argv[1]), argv[2:]
    from addin.xlsx import savepoints

    def listener(reached: str) -> None:
        os.write(fd, f"{reached}\n".encode())
        if reached == point:
            threading.Event().wait()  # the barrier: held here until the test kills us

    savepoints.listener = listener
    from addin.cli.main import main as amanst

    return amanst(args)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
