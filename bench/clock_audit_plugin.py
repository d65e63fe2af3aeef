"""pytest plugin for bench/clock_audit.py: which tests read the calendar (today, now)?

Loaded with ``-p clock_audit_plugin`` (bench/ on PYTHONPATH). While each test runs, a profile hook
on every thread watches C calls to ``date.today``, ``datetime.now``, ``datetime.today`` and
``datetime.utcnow`` made from the project's own code (addin/ or tests/); at the end it writes
``AMANST_CLOCK_AUDIT`` (a JSON file): test id → the places that read the clock.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import threading
from collections import defaultdict
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])
OWN = (os.path.join(ROOT, "addin") + os.sep, os.path.join(ROOT, "tests") + os.sep)
NAMES = {"today", "now", "utcnow"}
CLASSES = (datetime.date, datetime.datetime)
found: dict[str, set[str]] = defaultdict(set)
current: list[str] = []


def _profile(frame, event, arg):
    if event == "c_call" and current and getattr(arg, "__name__", "") in NAMES \
            and getattr(arg, "__self__", None) in CLASSES:
        path = frame.f_code.co_filename
        if path.startswith(OWN):
            found[current[0]].add(f"{os.path.relpath(path, ROOT)}:{frame.f_lineno}")


def pytest_runtest_setup(item):
    current[:] = [item.nodeid]
    sys.setprofile(_profile)
    threading.setprofile(_profile)


def pytest_runtest_teardown(item):
    sys.setprofile(None)
    threading.setprofile(None)
    if item.nodeid in found:  # written as it goes, so a run cut short still says what it found
        _write()


def pytest_sessionfinish(session):
    _write()


def _write() -> None:
    target = os.environ.get("AMANST_CLOCK_AUDIT")
    if target:
        Path(target).write_text(json.dumps({k: sorted(v) for k, v in sorted(found.items())},
                                           indent=1, ensure_ascii=False), encoding="utf-8")
