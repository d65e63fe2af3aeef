"""Render the README's pictures of what the example produces: the steering group's overview and the
report section's first page. The certificates' pictures come from
scripts/render_certificate_pictures.py.

Usage: ``python scripts/render_steering_pictures.py [docs/img]``. Needs LibreOffice (soffice) and
poppler-utils (pdftoppm). Certificates are issued into a throw-away register first (Word only), so
the pictures show the same figures ``amanst demo`` does.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from addin import operations, resources
from addin.certificates import workflow
from addin.steering import report, service

TODAY = date(2026, 11, 27)


def _png(source: Path, folder: Path, target: Path, resolution: int = 110) -> None:
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=300)
    stem = folder / source.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1",
                    "-singlefile", str(stem.with_suffix(".pdf")), str(stem)], check=True)
    shutil.copy(stem.with_suffix(".png"), target)
    print(f"Skrev {target}")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = folder / "exempel.xlsx"
        shutil.copy(resources.workbooks_dir() / operations.EXAMPLE_NAME, book)
        register = folder / "intygsregister.sqlite3"
        workflow.issue_workbook(book, folder / "intyg", register=register, pdf=False,
                                issuer="Demo", today=TODAY, backup=False)
        package = service.prepare([operations.read_register(book, TODAY)], today=TODAY,
                                  certificates=operations.certificate_facts(register))
        summary = service.write_workbook(package, folder / package.file_name)
        section = service.write_report(package.summary, folder / report.file_name(package.summary))
        _png(summary, folder, out / "styrgrupp.png")
        _png(section, folder, out / "rapport.png", resolution=80)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))
