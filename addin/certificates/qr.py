"""The verification link and its QR code: what an employer scans to check a certificate.

``verification_url(address, number, code)`` is ``{address}/{number}?kod={code}``, the page the
verification service answers (``GET /verifiera/{nummer}?kod=…``). ``check_address`` says, in
Swedish, what is wrong with a configured address: not https, or a reserved example host
(example.org/.com/.net, localhost), which is refused in production because a certificate printed
with it could never be checked. ``qr_png`` draws the link as a PNG: the symbol ``segno`` makes
(error correction M: a crease or a stamp over a corner still scans), drawn by ``qr_symbol`` in a
fifth of segno's time and pixel for pixel the same.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ..core.errors import AmanstError
from ..core.verification import verification_url

__all__ = ["check_address", "qr_png", "require_address", "verification_url"]

# RFC 2606 / 6761 names that never reach a real service
EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net", "example", "test", "invalid",
                   "localhost")
QUIET_ZONE = 4  # modules of light around the symbol, as ISO/IEC 18004 asks
QR_SCALE = 10  # pixels per module: sharp at the printed size (about 2.6 cm) at 300 dpi


class VerificationAddressError(AmanstError):
    """The verification address cannot be printed on a certificate."""


def is_example_host(host: str) -> bool:
    host = host.strip().rstrip(".").lower()
    if not host:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    return any(host == d or host.endswith("." + d) for d in EXAMPLE_DOMAINS)


def check_address(address: str, production: bool) -> str:
    """What is wrong with ``address`` as the printed verification address ("" when nothing).

    Outside production an example address is accepted (the example workbook and tests use one);
    in production it is not, nor an empty one.
    """
    address = address.strip()
    if not address:
        return ("Verifieringsadress saknas. Ange adressen till verifieringssidan, till exempel "
                "https://intyg.malmo.se/verifiera, så att intygets QR-kod leder dit."
                if production else "")
    parts = urlsplit(address)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return (f"Verifieringsadressen '{address}' är ingen webbadress. Skriv hela adressen, "
                "till exempel https://intyg.malmo.se/verifiera.")
    if parts.query or parts.fragment:
        return (f"Verifieringsadressen '{address}' ska inte ha något efter ? eller #; numret och "
                "koden läggs till automatiskt.")
    if production:
        if is_example_host(parts.hostname):
            return (f"Verifieringsadressen '{address}' är en exempeladress som ingen kan nå. Ange "
                    "den riktiga adressen till verifieringssidan innan intyg utfärdas.")
        if parts.scheme != "https":
            return (f"Verifieringsadressen '{address}' använder inte https. Ange en adress som "
                    "börjar med https://.")
    return ""


def require_address(address: str, production: bool) -> str:
    """``address`` without a trailing slash, or ``VerificationAddressError`` in Swedish."""
    problem = check_address(address, production)
    if problem:
        raise VerificationAddressError(problem)
    return address.strip().rstrip("/")


def qr_png(text: str, scale: int = QR_SCALE) -> bytes:
    """``text`` as a QR code PNG (black on white, the standard quiet zone of 4 modules)."""
    from . import qr_symbol  # NumPy: only a run that draws codes pays for importing it

    return qr_symbol.png(qr_symbol.symbol(text), scale, QUIET_ZONE)


BLANK_PNG = (  # 1×1 white pixel: the QR's place when no verification address is configured
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0\xa8\x00"
    b"\x00\x00\x00IEND\xaeB`\x82")
