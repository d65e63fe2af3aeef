"""pytest plugin for tests/test_calendar.py: the whole run at another date.

Loaded with ``-p tests.timetravel`` and ``AMANST_TRAVEL_TO=2027-01-01T00:00:05``: from the start of
the session, Python's wall clock (``date.today``, ``datetime.now``, ``time.time``) reads that moment
and runs on from it (time-machine). The monotonic clock, sleeps and timed waits stay real, so
timeouts still work; libfaketime fakes those too and hangs or breaks Python 3.11's waits.

Every Python process the tests start travels with it: ``tests/timetravel_site`` goes first on
``PYTHONPATH`` and its ``sitecustomize`` moves the child's clock by the same offset from the real
one (``AMANST_TRAVEL_OFFSET``, seconds). So the whole suite can run at another date::

    AMANST_TRAVEL_TO=2027-03-15T09:00:00 python -m pytest -p tests.timetravel
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import time_machine

_travel: list[time_machine.travel] = []
_SITE = Path(__file__).resolve().parent / "timetravel_site"


def pytest_configure(config):
    when = os.environ.get("AMANST_TRAVEL_TO")
    if when:
        moment = datetime.fromisoformat(when).astimezone()
        # measured against the real clock, even when this run is itself a child that travels
        hatch = time_machine.escape_hatch
        real_now = hatch.time.time() if hatch.is_travelling() else time.time()
        os.environ["AMANST_TRAVEL_OFFSET"] = str(moment.timestamp() - real_now)
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [str(_SITE), *filter(None, [os.environ.get("PYTHONPATH")])])
        trip = time_machine.travel(moment, tick=True)
        trip.start()
        _travel.append(trip)


def pytest_terminal_summary(terminalreporter):
    if _travel:  # said at the end, where -q still shows it
        terminalreporter.write_line(f"amanst: klockan flyttad till {datetime.now():%Y-%m-%d %H:%M}")


def pytest_unconfigure(config):
    while _travel:
        _travel.pop().stop()
