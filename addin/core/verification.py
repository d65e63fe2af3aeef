"""The verification link printed and encoded (QR) on a certificate: pure, no I/O."""

from __future__ import annotations

from urllib.parse import quote


def verification_url(address: str, number: str, code: str) -> str:
    """``{address}/{number}?kod={code}`` ("" when no address is configured)."""
    address = address.strip().rstrip("/")
    if not address:
        return ""
    return f"{address}/{quote(number, safe='')}?kod={quote(code, safe='')}"
