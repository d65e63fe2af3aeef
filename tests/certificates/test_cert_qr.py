"""The QR code on every certificate: decoded from the rendered PDF page, it is the verification link
with the certificate's own number and code; example addresses are refused in production."""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from certhelpers import TODAY

from addin.core import schema
from addin.certificates import issuing
from addin.core.certificate_plan import plan
from addin.certificates.qr import (VerificationAddressError, check_address, require_address,
                                   verification_url)
from addin.certificates.store import SqliteStore

ADDRESS = "https://intyg.malmo.se/verifiera"


def test_the_link_is_address_number_and_code():
    assert verification_url(ADDRESS + "/", "ASF-2026-00042", "7ZQY-WDAA-DYNN") == \
        "https://intyg.malmo.se/verifiera/ASF-2026-00042?kod=7ZQY-WDAA-DYNN"
    assert verification_url("", "ASF-2026-00042", "7ZQY-WDAA-DYNN") == ""


@pytest.mark.parametrize("address", [
    "https://intyg.example.org/verifiera", "https://example.com/v", "https://a.b.example.net/",
    "http://localhost:8000/verifiera", "https://127.0.0.1/verifiera", "https://[::1]/verifiera",
    "", "intyg.malmo.se/verifiera", "http://intyg.malmo.se/verifiera",
])
def test_production_refuses_example_empty_and_plain_http_addresses(address):
    assert check_address(address, production=True)
    with pytest.raises(VerificationAddressError):
        require_address(address, production=True)


def test_outside_production_an_example_address_is_fine_but_not_a_broken_one():
    assert check_address("https://intyg.example.org/verifiera", production=False) == ""
    assert check_address("", production=False) == ""
    assert "ingen webbadress" in check_address("intyg.malmo.se", production=False)
    assert check_address(ADDRESS, production=True) == ""


def _decode_qr(pdf_path, page: int, tmp_path) -> list[str]:
    prefix = tmp_path / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(page), "-l", str(page),
                    str(pdf_path), str(prefix)], check=True)
    (image,) = tmp_path.glob(f"page{page}*.png")
    found = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                            str(image)], capture_output=True, text=True)
    image.unlink()
    return [line for line in found.stdout.splitlines() if line]


def test_qr_on_the_pdf_leads_to_the_verification_of_that_certificate(example_register, tmp_path):
    assert shutil.which("zbarimg"), "zbar-tools (zbarimg) must be installed for this test"
    reg = example_register
    reg.settings.values[schema.S_VERIFIERINGSADRESS] = ADDRESS
    cands = plan(reg, TODAY).candidates
    keep = {next(c.plats_id for c in cands if c.language == lang) for lang in ("sv", "en")}
    reg.placements = [p for p in reg.placements if p.plats_id in keep]
    with SqliteStore(tmp_path / "reg.sqlite3") as store:
        result = issuing.issue_certificates(reg, tmp_path / "intyg", "test", store, pdf=True,
                                            today=TODAY, production=True)
        assert len(result.issued) == 2 and not result.pdf_missing
        for cert in result.issued:
            pages = int(next(line.split()[-1] for line in subprocess.run(
                ["pdfinfo", str(cert.pdf)], capture_output=True, text=True,
                check=True).stdout.splitlines() if line.startswith("Pages:")))
            codes = _decode_qr(cert.pdf, pages, tmp_path)  # the box ends the certificate
            assert len(codes) == 1, codes
            url = urlsplit(codes[0])
            assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ADDRESS}/{cert.number}"
            code = parse_qs(url.query)["kod"][0]
            assert store.verify(cert.number, code).known is True
            assert store.verify(cert.number, code[::-1]).known is False


def test_production_with_the_example_address_issues_nothing(example_register, tmp_path):
    with SqliteStore(tmp_path / "reg.sqlite3") as store:
        with pytest.raises(VerificationAddressError, match="exempeladress"):
            issuing.issue_certificates(example_register, tmp_path / "intyg", "test", store,
                                       today=TODAY, production=True)
        assert store.entries() == []
    assert not (tmp_path / "intyg").exists()
