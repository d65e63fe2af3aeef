"""Issuing certificates for a read register: plan, claim numbers, render, write, register.

``issue_certificates(register, out_dir, issuer, store)`` is the one entry point every front end
(command line, the Excel add-in's "Utfärda intyg" button) calls. It prints nothing and touches no
workbook: it returns an ``IssueResult`` saying what was issued, what was already issued and which
placements are not eligible and why.

Order of events, chosen so a failure never leaves a number on two certificates or a certificate
without a register entry:

1. Tidy the output folder: temporary files of crashed runs are removed (``leftovers``), files an
   earlier run set aside are settled (``files.settle_set_aside``).
2. Every refusal comes before any number is taken: the prefix, the register's sequence against
   the numbers seen on the sheet and in the folder (``evidence``: a register restored from an older
   copy refuses), the templates (compiled and test-rendered), a folder that can't be written or
   hasn't room for the files.
3. Numbers are claimed in one transaction; dead claims are taken over or voided (see ``store``),
   and files of voided claims are removed from the folder.
4. Each file is written under its number and never over an existing file; every
   ``FINALIZE_EVERY`` files the batch is flushed to disk at once (``files.sync_to_disk``: one
   journal commit, not one per file) and then the entries are made valid with the files' SHA-256.
5. If anything stops the run (a full disk, a read-only folder, a lost register, Ctrl+C), what was
   written is still made valid if the register can be reached, files that are not valid are
   removed (or set aside as ``NUMMER.EJ-GILTIGT`` when the register was lost while making them
   valid), the unused claims are released so the next run takes them over under the same numbers,
   and ``stopped.IssueStopped`` says exactly what was issued and what was not.

A claim left by a run that died (killed, crashed) is taken over by the next run for the same
placement, which writes the file under the same number and finishes the entry. PDFs are made
afterwards in batches; their SHA-256 is added to the entry. With ``pdf=True`` a run also makes the
PDFs an earlier run did not (LibreOffice hung, missing, or the run was killed), for certificates
whose Word file is in ``out_dir``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .. import leftovers, resources
from ..core import schema
from ..core.certificate_plan import LANG_EN, Candidate, Ineligible, plan
from ..core.errors import AmanstError
from ..core.model import Register
from . import credential as vc
from . import evidence, journal
from . import pdf as pdf_mod
from .english import packaged
from .files import (
    FileExists,
    publish,
    remove_quietly,
    set_aside,
    settle_set_aside,
    sha256_file,
    sync_to_disk,
    target_in,
    write_new,
)
from .images import load_logo
from .parallel_render import Job, Renderers
from .qr import require_address, verification_url
from .render import CompiledTemplate
from .seal import SealConfig, Sealer, SealError
from .stopped import IssueStopped, StopReport, describe_cause
from .store import CertificateStore, Claim, ClaimRequest, RegisterError, new_code

TEMPLATE_FILES = {"sv": "kompetensintyg.docx", LANG_EN: "kompetensintyg-en.docx"}
FINALIZE_EVERY = 100  # certificates per register transaction while writing files
SPACE_MARGIN = 2  # a folder needs this many times the estimated size of the files free

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
    resumed: bool = False  # finished for a run that died (same number, new code)


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


def prefix_of(register: Register, allowed: Collection[str] | None = None) -> str:
    """The workbook's Intygsprefix, checked; with ``allowed`` (the installation's prefixes, the
    setting ``certificate_prefixes``) it must be one of them."""
    prefix = register.settings.get(schema.S_PREFIX).strip().upper()
    row = register.settings.rows.get(schema.S_PREFIX)
    where = f" (bladet {schema.INSTALLNINGAR}, rad {row})" if row else \
        f" (bladet {schema.INSTALLNINGAR})"
    if not prefix:
        raise AmanstError(f"Intygsprefix saknas{where}. Ange förvaltningens prefix, till "
                          "exempel ASF, innan intyg utfärdas.")
    if allowed is not None and not allowed:
        raise AmanstError("Installationens intygsprefix är inte inställda, så inga intyg kan "
                          "utfärdas. Be IT ange dem med inställningen certificate_prefixes "
                          "(miljövariabeln AMANST_INTYGSPREFIX), till exempel ASF.")
    if allowed is not None and prefix not in allowed:
        raise AmanstError(f"Arbetsbokens intygsprefix {prefix}{where} hör inte till den här "
                          f"installationen, som utfärdar under {', '.join(sorted(allowed))} "
                          "(inställningen AMANST_INTYGSPREFIX). Rätta prefixet i arbetsboken, "
                          "eller be IT lägga till det om förvaltningen hör hit. Inget har "
                          "utfärdats.")
    return prefix


def load_templates(languages: set[str], folder: Path | None = None, logo: str = ""
                   ) -> dict[str, CompiledTemplate]:
    """The compiled templates: from ``folder`` (the setting ``templates_dir``) or the bundled
    ones. ``logo`` names a file in that folder (Inställningar's Logotyp) that replaces the
    template's own logo."""
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
                       credential_key: vc.SigningKey | None = None,
                       journal_dir: Path | None = None,
                       prefixes: Collection[str] | None = None) -> IssueResult:
    """Issue a certificate for every eligible placement of ``register`` into ``out_dir``.

    ``store`` is the open register. With ``reissue`` (a PlatsID) only that placement is issued,
    with a new number, and its valid certificate becomes Ersatt. ``templates_dir``, ``soffice``
    and ``journal_dir`` (the state folder, where the register's journal is) are the
    installation's settings, and so are ``prefixes``: the Intygsprefix it may issue under
    (None: not checked). ``progress`` is called with the number of files just finished.
    Raises ``IssueStopped`` when the run stops after it began issuing.

    ``verification_address`` (default: the workbook's Verifieringsadress) is where each
    certificate's QR code leads; with ``production`` an empty or example address is refused
    before anything is issued. With a configured ``seal`` every PDF is sealed before it is
    published; a seal that cannot be loaded stops the run before any number is claimed. With a
    ``credential_key`` each certificate also gets ``NUMMER.json`` (its Open Badges 3.0
    credential) and ``NUMMER.jwt`` (the same, signed), both registered with their SHA-256.
    """
    now = now or datetime.now()
    prefix_of(register, prefixes)
    job = _Job(register, Path(out_dir), issuer.strip() or "okänd", store, now,
               today or now.date(), progress, journal_dir)
    job.prepare(want_pdf=pdf, verification_address=verification_address,
                production=production, seal=seal, credential_key=credential_key)
    return job.run(pdf, reissue, templates_dir, soffice, pdf_workers)


def tidy_folder(folder: Path, store: CertificateStore) -> None:
    """Remove what crashed runs left in ``folder`` and settle the files set aside there."""
    leftovers.sweep(folder)

    def registered(number: str) -> dict[str, tuple[str, str]] | None:
        entry = store.get(number)
        return entry.files if entry is not None and entry.status == schema.CERT_GILTIGT else None

    settle_set_aside(folder, registered)


def remove_void_files(folder: Path, numbers: Sequence[str]) -> None:
    """Files under voided numbers are no certificates: remove them (their names are the number)."""
    for number in numbers:
        for path in folder.glob(f"{number}.*"):
            remove_quietly(path)


def _request(c: Candidate, today: date) -> ClaimRequest:
    p = c.placement
    return ClaimRequest(
        c.plats_id, c.deltagar_id, c.language, c.replaces,
        holder_name=f"{c.participant.fornamn} {c.participant.efternamn}".strip(),
        issued_on=today.isoformat(),
        period_from=p.startdatum.isoformat() if p.startdatum else "",
        period_to=p.slutdatum.isoformat() if p.slutdatum else "",
        organisation=c.settings.get(schema.S_ORGANISATION, ""),
        forvaltning=c.settings.get(schema.S_FORVALTNING, ""))


def check_folder(folder: Path, need_bytes: int) -> None:
    """Refuse, before any number is taken, a folder that can't be made or written, or that has
    no room for the files."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=leftovers.prefix("tmp"), dir=folder)
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        raise AmanstError(f"Intygen kan inte skrivas till mappen {folder} ({exc.strerror}). "
                          "Inget har utfärdats. Kontrollera att mappen finns och att du har "
                          "skrivrätt.") from None
    free = shutil.disk_usage(folder).free
    if free < need_bytes * SPACE_MARGIN:
        raise AmanstError(f"Det finns inte plats för intygen i mappen {folder}: de behöver ungefär "
                          f"{_mb(need_bytes * SPACE_MARGIN)} men bara {_mb(free)} är ledigt. "
                          "Inget har utfärdats. Frigör utrymme och försök igen.")


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB".replace(".", ",")


class _Job:
    """One run of issuing: what it claimed, wrote and made valid, and how it stops if it must."""

    def __init__(self, register: Register, out_dir: Path, issuer: str, store: CertificateStore,
                 now: datetime, today: date, progress: Progress | None,
                 journal_dir: Path | None = None):
        self.register, self.out_dir, self.issuer, self.store = register, out_dir, issuer, store
        self.now, self.today, self.progress = now, today, progress
        self.journal_dir = journal_dir
        self.prefix = prefix_of(register)
        self.claims: list[Claim] = []
        self.written: list[str] = []  # numbers whose files were written, in order
        self.pending: list[tuple[str, str, dict[str, tuple[str, str]]]] = []  # not yet valid
        self.in_flight: list[tuple[str, str, dict[str, tuple[str, str]]]] = []  # being made so
        self.registered: list[str] = []
        self.current: Claim | None = None  # the claim whose file is being written
        self.address = ""
        self.sealer: Sealer | None = None
        self.service: vc.Service | None = None
        self.credential_key: vc.SigningKey | None = None

    def prepare(self, want_pdf: bool, verification_address: str | None, production: bool,
                seal: SealConfig | None, credential_key: vc.SigningKey | None) -> None:
        """The verification address, the seal and the credential key: each refused here, before
        any number is claimed."""
        settings = self.register.settings
        self.address = require_address(settings.get(schema.S_VERIFIERINGSADRESS)
                                       if verification_address is None
                                       else verification_address, production)
        if want_pdf and seal is not None and seal.configured:
            self.sealer = Sealer(seal, location=settings.get(schema.S_ORT))
        if credential_key is not None:
            self.service = vc.Service(self.address)
            self.service.origin  # noqa: B018 - refuses a missing address before any claim
            self.credential_key = credential_key

    def run(self, want_pdf: bool, reissue: str | None, templates_dir: Path | None,
            soffice: str, pdf_workers: int) -> IssueResult:
        store, out_dir = self.store, self.out_dir
        if out_dir.is_dir():
            tidy_folder(out_dir, store)
        store.check_kind(self.prefix)
        register_id = store.register_id() if self.journal_dir is not None else ""
        seen = evidence.combined(evidence.seen_on_sheet(self.register),
                                 evidence.seen_in_folder(out_dir),
                                 journal.seen(self.journal_dir, register_id))
        store.check_beyond(seen)
        only = [reissue.strip()] if reissue else None
        p = plan(self.register, self.today, certified=store.live_numbers(self.prefix, self.now),
                 only=only, reissue=bool(reissue), english_fallback=packaged())
        result = IssueResult(already=list(p.already), ineligible=list(p.ineligible),
                             pdf_requested=want_pdf, out_dir=out_dir)
        templates: dict[str, CompiledTemplate] = {}
        renderers = None
        if p.candidates:
            templates = load_templates({c.language for c in p.candidates}, templates_dir,
                                       self.register.settings.get(schema.S_LOGOTYP))
            # a large run's workers start now, to load while the numbers are claimed
            renderers = Renderers(templates, len(p.candidates))
        try:
            if p.candidates:
                check_folder(out_dir, self._trial_render(templates, p.candidates))
            claimed = store.claim(self.prefix, self.today.year,
                                  [_request(c, self.today) for c in p.candidates], self.issuer,
                                  self.register.source, self.now, seen)
            journal.record(self.journal_dir, register_id, [c.number for c in claimed.claims],
                           out_dir)
            remove_void_files(out_dir, claimed.voided)
            result.already += [t for t in claimed.taken if t[1]]
            self.claims = claimed.claims
            if self.claims and renderers is not None:
                self._write_all(result, {c.plats_id: c for c in p.candidates}, renderers)
                self._record_issuer()
        finally:
            if renderers is not None:
                renderers.close()
        if want_pdf:
            try:
                _make_pdfs(result, store, out_dir, self.progress, pdf_workers, soffice,
                           self.sealer)
            except (KeyboardInterrupt, OSError, RegisterError) as exc:
                cause, advice = describe_cause(exc, out_dir)
                report = StopReport(cause, advice, out_dir, pdf_unfinished=True,
                                    registered=[c.number for c in result.issued])
                raise IssueStopped(report, isinstance(exc, KeyboardInterrupt)) from None
        return result

    def _record_issuer(self) -> None:
        """The issuer profile the credentials name, kept in the register for the server to
        publish at their issuer id (``GET /intyg/utfardare.json``): in the workbook's own
        (Swedish) words, as the register records the certificates."""
        if self.service is None or self.credential_key is None:
            return
        s = self.register.settings
        profile = vc.issuer_profile({"utfardare": {
            "organisation": s.get(schema.S_ORGANISATION),
            "forvaltning": s.get(schema.S_FORVALTNING),
            "kontakt": s.get(schema.S_KONTAKT)}}, self.service)
        text = json.dumps(profile, ensure_ascii=False, sort_keys=True)
        with contextlib.suppress(RegisterError):  # the certificates stand without it
            if self.store.info().get(vc.PROFILE_INFO) != text:
                self.store.set_info({vc.PROFILE_INFO: text})

    def _trial_render(self, templates: dict[str, CompiledTemplate],
                      candidates: list[Candidate]) -> int:
        """Render one certificate per template before any number is taken: a template the
        sandbox refuses, or that names a value that does not exist, stops here and issues
        nothing. Returns the estimated size of all the files."""
        sizes = {}
        for lang, template in templates.items():
            sample = next(c for c in candidates if c.language == lang)
            sizes[lang] = len(template.render(sample.context(
                f"{self.prefix}-{self.today.year}-00000", new_code(), self.today, self.address)))
        return sum(sizes[c.language] for c in candidates)

    def _write_all(self, result: IssueResult, by_place: dict[str, Candidate],
                   renderers: Renderers) -> None:
        try:
            planned = []
            for claim in self.claims:
                candidate = by_place[claim.request.plats_id]
                planned.append((claim, candidate, candidate.context(
                    claim.number, claim.code, self.today, self.address)))
            rendered = renderers.render_all([
                Job(candidate.language, context,
                    verification_url(self.address, claim.number, claim.code))
                for claim, candidate, context in planned])
            for claim, candidate, context in planned:
                data = next(rendered)
                self.current = claim
                fingerprint = renderers.templates[candidate.language].fingerprint
                cert, files = self._write_one(claim, candidate, context, data)
                self.written.append(claim.number)
                self.current = None
                self.pending.append((claim.number, fingerprint, files))
                result.issued.append(cert)
                if self.progress:
                    self.progress(1)
                if len(self.pending) >= FINALIZE_EVERY:
                    self._finalize()
            self._finalize()
        except BaseException as exc:  # noqa: BLE001 - every stop is cleaned up and told
            self._stop(exc, result)  # (the workers are stopped by run, whatever happens here)

    def _write_one(self, claim: Claim, candidate: Candidate, context: dict, data: bytes
                   ) -> tuple[IssuedCertificate, dict[str, tuple[str, str]]]:
        """The certificate's Word file (rendered with its QR code) and, with a key, its
        credential."""
        name = f"{claim.number}.docx"
        files: dict[str, tuple[str, str]] = {}
        try:
            path = write_new(self.out_dir, name, data, replace=claim.resumed, sync=False)
            files["docx"] = (name, hashlib.sha256(data).hexdigest())
            cert = IssuedCertificate(claim.number, candidate.plats_id, candidate.deltagar_id,
                                     candidate.language, path, files["docx"][1], self.now,
                                     self.issuer, candidate.replaces, resumed=claim.resumed,
                                     code=claim.code)
            if self.service is not None and self.credential_key is not None:
                files.update(_write_credential(cert, candidate, context, self.service,
                                               self.credential_key, self.out_dir,
                                               claim.resumed))
        except BaseException:
            for written, _ in files.values():  # half a certificate is none: its files go
                remove_quietly(self.out_dir / written)
            raise
        return cert, files

    def _finalize(self) -> None:
        # a valid entry's files are on disk; if flushing fails they stay pending (and are removed)
        sync_to_disk(self.out_dir, [self.out_dir / name for _, _, files in self.pending
                                    for name, _ in files.values()])
        self.in_flight, self.pending = self.pending, []
        self.store.finalize(self.in_flight, self.now)
        self.registered += [n for n, _, _ in self.in_flight]
        self.in_flight = []

    def _stop(self, exc: BaseException, result: IssueResult) -> None:
        """Clean up after ``exc`` stopped the run, then raise what tells the user."""
        cause, advice = describe_cause(exc, self.out_dir)
        report = StopReport(cause, advice, self.out_dir)
        if self.pending and not self.in_flight and not isinstance(exc, RegisterError):
            # the files already written are good: make them valid if the register answers
            with contextlib.suppress(RegisterError, KeyboardInterrupt, OSError):
                self._finalize()
        self._settle_files(report)
        in_doubt = {n for n, _, _ in self.in_flight}
        unused = [c.number for c in self.claims
                  if c.number not in self.registered and c.number not in in_doubt]
        collided = self.current.number if self.current is not None else ""
        if isinstance(exc, FileExists) and collided:
            report.voided.append(collided)  # a file of another origin has the number
            unused.remove(collided)
            _quietly(lambda: self.store.abandon([collided], self.now))
        if _quietly(lambda: self.store.release(unused, self.now)):
            report.kept = unused
        report.registered = list(self.registered)
        report.not_issued = len(unused) + len(report.voided)
        result.issued = [c for c in result.issued if c.number in set(self.registered)]
        if isinstance(exc, (AmanstError, OSError, KeyboardInterrupt)):
            raise IssueStopped(report, isinstance(exc, KeyboardInterrupt)) from None
        exc.add_note(report.message().replace("Utfärdandet avbröts. Ett oväntat fel "
                                              "inträffade. ", ""))
        raise exc

    def _settle_files(self, report: StopReport) -> None:
        """Files whose validity is unknown are set aside; files never made valid are removed."""
        for number, _, files in self.in_flight:  # the register was lost while making them valid
            moved = [set_aside(self.out_dir / name) for name, _ in files.values()]
            (report.uncertain if all(moved) else report.uncertain_left).append(number)
        for _, _, files in self.pending:
            for name, _ in files.values():
                if not remove_quietly(self.out_dir / name):
                    report.files_left.append(name)


def _write_credential(cert: IssuedCertificate, candidate: Candidate, context: dict,
                      service: vc.Service, key: vc.SigningKey, out_dir: Path, replace: bool
                      ) -> dict[str, tuple[str, str]]:
    """``NUMMER.json`` and ``NUMMER.jwt`` beside the Word file; their register entries (flushed
    to disk with the batch, before the entries are made valid)."""
    credential = vc.build_credential(candidate, context, cert.number, cert.issued_at, service)
    made = {}
    for kind, data in (("json", vc.dumps(credential)),
                       ("jwt", vc.sign(credential, key, service).encode("ascii"))):
        name = f"{cert.number}.{kind}"
        path = write_new(out_dir, name, data, replace=replace, sync=False)
        made[kind] = (name, hashlib.sha256(data).hexdigest())
        if kind == "json":
            cert.credential = path
        else:
            cert.credential_jwt = path
    return made


def _quietly(action: Callable[[], object]) -> bool:
    """Run a clean-up step; False when the register could not be reached for it."""
    try:
        action()
    except RegisterError:
        return False
    return True


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
    work = Path(tempfile.mkdtemp(prefix=leftovers.prefix("pdf"), dir=out_dir))
    published: list[Path] = []
    try:
        conversion = pdf_mod.convert(list(by_docx), work, workers=workers, progress=progress,
                                     soffice=found)
        files, unsealed = _publish_pdfs(result, conversion, by_docx, out_dir, sealer, published)
        store.add_files(files)
        published = []
        _tell_missing(result, by_docx, conversion, unsealed)
    finally:
        # a PDF the register doesn't know would never be made again (the next run makes only the
        # missing ones) and could not be verified: it goes
        for path in published:
            remove_quietly(path)
        shutil.rmtree(work, ignore_errors=True)


def _publish_pdfs(result: IssueResult, conversion: pdf_mod.Conversion, by_docx: dict[Path, str],
                  out_dir: Path, sealer: Sealer | None, published: list[Path]
                  ) -> tuple[list[tuple[str, str, str, str]], list[Path]]:
    """Seal (when configured) and publish each PDF made; (register rows, docx left unsealed)."""
    certs = {c.number: c for c in result.issued}
    files, unsealed = [], []
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
        published.append(target)
        sha = sha256_file(target)
        if number in certs:
            certs[number].pdf, certs[number].pdf_sha256 = target, sha
        else:
            result.pdf_completed.append(number)
        files.append((number, "pdf", target.name, sha))
    result.seal_error = result.seal_error.replace("{n}", str(len(unsealed)))
    return files, unsealed


def _tell_missing(result: IssueResult, by_docx: dict[Path, str],
                  conversion: pdf_mod.Conversion, unsealed: list[Path]) -> None:
    result.pdf_missing = sorted(by_docx[m] for m in [*conversion.missing, *unsealed])
    result.pdf_completed.sort()
    if conversion.timed_out:
        result.pdf_timeout = (
            "LibreOffice svarade inte inom väntetiden och stoppades, så "
            f"{len(result.pdf_missing)} PDF-filer skapades inte. Word-filerna är utfärdade "
            "och registrerade och ligger kvar. Kör samma kommando med --pdf igen när "
            "LibreOffice fungerar: då skapas bara de PDF-filer som saknas.")
