"""The date-sensitive tests again, with the clock faked to dates that break calendars.

Every test that reaches "today" somewhere on its path is marked ``calendar``. The clock audit finds
them: ``PYTHONPATH=bench AMANST_CLOCK_AUDIT=clock.json pytest -p clock_audit_plugin TESTS`` lists
every test whose code reads ``date.today`` or ``datetime.now`` (tests/test_clock_reads.py keeps
those reads to defaults of an injected clock). Here they run
once more in a child pytest under libfaketime (Debian package ``faketime``) at a new year, a leap
day, the last day of the first and second tertials and a year's last day: a test that hard-codes
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
LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
DATES = ("2027-01-01 00:00:05", "2028-02-29 09:00:00", "2027-04-30 09:00:00",
         "2027-08-31 09:00:00", "2027-12-31 09:00:00")


def faked(when: str) -> dict[str, str]:
    if not LIBFAKETIME.exists():
        message = f"{LIBFAKETIME} is missing (apt-get install faketime)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # '@' starts the clock at that moment and lets it run, so timeouts still work
    # the monotonic clock stays real: a thread's timed wait at exit computes its deadline from it,
    # and a faked one (two years ahead of the kernel's) hangs the child pytest for good
    return {**os.environ, "FAKETIME": f"@{when}", "LD_PRELOAD": str(LIBFAKETIME),
            "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1"}


@pytest.mark.slow
@pytest.mark.parametrize("when", DATES, ids=lambda w: w[:10])
def test_the_date_sensitive_tests_pass_on(when: str):
    env = faked(when)
    shown = subprocess.run([sys.executable, "-c", "import datetime; print(datetime.date.today())"],
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert shown == when[:10]  # the clock really is faked in the child
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-m", "calendar and not slow", "-W", "ignore"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=3600)
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
    assert run.returncode == 0, run.stdout[-6000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) >= 8, summary  # the subset really ran
