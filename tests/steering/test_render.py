"""Both documents open in LibreOffice and come out as PDF pages (what a reader will see)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime

from addin.steering import report, service

NOW = datetime(2026, 11, 27, 9, 0)


def test_libreoffice_renders_the_summary_and_the_report(example_register, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is needed for this test"
    package = service.prepare([example_register], now=NOW)
    xlsx = service.write_workbook(package, tmp_path / package.file_name)
    docx = service.write_report(package.summary, tmp_path / report.file_name(package.summary))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx), str(docx)],
                   check=True, capture_output=True, timeout=180)
    for source in (xlsx, docx):
        pdf = source.with_suffix(".pdf")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
        assert pdf.stat().st_size > 10_000  # pages with tables and a chart, not an empty shell
