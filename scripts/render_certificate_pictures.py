"""Render the README's pictures of a Swedish and an English kompetensintyg.

``python scripts/render_certificate_pictures.py`` issues the example workbook's first Swedish and
first English certificate into a temporary folder (its own register, a fixed date), converts them
to PDF with LibreOffice and writes page 1 and the last page of each, side by side, to
``docs/img/kompetensintyg-sv.png`` and ``docs/img/kompetensintyg-en.png`` (pdftoppm).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from addin.certificates import issuing  # noqa: E402
from addin.core.certificate_plan import plan  # noqa: E402
from addin.certificates.store import SqliteStore  # noqa: E402
from addin.operations import read_register  # noqa: E402
from addin.resources import workbooks_dir  # noqa: E402

DAY = date(2026, 11, 27)
DPI = 60
GAP = 16


def _pages(pdf: Path, work: Path) -> list[Path]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(next(x.split()[-1] for x in info.stdout.splitlines() if x.startswith("Pages:")))
    out = []
    for page in (1, count):
        prefix = work / f"{pdf.stem}-{page}"
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", "-f", str(page),
                        "-l", str(page), str(pdf), str(prefix)], check=True)
        out.append(prefix.with_suffix(".png"))
    return out


def main() -> int:
    register = read_register(workbooks_dir() / "exempel.xlsx", DAY)
    candidates = plan(register, DAY).candidates
    keep = {next(c.plats_id for c in candidates if c.language == lang) for lang in ("sv", "en")}
    register.placements = [p for p in register.placements if p.plats_id in keep]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with SqliteStore(work / "register.sqlite3") as store:
            result = issuing.issue_certificates(register, work / "intyg", "exempel", store,
                                                pdf=True, today=DAY, now=datetime(2026, 11, 27, 10))
        for cert in result.issued:
            if cert.pdf is None:
                print("LibreOffice saknas: inga bilder skapades.")
                return 1
            images = [Image.open(p).convert("RGB") for p in _pages(cert.pdf, work)]
            width = sum(i.width for i in images) + GAP * (len(images) + 1)
            height = max(i.height for i in images) + 2 * GAP
            sheet = Image.new("RGB", (width, height), (208, 212, 218))
            x = GAP
            for image in images:
                sheet.paste(image, (x, GAP))
                x += image.width + GAP
            target = ROOT / "docs" / "img" / f"kompetensintyg-{cert.language}.png"
            sheet.save(target, optimize=True)
            print(f"Skrev {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
