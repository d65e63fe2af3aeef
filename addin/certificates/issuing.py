"""Issuing certificates for a read register: plan, claim numbers, render, write, register.

``issue_certificates(register, out_dir, issuer, store)`` is the one entry point every front end
(command line, the Excel add-in's "Utfärda intyg" button) calls. It prints nothing and touches no
workbook: it returns an ``IssueResult`` saying what was issued, what was already issued and which
placements are not eligible and why.

Order of events, chosen so a failure never leaves a number on two certificates or a certificate
without a register entry: templates are compiled and test-rendered first (a refused template
issues nothing), numbers are claimed in one transaction, each file is written under its number
and never over an existing file, the register entry is then made valid with the files' SHA-256,
and a claim whose file failed is voided. A claim left by a run that died (killed, crashed) is
taken over by the next run for the same placement, which writes the file under the same number
and finishes the entry (see ``store``). PDFs are made afterwards in batches; their SHA-256 is
added to the entry. With ``pdf=True`` a run also makes the PDFs an earlier run did not (LibreOffice
hung, missing, or the run was killed), for certificates whose Word file is in ``out_dir``.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .. import resources
from ..core import schema
from ..core.errors import AmanstError
from ..core.model import Register
from . import pdf as pdf_mod
from ..core.certificate_plan import LANG_EN, Candidate, Ineligible, plan
from . import credential as vc
from .english import packaged
from .files import publish, sha256_file, target_in, write_new
from .images import load_logo
from .qr import BLANK_PNG, qr_png, require_address, verification_url
from .render import CompiledTemplate
from .seal import SealConfig, SealError, Sealer
from .store import CertificateStore, ClaimRequest, new_code

TEMPLATE_FILES = {"sv": "kompetensintyg.docx", LANG_EN: "kompetensintyg-en.docx"}
FINALIZE_EVERY = 100  # certificates per register transaction while writing files

Progress = Callable[[int], None]


@dataclass
class IssuedCertificate:
    number: str
    plats_id: str
    deltagar_id: str
    language: str
    docx: Path
    docx_sha256: str
    issued_at: datetime
    issuer: str
    replaces: str = ""
    pdf: Path | None = None
    pdf_sha256: str = ""
    credential: Path | None = None  # NUMMER.json, the Open Badges 3.0 credential
    credential_jwt: Path | None = None  # NUMMER.jwt, the same credential signed (VC-JWT)
    code: str = ""  # the verification code printed on the certificate


@dataclass
class IssueResult:
    issued: list[IssuedCertificate] = field(default_factory=list)
    already: list[tuple[str, str]] = field(default_factory=list)  # (PlatsID, valid number)
    ineligible: list[Ineligible] = field(default_factory=list)
    pdf_requested: bool = False
    pdf_skipped_reason: str = ""  # Swedish, when PDFs were asked for but not made
    pdf_missing: list[str] = field(default_factory=list)  # numbers whose PDF failed
    pdf_timeout: str = ""  # Swedish, when LibreOffice hung and was stopped
    pdf_completed: list[str] = field(default_factory=list)  # earlier numbers whose PDF came now
    seal_error: str = ""  # Swedish, when PDFs could not be sealed (they were not published)
    out_dir: Path | None = None

    @property
    def summary(self) -> str:
        parts = [f"{len(self.issued)} nya intyg"]
        if self.already:
            parts.append(f"{len(self.already)} hade redan ett giltigt intyg")
        if self.ineligible:
            parts.append(f"{len(self.ineligible)} kunde inte få intyg")
        return ", ".join(parts) + "."


def prefix_of(register: Register) -> str:
    prefix = register.settings.get(schema.S_PREFIX).strip().upper()
    row = register.settings.rows.get(schema.S_PREFIX)
    where = f" (bladet {schema.INSTALLNINGAR}, rad {row})" if row else \
        f" (bladet {schema.INSTALLNINGAR})"
    if not prefix:
        raise AmanstError(f"Intygsprefix saknas{where}. Ange förvaltningens prefix, till "
                          "exempel ASF, innan intyg utfärdas.")
    return prefix


def load_templates(languages: set[str], folder: Path | None = None, logo: str = ""
                   ) -> dict[str, CompiledTemplate]:
    """The compiled templates: from ``folder`` (the setting ``templates_dir``) or the bundled ones.
    ``logo`` names a file in that folder (Inställningar's Logotyp) that replaces the template's
    own logo."""
    folder = Path(folder) if folder else resources.templates_dir()
    logo_png = load_logo(logo, folder) if logo.strip() else None
    templates = {}
    for lang in sorted(languages):
        path = folder / TEMPLATE_FILES[lang]
        if not path.exists():
            raise AmanstError(f"Mallen {path} saknas. Lägg tillbaka den eller bygg den med "
                              "scripts/build_certificate_templates.py.")
        templates[lang] = CompiledTemplate(path, logo=logo_png)
    return templates


def issue_certificates(register: Register, out_dir: Path, issuer: str,
                       store: CertificateStore, *, pdf: bool = False,
                       reissue: str | None = None, today: date | None = None,
                       now: datetime | None = None, templates_dir: Path | None = None,
                       soffice: str = "", progress: Progress | None = None,
                       pdf_workers: int = 2, verification_address: str | None = None,
                       production: bool = False, seal: SealConfig | None = None,
                       credential_key: vc.SigningKey | None = None) -> IssueResult:
    """Issue a certificate for every eligible placement of ``register`` into ``out_dir``.

    ``store`` is the open register. With ``reissue`` (a PlatsID) only that placement is issued,
    with a new number, and its valid certificate becomes Ersatt. ``templates_dir`` and
    ``soffice`` are the installation's settings. ``progress`` is called with the number of files
    just finished.

    ``verification_address`` (default: the workbook's Verifieringsadress) is where each
    certificate's QR code leads; with ``production`` an empty or example address is refused
    before anything is issued. With a configured ``seal`` every PDF is sealed before it is
    published; a seal that cannot be loaded stops the run before any number is claimed. With a
    ``credential_key`` each certificate also gets ``NUMMER.json`` (its Open Badges 3.0
    credential) and ``NUMMER.jwt`` (the same, signed), both registered with their SHA-256.
    """
    return _issue(register, Path(out_dir), issuer, store, pdf, reissue, today, now,
                  templates_dir, soffice, progress, pdf_workers, verification_address,
                  production, seal, credential_key)


def _issue(register: Register, out_dir: Path, issuer: str, store: CertificateStore, want_pdf: bool,
           reissue: str | None, today: date | None, now: datetime | None,
           templates_dir: Path | None, soffice: str, progress: Progress | None,
           pdf_workers: int, verification_address: str | None = None,
           production: bool = False, seal: SealConfig | None = None,
           credential_key: vc.SigningKey | None = None) -> IssueResult:
    now = now or datetime.now()
    today = today or now.date()
    prefix = prefix_of(register)
    address = require_address(register.settings.get(schema.S_VERIFIERINGSADRESS)
                              if verification_address is None else verification_address,
                              production)
    sealer = (Sealer(seal, location=register.settings.get(schema.S_ORT))
              if want_pdf and seal is not None and seal.configured else None)
    service = vc.Service(address) if credential_key is not None else None
    if service is not None:
        service.origin  # noqa: B018 - refuses a missing address before any number is claimed
    issuer = issuer.strip() or "okänd"
    live = store.live_numbers(prefix, now)
    only = [reissue.strip()] if reissue else None
    p = plan(register, today, certified=live, only=only, reissue=bool(reissue),
             english_fallback=packaged())
    result = IssueResult(already=list(p.already), ineligible=list(p.ineligible),
                         pdf_requested=want_pdf, out_dir=out_dir)
    if not p.candidates:
        if want_pdf:
            _make_pdfs(result, store, out_dir, progress, pdf_workers, soffice, sealer)
        return result
    templates = load_templates({c.language for c in p.candidates}, templates_dir,
                               register.settings.get(schema.S_LOGOTYP))
    # a trial render per template before any number is taken: a template that the sandbox
    # refuses, or that names a value that does not exist, stops here and issues nothing
    for lang, template in templates.items():
        sample = next(c for c in p.candidates if c.language == lang)
        template.render(sample.context(f"{prefix}-{today.year}-00000", new_code(), today,
                                       address))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AmanstError(f"Mappen {out_dir} kan inte skapas: {exc.strerror}.") from None

    by_place = {c.plats_id: c for c in p.candidates}
    requests = [ClaimRequest(c.plats_id, c.deltagar_id, c.language, c.replaces)
                for c in p.candidates]
    claims, taken = store.claim(prefix, today.year, requests, issuer, register.source, now)
    result.already += [t for t in taken if t[1]]
    pending: list[tuple[str, str, dict[str, tuple[str, str]]]] = []
    written: set[str] = set()
    try:
        for claim in claims:
            candidate: Candidate = by_place[claim.request.plats_id]
            template = templates[candidate.language]
            link = verification_url(address, claim.number, claim.code)
            context = candidate.context(claim.number, claim.code, today, address)
            data = template.render(context, qr=qr_png(link) if link else BLANK_PNG)
            name = f"{claim.number}.docx"
            path = write_new(out_dir, name, data, replace=claim.resumed)
            sha = hashlib.sha256(data).hexdigest()
            files = {"docx": (name, sha)}
            cert = IssuedCertificate(claim.number, candidate.plats_id, candidate.deltagar_id,
                                     candidate.language, path, sha, now, issuer,
                                     candidate.replaces, code=claim.code)
            if service is not None:
                files.update(_write_credential(cert, candidate, context, service, credential_key,
                                               out_dir, claim.resumed))
            written.add(claim.number)
            pending.append((claim.number, template.fingerprint, files))
            result.issued.append(cert)
            if progress:
                progress(1)
            if len(pending) >= FINALIZE_EVERY:
                store.finalize(pending, now)
                pending = []
    finally:
        # what was written is registered even if a later file failed; the claims without a
        # file are voided, so their numbers are never used
        store.finalize(pending, now)
        unused = [c.number for c in claims if c.number not in written]
        if unused:
            store.abandon(unused, datetime.now())
    if want_pdf:
        _make_pdfs(result, store, out_dir, progress, pdf_workers, soffice, sealer)
    return result


def _write_credential(cert: IssuedCertificate, candidate: Candidate, context: dict,
                      service: vc.Service, key: vc.SigningKey, out_dir: Path, replace: bool
                      ) -> dict[str, tuple[str, str]]:
    """``NUMMER.json`` and ``NUMMER.jwt`` beside the Word file; their register entries."""
    credential = vc.build_credential(candidate, context, cert.number, cert.issued_at, service)
    made = {}
    for kind, data in (("json", vc.dumps(credential)),
                       ("jwt", vc.sign(credential, key, service).encode("ascii"))):
        name = f"{cert.number}.{kind}"
        path = write_new(out_dir, name, data, replace=replace)
        made[kind] = (name, hashlib.sha256(data).hexdigest())
        if kind == "json":
            cert.credential = path
        else:
            cert.credential_jwt = path
    return made


def _without_pdf(result: IssueResult, store: CertificateStore, out_dir: Path) -> dict[Path, str]:
    """Earlier certificates of this run's placements whose Word file (unchanged) is in
    ``out_dir`` but that have no PDF: docx path → number."""
    found = {}
    for _, number in result.already:
        entry = store.get(number)
        if entry is None or "pdf" in entry.files or "docx" not in entry.files:
            continue
        name, sha = entry.files["docx"]
        docx = out_dir / name
        if docx.is_file() and not (out_dir / f"{entry.number}.pdf").exists() \
                and sha256_file(docx) == sha:
            found[docx] = entry.number
    return found


def _make_pdfs(result: IssueResult, store: CertificateStore, out_dir: Path,
               progress: Progress | None, workers: int, soffice: str,
               sealer: Sealer | None = None) -> None:
    by_docx = {c.docx: c.number for c in result.issued}
    earlier = _without_pdf(result, store, out_dir)
    by_docx.update(earlier)
    if not by_docx:
        return
    found = pdf_mod.find_soffice(soffice)
    if found is None:
        result.pdf_skipped_reason = ("LibreOffice finns inte på den här datorn, så inga PDF-filer "
                                     "skapades. Word-filerna är utfärdade och registrerade.")
        return
    certs = {c.number: c for c in result.issued}
    work = Path(tempfile.mkdtemp(prefix=".pdf-", dir=out_dir))
    try:
        conversion = pdf_mod.convert(list(by_docx), work, workers=workers, progress=progress,
                                     soffice=found)
        files = []
        unsealed = []
        for docx_path, made in conversion.pdfs.items():
            number = by_docx[docx_path]
            if sealer is not None:
                try:
                    sealer.seal_file(made)
                except SealError as exc:  # not published unsealed; a later --pdf run retries
                    result.seal_error = (f"{exc} {{n}} PDF-filer publicerades därför inte; kör "
                                         "samma kommando med --pdf igen när det fungerar.")
                    unsealed.append(docx_path)
                    continue
            target = target_in(out_dir, f"{number}.pdf")
            publish(made, target)
            sha = sha256_file(target)
            if number in certs:
                certs[number].pdf, certs[number].pdf_sha256 = target, sha
            else:
                result.pdf_completed.append(number)
            files.append((number, "pdf", target.name, sha))
        store.add_files(files)
        result.pdf_missing = sorted(by_docx[m] for m in [*conversion.missing, *unsealed])
        result.seal_error = result.seal_error.replace("{n}", str(len(unsealed)))
        result.pdf_completed.sort()
        if conversion.timed_out:
            result.pdf_timeout = (
                "LibreOffice svarade inte inom väntetiden och stoppades, så "
                f"{len(result.pdf_missing)} PDF-filer skapades inte. Word-filerna är utfärdade "
                "och registrerade och ligger kvar. Kör samma kommando med --pdf igen när "
                "LibreOffice fungerar: då skapas bara de PDF-filer som saknas.")
    finally:
        shutil.rmtree(work, ignore_errors=True)
