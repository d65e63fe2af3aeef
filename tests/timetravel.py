"""pytest plugin for tests/test_calendar.py: the whole run at another date.

Loaded with ``-p tests.timetravel`` and ``AMANST_TRAVEL_TO=2027-01-01T00:00:05``: from the start of
the session, Python's wall clock (``date.today``, ``datetime.now``, ``time.time``) reads that moment
and runs on from it (time-machine). The monotonic clock, sleeps and timed waits stay real, so
timeouts still work; libfaketime fakes those too and hangs or breaks Python 3.11's waits.
"""

from __future__ import annotations

import os
from datetime import datetime

import time_machine

_travel: list[time_machine.travel] = []


def pytest_configure(config):
    when = os.environ.get("AMANST_TRAVEL_TO")
    if when:
        trip = time_machine.travel(datetime.fromisoformat(when).astimezone(), tick=True)
        trip.start()
        _travel.append(trip)


def pytest_terminal_summary(terminalreporter):
    if _travel:  # said at the end, where -q still shows it
        terminalreporter.write_line(f"amanst: klockan flyttad till {datetime.now():%Y-%m-%d %H:%M}")


def pytest_unconfigure(config):
    while _travel:
        _travel.pop().stop()
