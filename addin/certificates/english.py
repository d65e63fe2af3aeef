"""The English of the catalog that ships with the package: the fallback for an English certificate
when a workbook's "(engelska)" column is missing or empty (see ``core.certificate_english``)."""

from __future__ import annotations

from functools import lru_cache

from ..catalog import catalog_rows
from ..core.certificate_english import fallback_from_rows


@lru_cache(maxsize=1)
def packaged() -> dict[tuple[str, str], str]:
    return fallback_from_rows(catalog_rows())
