"""The bundled workbooks read and print (issue 13): Instruktioner rendered by LibreOffice has no
overlapping text and nothing cut off, one font family everywhere, and every sheet prints on A4 one
page wide with its header row repeated, so the checked example prints in a sensible number of pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from addin.cli import main as cli
from addin.core import schema
from addin.xlsx import template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "workbooks" / "arbetsmarknadsanstallningar.xlsx"
EXAMPLE = ROOT / "workbooks" / "exempel.xlsx"
TABLE_SHEETS = [s.name for s in schema.DATA_SHEETS + schema.CATALOG_SHEETS]
XHTML = "{http://www.w3.org/1999/xhtml}"


# --- what the files say (fast) -----------------------------------------------------------------

@pytest.mark.parametrize("path", [TEMPLATE, EXAMPLE], ids=["mallen", "exemplet"])
def test_every_font_is_calibri(path: Path):
    styles = ElementTree.fromstring(zipfile.ZipFile(path).read("xl/styles.xml"))
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    names = [f.find(f"{main}name") for f in styles.iter(f"{main}font")]
    assert names and all(n is not None and n.get("val") == "Calibri" for n in names)


@pytest.mark.parametrize("path", [TEMPLATE, EXAMPLE], ids=["mallen", "exemplet"])
def test_every_sheet_prints_on_a4_one_page_wide(path: Path):
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [schema.INSTRUKTIONER, *TABLE_SHEETS]
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (9, 1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert "&A" in ws.oddFooter.left.text and "&P" in ws.oddFooter.right.text
        # Platser has 17 columns; Nivåer its descriptions in Swedish and English side by side
        wide = ws.title in (schema.PLATSER, schema.NIVAER)
        assert setup.orientation == ("landscape" if wide else "portrait"), ws.title
        if ws.title == schema.INSTRUKTIONER:
            assert ws.print_area == f"'{ws.title}'!$A$1:$A${len(template.INSTRUCTIONS)}"
        else:  # a growing table: its header row on every page, and all its rows printed
            assert ws.print_title_rows == "$1:$1" and not ws.print_area


def test_instruction_rows_are_as_high_as_their_wrapped_text():
    wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb[schema.INSTRUKTIONER]
    for row, (line, _) in enumerate(template.INSTRUCTIONS, start=1):
        assert ws.cell(row=row, column=1).value == line
        assert ws.cell(row=row, column=1).alignment.wrap_text
        lines = -(-len(line) // template.INSTRUCTIONS_WIDTH)  # at least this many at ~1 char/width
        assert ws.row_dimensions[row].height >= lines * 15, line[:40]


# --- as LibreOffice prints them (slow) ---------------------------------------------------------

def _pdf(path: Path, tmp_path: Path) -> Path:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) must be installed for this test"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=300)
    return tmp_path / (path.stem + ".pdf")


def _pages(pdf: Path) -> list[list[tuple[str, tuple[float, float, float, float]]]]:
    """Each page's lines of text with their boxes (poppler's pdftotext -bbox-layout)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    root = ElementTree.fromstring(xml)
    pages = []
    for page in root.iter(f"{XHTML}page"):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            words = " ".join(w.text or "" for w in line.iter(f"{XHTML}word"))
            box = tuple(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            lines.append((words, box))
        pages.append(lines)
    return pages


def _sheet_of(page: list) -> str:
    """The sheet a page belongs to, from its footer (the sheet's name, bottom left)."""
    footer = max(page, key=lambda item: item[1][1])
    return footer[0].split(" Sida ")[0].strip()


def _core(box: tuple) -> tuple:
    """A line's box without the font's ascent and descent room (a fifth of it at each end), which
    neighbouring lines of one paragraph share; what is left is where the letters are."""
    x0, y0, x1, y1 = box
    margin = (y1 - y0) / 5
    return x0, y0 + margin, x1, y1 - margin


def _overlap(a: tuple, b: tuple) -> bool:
    a, b = _core(a), _core(b)
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.slow
def test_instruktioner_rendered_by_libreoffice_has_no_overlapping_or_missing_text(tmp_path):
    pages = [p for p in _pages(_pdf(TEMPLATE, tmp_path)) if _sheet_of(p) == schema.INSTRUKTIONER]
    assert 1 <= len(pages) <= 2
    for page in pages:
        for i, (text_a, a) in enumerate(page):
            for text_b, b in page[i + 1:]:
                assert not _overlap(a, b), f"'{text_a}' och '{text_b}' överlappar"
    # every paragraph whole and in order (compared without spaces: a line may break after a dash)
    printed = re.sub(r"\s+", "", "".join(text for page in pages for text, _ in page))
    at = 0
    for line, _ in template.INSTRUCTIONS:
        found = printed.find(re.sub(r"\s+", "", line), at)
        assert found >= 0, f"saknas eller i fel ordning: {line[:50]}"
        at = found


def _checked_example(tmp_path: Path) -> Path:
    checked = tmp_path / "kontrollerad.xlsx"
    assert cli.main(["validate", str(EXAMPLE), "--out", str(checked), "--today",
                     "2026-11-27"]) == 1
    assert cli.main(["tally", str(checked), "--out", str(checked), "--today", "2026-11-27"]) == 0
    return checked


@pytest.mark.slow
def test_the_checked_example_prints_in_a_sensible_number_of_pages(tmp_path, capsys):
    checked = _checked_example(tmp_path)
    rows = sum(ws.max_row for ws in openpyxl.load_workbook(checked, read_only=True).worksheets)
    pdf = _pdf(checked, tmp_path)
    pages = _pages(pdf)
    # one page wide: at least 60 rows a page on average beyond a page per sheet (373 pages before)
    assert len(pages) <= len(TABLE_SHEETS) + 4 + rows / 60, (len(pages), rows)
    for page in pages:  # every page of a table sheet starts with the sheet's header row
        sheet = _sheet_of(page)
        if sheet in TABLE_SHEETS:
            top = min(page, key=lambda item: item[1][1])[0]
            assert top.startswith(schema.SPEC_BY_NAME[sheet].headers[0]), (sheet, top)
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    families = {re.sub(r"^[A-Z]{6}\+", "", f.split()[0]).split("-")[0] for f in fonts}
    assert families == {"Carlito"}, families
