"""The date-sensitive tests again, with the clock faked to dates that break calendars.

Every test that reaches "today" somewhere on its path is marked ``calendar``. The clock audit finds
them: ``PYTHONPATH=bench AMANST_CLOCK_AUDIT=clock.json pytest -p clock_audit_plugin TESTS`` lists
every test whose code reads ``date.today`` or ``datetime.now`` (tests/test_clock_reads.py keeps
those reads to defaults of an injected clock). Here they run
once more in a child pytest whose clock starts at a new year, a leap day, the last day of the first
and second tertials and a year's last day (tests/timetravel.py, with time-machine; libfaketime
was tried first, but its faked monotonic clock hangs Python 3.11's timed waits and its sleep
fails with EINVAL when the monotonic clock is left real): a test that hard-codes
the current year, or a product that numbers, names or checks by the real year, fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATES = ("2027-01-01 00:00:05", "2028-02-29 09:00:00", "2027-04-30 09:00:00",
         "2027-08-31 09:00:00", "2027-12-31 09:00:00")


@pytest.mark.slow
@pytest.mark.parametrize("when", DATES, ids=lambda w: w[:10])
def test_the_date_sensitive_tests_pass_on(when: str):
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-p", "tests.timetravel", "-m", "calendar and not slow", "-W", "ignore"],
                         cwd=ROOT, env={**os.environ, "AMANST_TRAVEL_TO": when.replace(" ", "T")},
                         capture_output=True, text=True, timeout=3600)
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
    assert f"klockan flyttad till {when[:10]}" in run.stdout, run.stdout[:2000]  # really moved
    assert run.returncode == 0, run.stdout[-6000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) >= 8, summary  # the subset really ran
