"""The sealed PDF: a throwaway CA and seal certificate, every issued PDF sealed, validated by poppler's
pdfsig and by pyHanko; one byte changed after sealing fails both. Without a seal, nothing says so
on the page, and ``seal_status`` tells doctor why."""

from __future__ import annotations

import shutil
import subprocess
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from asn1crypto import x509 as asn1_x509
from certhelpers import TODAY
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from addin.certificates import issuing
from addin.core.certificate_plan import plan
from addin.certificates.installation import seal_config
from addin.certificates.seal import SealConfig, SealError, check_seal, seal_status
from addin.settings import load
from addin.certificates.store import SqliteStore

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
PASSWORD = "sigill-test"


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Testkommunen"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject, issuer, key, issuer_key, ca: bool, usage=None):
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOW - timedelta(days=1000))
               .not_valid_after(NOW + timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                   data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                   crl_sign=ca, encipher_only=False, decipher_only=False), critical=True))
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usage), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A throwaway CA, a seal certificate in a PKCS#12 file, and a TSA certificate."""
    folder = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert(_name("Test-CA"), _name("Test-CA"), ca_key, ca_key, ca=True)
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal = _cert(_name("Testkommunens sigill"), ca.subject, seal_key, ca_key, ca=False)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's TSA: RSA
    tsa = _cert(_name("Test-TSA"), ca.subject, tsa_key, ca_key, ca=False,
                usage=[ExtendedKeyUsageOID.TIME_STAMPING])
    p12 = folder / "sigill.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"sigill", seal_key, seal, [ca],
        serialization.BestAvailableEncryption(PASSWORD.encode())))
    root = asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER))
    return {"p12": p12, "root": root, "tsa": (tsa, tsa_key), "ca": ca}


def _pdfsig(path) -> str:
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    return done.stdout + done.stderr


def _issue(example_register, tmp_path, seal):
    reg = example_register
    cands = plan(reg, TODAY).candidates
    keep = {next(c.plats_id for c in cands if c.language == lang) for lang in ("sv", "en")}
    reg.placements = [p for p in reg.placements if p.plats_id in keep]
    with SqliteStore(tmp_path / "reg.sqlite3") as store:
        return issuing.issue_certificates(reg, tmp_path / "intyg", "test", store, pdf=True,
                                          today=TODAY, seal=seal)


@pytest.fixture
def tsa_url(pki):
    """An RFC 3161 timestamp service on loopback (pyHanko's own TSA, signing with the test key)."""
    from asn1crypto import tsp
    from pyhanko.sign.timestamps import DummyTimeStamper

    tsa_cert, tsa_key = pki["tsa"]
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=__import__("asn1crypto.keys", fromlist=["PrivateKeyInfo"]).PrivateKeyInfo.load(
            tsa_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())),
        fixed_dt=NOW)
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            response = stamper.request_tsa_response(request).dump()
            hits.append(1)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(response)))
            self.end_headers()
            self.wfile.write(response)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/tsa", hits
    server.shutdown()


def test_every_pdf_is_sealed_and_validates_with_pdfsig_and_pyhanko(example_register, tmp_path,
                                                                   pki, tsa_url):
    assert shutil.which("pdfsig"), "poppler-utils (pdfsig) must be installed"
    url, hits = tsa_url
    seal = SealConfig(pki["p12"], PASSWORD, url)
    result = _issue(example_register, tmp_path, seal)
    assert len(result.issued) == 2 and not result.pdf_missing and not result.seal_error
    assert len(hits) >= 2  # a timestamp per PDF (pyHanko also asks once to size the signature)
    for cert in result.issued:
        data = cert.pdf.read_bytes()
        report = _pdfsig(cert.pdf)
        assert "Signature is Valid" in report, report
        assert "Testkommunens sigill" in report
        assert "Total document signed" in report
        check = check_seal(data, [pki["root"]])
        assert check.ok and check.timestamped, check
        assert "Testkommunens sigill" in check.signer
        # one byte of the page content changed after sealing: both validators refuse
        tampered = cert.pdf.with_name("andrad.pdf")
        at = data.index(b"stream", len(data) // 4) + 20
        tampered.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:])
        report = _pdfsig(tampered)
        assert "Signature is Valid" not in report, report
        assert not check_seal(tampered.read_bytes(), [pki["root"]]).ok
        # a seal from a CA nobody trusts is not trusted
        other = check_seal(data, [])
        assert other.intact and not other.trusted


def test_without_a_seal_the_pdf_says_nothing_of_one(example_register, tmp_path):
    result = _issue(example_register, tmp_path, None)
    for cert in result.issued:
        assert "does not contain any signatures" in _pdfsig(cert.pdf).lower() or \
            "Signature #1" not in _pdfsig(cert.pdf)
        text = subprocess.run(["pdftotext", str(cert.pdf), "-"], capture_output=True,
                              text=True).stdout.lower()
        assert "sigill" not in text and "seal" not in text and "försegl" not in text
    status = seal_status(seal_config(load(environ={})))
    assert not status.configured and not status.ok
    assert "förseglas inte" in status.message and "AMANST_SEAL_PKCS12" in status.message


def test_seal_status_reports_problems_in_swedish(pki, tmp_path):
    good = seal_status(SealConfig(pki["p12"], PASSWORD), now=NOW)
    assert good.ok and "Testkommunens sigill" in good.message and "utan tidsstämpel" in good.message
    wrong = seal_status(SealConfig(pki["p12"], "fel"))
    assert wrong.configured and not wrong.ok and "fel lösenord" in wrong.message
    missing = seal_status(SealConfig(tmp_path / "finns-inte.p12", PASSWORD))
    assert not missing.ok and "finns inte" in missing.message
    expired = seal_status(SealConfig(pki["p12"], PASSWORD), now=NOW + timedelta(days=4000))
    assert not expired.ok and "gick ut" in expired.message


def test_a_broken_seal_stops_before_any_number(example_register, tmp_path):
    with SqliteStore(tmp_path / "reg.sqlite3") as store:
        with pytest.raises(SealError, match="finns inte"):
            issuing.issue_certificates(example_register, tmp_path / "intyg", "test", store,
                                       pdf=True, today=TODAY,
                                       seal=SealConfig(tmp_path / "saknas.p12", "x"))
        assert store.entries() == []


def test_the_seal_comes_from_the_settings():
    config = seal_config(load(environ={"AMANST_SEAL_PKCS12": "/etc/amanst/sigill.p12",
                                       "AMANST_SEAL_PASSWORD": "hemligt",
                                       "AMANST_SEAL_TSA_URL": "https://tsa.example.se"}))
    assert config.configured and str(config.pkcs12) == "/etc/amanst/sigill.p12"
    assert config.password == "hemligt" and config.tsa_url == "https://tsa.example.se"
    assert "hemligt" not in repr(config)
