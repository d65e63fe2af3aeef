"""Child Python processes of a time-travelling test run see the same faked clock.

tests/timetravel.py puts this folder first on ``PYTHONPATH`` and says in
``AMANST_TRAVEL_OFFSET`` how many seconds the faked clock runs ahead of the real one; every
Python the tests start (the command line, a server, a wheel's own venv) then starts at the real
moment plus that offset, so a child numbers, names and checks by the same date as its parent.
Without the variable this file does nothing.
"""

import os

_offset = os.environ.get("AMANST_TRAVEL_OFFSET")
if _offset:
    try:
        import time as _time
        from datetime import datetime as _datetime
        from datetime import timedelta as _timedelta

        import time_machine as _time_machine
    except ImportError:  # a Python without time-machine: said, not silently on the real date
        import sys as _sys

        _sys.stderr.write("amanst tests: time-machine saknas, klockan kan inte flyttas\n")
    else:
        _moment = _datetime.fromtimestamp(_time.time()).astimezone()
        _time_machine.travel(_moment + _timedelta(seconds=float(_offset)), tick=True).start()
