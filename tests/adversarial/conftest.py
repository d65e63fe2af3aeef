"""The xlwings Server app for the abuse and load tests: the same environment and fixtures as
``tests/excel`` (imported from its conftest, so xlwings is configured before it is first imported,
whichever directory pytest collects first)."""

from tests.excel.conftest import EXAMPLE, app, client  # noqa: F401
