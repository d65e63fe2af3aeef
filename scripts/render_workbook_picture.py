"""Render the checked example workbook's Platser sheet to a PNG for the README.

Usage: ``python scripts/render_workbook_picture.py docs/img/exempel-platser.png``. Needs
LibreOffice (soffice) and poppler-utils (pdftoppm). The picture shows the marks Kontrollera adds.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import openpyxl.styles

from addin import operations, resources
from addin.core import schema


def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        checked = folder / "kontrollerad.xlsx"
        operations.validate_workbook(resources.workbooks_dir() / operations.EXAMPLE_NAME, out=checked)
        wb = openpyxl.load_workbook(checked)
        for name in wb.sheetnames:
            if name != schema.PLATSER:
                del wb[name]
        ws = wb[schema.PLATSER]
        for column in ("C", "G", "I", "M", "P"):  # narrower picture: the marks are what matters
            ws.column_dimensions[column].hidden = True
        for cell in ws[1]:
            cell.font = openpyxl.styles.Font(bold=True, color="FFFFFF")
            cell.fill = openpyxl.styles.PatternFill("solid", fgColor="1F4E79")
        ws.print_area = "A1:O30"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True
        picture = folder / "platser.xlsx"
        wb.save(picture)
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                        "--convert-to", "pdf", "--outdir", str(folder), str(picture)],
                       check=True, capture_output=True, timeout=180)
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
                        str(folder / "platser.pdf"), str(folder / "platser")], check=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / "platser.png", target)
    print(f"Skrev {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img/exempel-platser.png"))
