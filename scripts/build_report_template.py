"""Builds templates/namndrapport.docx, the docxtpl template of the report section for the nämnd.

Run it after changing the layout:  python scripts/build_report_template.py
The .docx is committed so a secretary can restyle it in Word (keep the {{ }} and {%tr %} tags);
this script is how it was made. Placeholders are filled by addin/steering/report.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parents[1] / "templates" / "namndrapport.docx"
BLUE = RGBColor(0x1F, 0x4E, 0x79)


def _shade(cell, colour: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    props.append(shading)


def _table(doc, headers: list[str], loop: str, cells: list[str], widths: list[float],
           text_columns: int = 1) -> None:
    """A header row, then docxtpl's row loop: {%tr for %} / the cells / {%tr endfor %}."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, "1F4E79")
        if i >= text_columns:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on a new page
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for cell in table.rows[0].cells:  # and never stands alone at the foot of a page
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    table.rows[1].cells[0].text = "{%tr for r in " + loop + " %}"
    for i, text in enumerate(cells):
        paragraph = table.rows[2].cells[i].paragraphs[0]
        run = paragraph.add_run(text)
        run.font.size = Pt(9)
        if i >= text_columns:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.rows[3].cells[0].text = "{%tr endfor %}"
    table.autofit = False
    grid = table._tbl.tblGrid  # LibreOffice reads the widths from the grid, Word from the cells
    for col, width in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for i, width in enumerate(widths):
            row.cells[i].width = Cm(width)


def _para(doc, text: str, size: float = 10.5, italic: bool = False, style: str | None = None):
    p = doc.add_paragraph(style=style)
    p.paragraph_format.keep_with_next = not italic  # an introduction stays with its table
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.italic = italic
    return p


def build(path: Path = OUT) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    for name in ("Heading 1", "Heading 2"):
        doc.styles[name].font.name = "Calibri"
        doc.styles[name].font.color.rgb = BLUE
    doc.styles["Heading 1"].font.size = Pt(16)
    doc.styles["Heading 2"].font.size = Pt(12.5)

    doc.add_heading("Arbetsmarknadsanställningar {{ period }}", level=1)
    _para(doc, "{{ status }}", italic=True)
    _para(doc, "{{ inledning }}")

    doc.add_heading("Levererade platser per förvaltning", level=2)
    _para(doc, "{{ platser_text }}")
    _table(doc, ["Förvaltning", "Mål", "Platser", "Påbörjade", "Pågående vid periodens slut",
                 "Avslutade eller avbrutna"],
           "platser", ["{{ r.namn }}", "{{ r.mal }}", "{{ r.platser }}", "{{ r.paborjade }}",
                       "{{ r.pagaende }}", "{{ r.ended }}"], [6.0, 1.6, 1.9, 2.1, 2.6, 2.4])
    p = doc.add_paragraph()  # the chart in a paragraph of its own, clear of the table's border
    p.paragraph_format.space_before = Pt(10)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("{{ diagram }}")

    doc.add_heading("Utfall efter avslutad anställning", level=2)
    _para(doc, "{{ utfall_text }}")
    _table(doc, ["Förvaltning", "Avslutade eller avbrutna", "Avslutade", "Avbrutna",
                 "Till arbete eller studier", "Andel"],
           "utfall", ["{{ r.namn }}", "{{ r.ended }}", "{{ r.avslutade }}", "{{ r.avbrutna }}",
                      "{{ r.till_arbete }}", "{{ r.andel }}"], [6.0, 2.4, 1.9, 1.9, 2.4, 1.6])
    _para(doc, "{{ utfall90_text }}")
    _table(doc, ["Förvaltning", "Avslutade eller avbrutna", "Med känt utfall efter 90 dagar",
                 "Till arbete eller studier", "Andel"],
           "utfall90", ["{{ r.namn }}", "{{ r.ended }}", "{{ r.kanda }}", "{{ r.till_arbete }}",
                        "{{ r.andel }}"], [6.6, 2.6, 3.0, 2.6, 1.6])

    doc.add_heading("Kompetensintyg", level=2)
    _para(doc, "{{ intyg_text }}")
    _table(doc, ["Förvaltning", "Avslutade", "Utfärdade intyg", "Andel med intyg"],
           "intyg", ["{{ r.namn }}", "{{ r.avslutade }}", "{{ r.intyg }}", "{{ r.andel }}"],
           [7.6, 2.6, 3.0, 3.0])

    doc.add_heading("Kvinnor och män", level=2)
    _para(doc, "{{ kon_text }}")
    _table(doc, ["Kön", "Platser", "Påbörjade", "Avslutade eller avbrutna",
                 "Till arbete eller studier", "Andel", "Utfärdade intyg", "Andel med intyg"],
           "kon", ["{{ r.namn }}", "{{ r.platser }}", "{{ r.paborjade }}", "{{ r.ended }}",
                   "{{ r.till_arbete }}", "{{ r.andel }}", "{{ r.intyg }}", "{{ r.andel_intyg }}"],
           [3.6, 1.8, 2.0, 2.4, 2.4, 1.5, 2.0, 1.9])

    doc.add_heading("Mervärde för individen och arbetsplatsen", level=2)
    _para(doc, "{{ mervarde_text }}")
    _table(doc, ["Perspektiv", "Mervärde", "Ja", "Delvis", "Nej", "Andel ja"],
           "mervarde", ["{{ r.perspektiv }}", "{{ r.mervarde }}", "{{ r.ja }}", "{{ r.delvis }}",
                        "{{ r.nej }}", "{{ r.andel }}"], [2.6, 7.0, 1.6, 1.6, 1.6, 2.0],
           text_columns=2)

    _para(doc, "{{ teckenforklaring }}", size=8.5, italic=True)
    _para(doc, "{{ kalla }}", size=8.5, italic=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
