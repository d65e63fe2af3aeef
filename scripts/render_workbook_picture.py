"""Render the README's pictures of the workbooks: the checked example's Platser sheet and the first
page of Instruktioner, as LibreOffice prints them.

Usage: ``python scripts/render_workbook_picture.py docs/img``. Needs LibreOffice (soffice) and
poppler-utils (pdftoppm). The first picture shows the marks Kontrollera adds.
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
from addin.core import presentation, schema


def _to_png(workbook: Path, folder: Path, target: Path, resolution: int) -> None:
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to", "pdf", "--outdir", str(folder), str(workbook)],
                   check=True, capture_output=True, timeout=180)
    pdf = folder / (workbook.stem + ".pdf")
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(folder / workbook.stem)], check=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(folder / (workbook.stem + ".png"), target)
    print(f"Skrev {target}")


def instructions(target: Path) -> None:
    """The template's Instruktioner sheet, first page, as it prints."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wb = openpyxl.load_workbook(resources.workbooks_dir() / operations.TEMPLATE_NAME)
        for name in wb.sheetnames:
            if name != schema.INSTRUKTIONER:
                del wb[name]
        picture = folder / "instruktioner.xlsx"
        wb.save(picture)
        _to_png(picture, folder, target, 80)


def platser(target: Path) -> None:
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
            cell.font = openpyxl.styles.Font(name=presentation.FONT_NAME, bold=True,
                                             color="FFFFFF")
            cell.fill = openpyxl.styles.PatternFill("solid", fgColor="1F4E79")
        ws.print_area = "A1:O30"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True
        ws.oddFooter.left.text = ws.oddFooter.right.text = ""
        picture = folder / "platser.xlsx"
        wb.save(picture)
        _to_png(picture, folder, target, 110)


if __name__ == "__main__":
    images = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    platser(images / "exempel-platser.png")
    instructions(images / "instruktioner.png")
