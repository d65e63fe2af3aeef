"""xlwings Server's app under test: the environment is set before xlwings is first imported.

xlwings reads ``XLWINGS_ON_SERVER`` and ``XLWINGS_LICENSE_KEY`` at import, and xlwings Server reads
its settings and project directory at import, so this runs before any test module imports them.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from addin import resources, settings

_IMPORTED_EARLY = "xlwings" in sys.modules
_STATE = tempfile.mkdtemp(prefix="amanst-state-")
os.environ.update(settings.xlwings_environment(resources.SERVER_DIR))
os.environ["AMANST_STATE_DIR"] = _STATE
os.environ["AMANST_LOG_DIR"] = _STATE
os.environ["AMANST_REGISTER"] = str(Path(_STATE) / "intygsregister.sqlite3")  # never ~/.amanst
os.environ.pop("AMANST_REGISTER_URL", None)  # nor a developer's PostgreSQL register
os.environ["AMANST_CERT_PDF"] = "0"  # Word only unless a test asks for PDFs
os.environ["AMANST_INTYGSPREFIX"] = "ASF"  # the example workbook's prefix
for _key in [k for k in os.environ if k.startswith("AMANST_SMTP_")]:
    del os.environ[_key]  # a developer's SMTP settings must not send test mail
os.environ["DOTENV_PATH"] = str(Path(_STATE) / "no.env")  # a developer's .env must not leak in
if _IMPORTED_EARLY and not sys.modules["xlwings"].__pro__:
    raise RuntimeError("xlwings was imported before tests/excel/conftest.py could set "
                       "XLWINGS_LICENSE_KEY and XLWINGS_ON_SERVER; set them in tests/conftest.py.")

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from addin import collector  # noqa: E402

# The app's lifespan freezes a server process's start-up objects and raises the collector's
# threshold (addin/collector.py); the test process keeps Python's defaults
# (tests/excel/test_collector.py starts the app with it on purpose).
collector._settled = True

from addin.resources import workbooks_dir  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = workbooks_dir() / "exempel.xlsx"  # the installed copy when run against a wheel


@pytest.fixture(scope="session")
def app():
    from xlwings_server.main import main_app

    return main_app


@pytest.fixture()
def client(app):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
