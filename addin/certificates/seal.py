"""The organisation's electronic seal on certificate PDFs: a PAdES signature made with pyHanko.

When IT has configured the seal certificate (``AMANST_SEAL_PKCS12``: a PKCS#12 file with the key
and its chain; ``AMANST_SEAL_PASSWORD``), every PDF gets an invisible PAdES B-B signature over the
whole file, and with ``AMANST_SEAL_TSA_URL`` an RFC 3161 timestamp from that service (PAdES B-T),
so that the seal can be checked after the certificate has expired. Any PDF reader then shows who
sealed the document and that it has not been changed since; a changed byte breaks the seal.

Without a seal the PDFs are made as before and nothing on the page mentions a seal;
``seal_status`` says so, in Swedish, for ``amanst doctor``. The settings come in as a
``SealConfig`` (``installation.seal_config(settings)``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.errors import AmanstError

ENV_PKCS12 = "AMANST_SEAL_PKCS12"
ENV_PASSWORD = "AMANST_SEAL_PASSWORD"
FIELD_NAME = "Sigill"
TSA_TIMEOUT = 10  # seconds for the timestamp service to answer


class SealError(AmanstError):
    """The seal is configured but cannot be used (Swedish message)."""


@dataclass(frozen=True)
class SealConfig:
    pkcs12: Path | None = None
    password: str = field(default="", repr=False)
    tsa_url: str = ""

    @property
    def configured(self) -> bool:
        return self.pkcs12 is not None


@dataclass(frozen=True)
class SealStatus:
    configured: bool
    ok: bool
    message: str  # Swedish, one line
    subject: str = ""
    not_after: datetime | None = None


def seal_status(config: SealConfig, now: datetime | None = None) -> SealStatus:
    """Whether PDFs will be sealed, and if not why: for ``amanst doctor`` and the server's start."""
    if not config.configured:
        return SealStatus(False, False,
                          f"Inget sigill: PDF-intygen förseglas inte ({ENV_PKCS12} är inte satt).")
    try:
        signer = load_signer(config)
    except SealError as exc:
        return SealStatus(True, False, str(exc))
    cert = signer.signing_cert
    subject = cert.subject.human_friendly
    not_after = cert.not_valid_after
    now = now or datetime.now(UTC)
    if not_after <= now:
        return SealStatus(True, False, f"Sigillcertifikatet ({subject}) gick ut "
                          f"{not_after:%Y-%m-%d}. Beställ ett nytt.", subject, not_after)
    stamp = f", tidsstämpel från {config.tsa_url}" if config.tsa_url else ", utan tidsstämpel"
    return SealStatus(True, True, f"Sigill: {subject}, giltigt till {not_after:%Y-%m-%d}{stamp}.",
                      subject, not_after)


def load_signer(config: SealConfig) -> Any:
    """The pyHanko signer from the PKCS#12 file, or ``SealError`` saying what is wrong."""
    from pyhanko.sign import signers

    path = config.pkcs12
    if path is None:
        raise SealError("Inget sigill är inställt.")
    if not path.is_file():
        raise SealError(f"Sigillfilen {path} ({ENV_PKCS12}) finns inte.")
    try:
        signer = signers.SimpleSigner.load_pkcs12(
            pfx_file=str(path), passphrase=config.password.encode("utf-8") or None)
    except Exception:  # noqa: BLE001 - pyHanko/cryptography raise many kinds for a bad file
        signer = None
    if signer is None:
        raise SealError(f"Sigillfilen {path} kunde inte öppnas: fel lösenord ({ENV_PASSWORD}) "
                        "eller ingen PKCS#12-fil med nyckel och certifikat.")
    return signer


class Sealer:
    """Seals PDFs with one loaded certificate (load once, seal many)."""

    def __init__(self, config: SealConfig, location: str = "", reason: str = ""):
        self.config = config
        self.signer = load_signer(config)
        self.location = location
        self.reason = reason or "Utfärdat kompetensintyg"
        self.timestamper = None
        if config.tsa_url:
            from pyhanko.sign.timestamps import HTTPTimeStamper

            self.timestamper = HTTPTimeStamper(config.tsa_url, timeout=TSA_TIMEOUT)

    def seal(self, data: bytes) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME, md_algorithm="sha256", reason=self.reason,
            location=self.location or None, subfilter=fields.SigSeedSubFilter.PADES,
            use_pades_lta=False)
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
            out = signers.sign_pdf(writer, meta, signer=self.signer,
                                   timestamper=self.timestamper)
        except Exception as exc:  # noqa: BLE001 - the TSA or the PDF: report, do not crash
            where = f" (tidsstämpeltjänsten {self.config.tsa_url} svarade inte?)" \
                if self.timestamper else ""
            raise SealError(f"PDF-filen kunde inte förseglas{where}: {type(exc).__name__}.") \
                from None
        return out.getvalue()

    def seal_file(self, path: Path) -> None:
        """Seal ``path`` in place (it is a file of this run's work folder, not yet published)."""
        path.write_bytes(self.seal(path.read_bytes()))


@dataclass(frozen=True)
class SealCheck:
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the signature is mathematically valid
    trusted: bool  # the certificate chains to one of the given roots
    whole_file: bool  # the signature covers the entire file
    timestamped: bool
    signer: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.whole_file


def check_seal(data: bytes, trust_roots: list[Any]) -> SealCheck:
    """Validate the seal of ``data`` against ``trust_roots`` (asn1crypto certificates)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - a damaged file has no valid seal
        return SealCheck(False, False, False, False, False)
    if not signatures:
        return SealCheck(False, False, False, False, False)
    try:
        status = validate_pdf_signature(
            signatures[0], ValidationContext(trust_roots=trust_roots, allow_fetching=False))
    except SignatureValidationError:
        return SealCheck(False, False, False, False, False)
    return SealCheck(bool(status.intact), bool(status.valid), bool(status.trusted),
                     status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                     status.timestamp_validity is not None,
                     status.signing_cert.subject.human_friendly)
