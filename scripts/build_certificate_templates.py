"""Build the Word templates of the kompetensintyg: ``templates/kompetensintyg.docx`` (Swedish) and
``templates/kompetensintyg-en.docx`` (English).

Run ``python scripts/build_certificate_templates.py`` after changing the layout. The output is
byte-for-byte reproducible (fixed document properties and zip timestamps), so a diff of the .docx
in git means the layout changed. Administrators may also edit the templates in Word afterwards;
the placeholders they may use are listed in ``docs/kompetensintyg.md``.

The placeholders are docxtpl (Jinja) tags: ``{{ x }}`` prints a value, ``{%p ... %}`` is a
paragraph-level tag (the paragraph holding it disappears) and ``{%tr ... %}`` a table-row tag.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "templates"
LOGO = OUT_DIR / "logotyp.png"  # the neutral logo that ships; Logotyp in Inställningar replaces it
SLOT_LOGO, SLOT_QR = "amanst:logotyp", "amanst:qr"  # alt texts, see addin/certificates/images.py
QR_PLACEHOLDER = "amanst:qr"  # what the template's own QR says; each certificate gets its link

FONT = "Calibri"  # LibreOffice shows it with the metric-compatible Carlito: same line breaks
ACCENT = "0B4F8C"  # deep city blue for headings and rules
ACCENT_LIGHT = "E8F0F8"  # header rows of the tables
RULE = "B7C9DB"
GREY = "5F6B76"
FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)

TEXTS = {
    "sv": {
        "file": "kompetensintyg.docx",
        "doc_title": "Kompetensintyg",
        "title": "KOMPETENSINTYG",
        "subtitle": "Intyg om kompetenser från en arbetsmarknadsanställning",
        "born": "Född",
        "intro": ("har haft en arbetsmarknadsanställning hos {{ utfardare.organisation }}. "
                  "Under anställningen följde handledaren upp deltagarens kompetenser på "
                  "arbetsplatsen. Intyget visar vad deltagaren kunde vid slutbedömningen."),
        "employment": "Anställningen",
        "rows": [("Anställningsform", "{{ anstallning.form }}"),
                 ("Period", "{{ anstallning.period }}"),
                 ("Omfattning", "{{ anstallning.omfattning }}"),
                 ("Förvaltning", "{{ anstallning.forvaltning }}"),
                 ("Arbetsplats", "{{ anstallning.arbetsplats }}"),
                 ("Yrkesområde", "{{ anstallning.yrkesomrade }} (SSYK {{ anstallning.ssyk }}"
                                 "{% if anstallning.ssyk_benamning %}, {{ anstallning.ssyk_benamning }}"
                                 "{% endif %})"),
                 ("Huvudsakliga arbetsuppgifter", "{{ anstallning.arbetsuppgifter }}")],
        "competences": "Kompetenser",
        "competences_intro": ("Bedömda vid slutbedömningen {{ intyg.bedomningsdatum }}. Intyget "
                              "tar upp de kompetenser som nådde nivån "
                              "”{{ intyg.lagsta_niva }}” eller högre."),
        "col_competence": "Kompetens",
        "col_level": "Nivå",
        "col_meaning": "Vad nivån betyder",
        "none": "Inga kompetenser nådde den nivå som skrivs på intyget.",
        "signed": "{{ utfardare.ort }} den {{ intyg.datum }}",
        "contact": "{% if utfardare.kontakt %}Kontakt: {{ utfardare.kontakt }}{% endif %}",
        "verify_title": "Verifiera intyget",
        "verify_number": "Intygsnummer",
        "verify_code": "Verifieringskod",
        "verify_where": ("{% if intyg.verifieringslank %}Skanna QR-koden eller gå till "
                         "{{ utfardare.verifieringsadress }} och ange nummer och kod."
                         "{% else %}Kontrollera äktheten hos {{ utfardare.organisation }}."
                         "{% endif %} Ingen personuppgift behövs för kontrollen."),
        "footer": "Kompetensintyg {{ intyg.nummer }}",
        "page": "Sida",
        "of": "av",
    },
    "en": {
        "file": "kompetensintyg-en.docx",
        "doc_title": "Certificate of competence",
        "title": "CERTIFICATE OF COMPETENCE",
        "subtitle": "Skills gained in a subsidised employment (arbetsmarknadsanställning)",
        "born": "Born",
        "intro": ("has held a subsidised employment with {{ utfardare.organisation }}. During "
                  "the employment, the workplace supervisor followed up the participant's "
                  "competences at work. This certificate shows what the participant could do at "
                  "the final assessment."),
        "employment": "The employment",
        "rows": [("Form of employment", "{{ anstallning.form }}"),
                 ("Period", "{{ anstallning.period }}"),
                 ("Extent", "{{ anstallning.omfattning }}"),
                 ("Administration", "{{ anstallning.forvaltning }}"),
                 ("Workplace", "{{ anstallning.arbetsplats }}"),
                 ("Occupational area", "{{ anstallning.yrkesomrade }} (SSYK {{ anstallning.ssyk }}"
                                       "{% if anstallning.ssyk_benamning %}, "
                                       "{{ anstallning.ssyk_benamning }}{% endif %})"),
                 ("Main tasks{% if anstallning.arbetsuppgifter_pa_svenska %} (in Swedish, as "
                  "written by the workplace){% endif %}", "{{ anstallning.arbetsuppgifter }}")],
        "competences": "Competences",
        "competences_intro": ("Assessed at the final assessment on {{ intyg.bedomningsdatum }}. "
                              "The certificate lists the competences that reached the level "
                              "“{{ intyg.lagsta_niva }}” or higher."),
        "col_competence": "Competence",
        "col_level": "Level",
        "col_meaning": "What the level means",
        "none": "No competence reached the level printed on the certificate.",
        "signed": "{{ utfardare.ort }}, {{ intyg.datum }}",
        "contact": "{% if utfardare.kontakt %}Contact: {{ utfardare.kontakt }}{% endif %}",
        "verify_title": "Verify this certificate",
        "verify_number": "Certificate number",
        "verify_code": "Verification code",
        "verify_where": ("{% if intyg.verifieringslank %}Scan the QR code or go to "
                         "{{ utfardare.verifieringsadress }} and enter the number and code."
                         "{% else %}Check its authenticity with {{ utfardare.organisation }}."
                         "{% endif %} No personal data is needed to verify."),
        "footer": "Certificate {{ intyg.nummer }}",
        "page": "Page",
        "of": "of",
    },
}


# --- small XML helpers (python-docx has no API for borders and shading) -----------------------

def _set(parent, tag: str, **attrs: str):
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    return el


def shade(cell, fill: str) -> None:
    _set(cell._tc.get_or_add_tcPr(), "w:shd", val="clear", color="auto", fill=fill)


def cell_margins(table, top=60, bottom=60, left=100, right=100) -> None:
    tbl_pr = table._tbl.tblPr
    mar = _set(tbl_pr, "w:tblCellMar")
    for side, value in (("top", top), ("bottom", bottom), ("left", left), ("right", right)):
        _set(mar, f"w:{side}", w=str(value), type="dxa")


def borders(table, color: str = RULE, inside_v: bool = False, outer: bool = True,
            size: int = 4) -> None:
    tbl_pr = table._tbl.tblPr
    b = _set(tbl_pr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        show = (side == "insideH" or (side == "insideV" and inside_v)
                or (outer and side in ("top", "bottom")))
        if side in ("left", "right") and outer == "box":
            show = True
        _set(b, f"w:{side}", val="single" if show else "nil", sz=str(size), space="0",
             color=color)


def box(table, color: str = ACCENT, size: int = 8) -> None:
    b = _set(table._tbl.tblPr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right"):
        _set(b, f"w:{side}", val="single", sz=str(size), space="0", color=color)
    for side in ("insideH", "insideV"):
        _set(b, f"w:{side}", val="nil")


def widths(table, *cm: float) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), cm):
        col.set(qn("w:w"), str(int(w * 567)))
    for row in table.rows:
        for cell, w in zip(row.cells, cm):
            cell.width = Cm(w)
    _set(table._tbl.tblPr, "w:tblW", w=str(int(sum(cm) * 567)), type="dxa")
    _set(table._tbl.tblPr, "w:tblLayout", type="fixed")


def row_flags(row, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    _set(tr_pr, "w:cantSplit")
    if header:
        _set(tr_pr, "w:tblHeader")


def bottom_rule(paragraph, color: str = ACCENT, size: int = 12) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    bdr = _set(p_pr, "w:pBdr")
    _set(bdr, "w:bottom", val="single", sz=str(size), space="4", color=color)


def field(paragraph, instr: str, shown: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice update when they lay out."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = shown
    run.append(t)
    fld.append(run)
    paragraph._p.append(fld)


def picture(paragraph, png: bytes, slot: str, width, height, title: str) -> None:
    """A picture fitted into width × height, marked by its alt text as a slot the program fills."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        w, h = image.size
    scale = min(width / w, height / h)
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(png), width=int(w * scale), height=int(h * scale))
    doc_pr = run._r.find(".//" + qn("wp:docPr"))
    doc_pr.set("name", title)
    doc_pr.set("descr", slot)


def para(container, text: str = "", *, style: str | None = None, size: float | None = None,
         bold: bool = False, color: str | None = None, align=None, before: float = 0,
         after: float = 4, keep: bool = False, italic: bool = False):
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.italic = italic
        if size:
            run.font.size = Pt(size)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if align is not None:
        p.alignment = align
    if keep:
        fmt.keep_with_next = True
    return p


def cell_text(cell, text: str, *, bold: bool = False, color: str | None = None,
              size: float | None = None, align=None) -> None:
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    if size:
        run.font.size = Pt(size)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    if align is not None:
        p.alignment = align


# --- the document -----------------------------------------------------------------------------

def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    rpr = normal.element.get_or_add_rPr()
    fonts = _set(rpr, "w:rFonts")
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), FONT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    for name, size in (("Heading 1", 14), ("Heading 2", 12)):
        st = doc.styles[name]
        st.font.name = FONT
        st.font.size = Pt(size)
        st.font.bold = True
        st.font.color.rgb = RGBColor.from_string(ACCENT)
        st.paragraph_format.space_before = Pt(14 if name == "Heading 1" else 10)
        st.paragraph_format.space_after = Pt(4)
        st.paragraph_format.keep_with_next = True
        fonts = _set(st.element.get_or_add_rPr(), "w:rFonts")
        for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
            fonts.set(qn(f"w:{attr}"), FONT)
        # python-docx's default headings use theme fonts; drop them so FONT applies everywhere
        for attr in ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme"):
            fonts.attrib.pop(qn(f"w:{attr}"), None)


def _header_footer(doc, t: dict) -> None:
    section = doc.sections[0]
    header = section.header
    # logo left, issuer right: a borderless table (no tab stops for Word to move)
    table = header.add_table(rows=1, cols=2, width=Cm(17))
    logo_cell, name_cell = table.rows[0].cells
    picture(logo_cell.paragraphs[0], LOGO.read_bytes(), SLOT_LOGO, Cm(4.0), Cm(1.5),
            "Logotyp")
    logo_cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    p = name_cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = p.add_run("{{ utfardare.organisation }}")
    run.bold = True
    run.font.size = Pt(11)
    run.font.color.rgb = RGBColor.from_string(ACCENT)
    p.paragraph_format.space_after = Pt(0)
    p2 = name_cell.add_paragraph()
    p2.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    r2 = p2.add_run("{{ utfardare.forvaltning }}")
    r2.font.size = Pt(9)
    r2.font.color.rgb = RGBColor.from_string(GREY)
    widths(table, 6.0, 11.0)
    borders(table, outer=False)
    _set(table._tbl.tblPr, "w:tblBorders").find(qn("w:insideH")).set(qn("w:val"), "nil")
    cell_margins(table, 0, 0, 0, 0)
    for cell in (logo_cell, name_cell):
        _set(cell._tc.get_or_add_tcPr(), "w:vAlign", val="bottom")
    rule = header.paragraphs[0]  # the header's own empty paragraph, after the table
    header._element.append(rule._p)
    rule.paragraph_format.space_after = Pt(0)
    bottom_rule(rule, RULE, 6)

    footer = section.footer
    fp = footer.paragraphs[0]
    bdr = _set(fp._p.get_or_add_pPr(), "w:pBdr")
    _set(bdr, "w:top", val="single", sz="6", space="4", color=RULE)
    # a right-aligned tab stop puts the page number at the margin
    # the Footer style's own centre and right tabs would catch the tab first: clear them
    for stop in doc.styles["Footer"].paragraph_format.tab_stops:
        fp.paragraph_format.tab_stops.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
    fp.paragraph_format.tab_stops.add_tab_stop(Cm(17), WD_TAB_ALIGNMENT.RIGHT)
    for text in (t["footer"], "\t" + t["page"] + " "):
        r = fp.add_run(text)
        r.font.size = Pt(8.5)
        r.font.color.rgb = RGBColor.from_string(GREY)
    field(fp, "PAGE", "1")
    r = fp.add_run(f" {t['of']} ")
    r.font.size = Pt(8.5)
    r.font.color.rgb = RGBColor.from_string(GREY)
    field(fp, "NUMPAGES", "1")
    for run in fp._p.iter(qn("w:r")):
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            run.insert(0, rpr)
        _set(rpr, "w:sz", val="17")
        _set(rpr, "w:color", val=GREY)


def _keep_with_next(table) -> None:
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def _group_table(doc, t: dict, keep: bool) -> None:
    doc.add_heading("{{ grupp.namn }}", level=2)
    table = doc.add_table(rows=4, cols=2)
    head, loop_start, item, loop_end = table.rows
    cell_text(head.cells[0], t["col_competence"], bold=True, color=ACCENT, size=9.5)
    cell_text(head.cells[1], t["col_level"], bold=True, color=ACCENT, size=9.5)
    for cell in head.cells:
        shade(cell, ACCENT_LIGHT)
    row_flags(head, header=True)
    cell_text(loop_start.cells[0], "{%tr for k in grupp.kompetenser %}")
    cell_text(item.cells[0], "{{ k.namn }}")
    cell_text(item.cells[1], "{{ k.niva_namn }}")
    row_flags(item)
    cell_text(loop_end.cells[0], "{%tr endfor %}")
    widths(table, 11.2, 5.8)
    borders(table, outer=True)
    cell_margins(table, 45, 45, 100, 100)
    if keep:
        _keep_with_next(table)


def cell_border(cell, color: str = ACCENT, size: int = 6, sides=("top", "left", "bottom", "right")
                ) -> None:
    b = _set(cell._tc.get_or_add_tcPr(), "w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        _set(b, f"w:{side}", val="single" if side in sides else "nil", sz=str(size), space="0",
             color=color)


def _signature_and_verification(doc, t: dict) -> None:
    """One table row, never split: the signature left, the QR code and verification right."""
    table = doc.add_table(rows=1, cols=3)
    sign, code, verify = table.rows[0].cells
    cell_text(sign, t["signed"])
    for text, kw in (("", {}), ("_" * 34, {"color": GREY}),
                     ("{{ utfardare.undertecknare }}", {"bold": True}),
                     ("{{ utfardare.titel }}", {}),
                     ("{{ utfardare.organisation }}, {{ utfardare.forvaltning }}",
                      {"color": GREY, "size": 9}),
                     (t["contact"], {"color": GREY, "size": 9})):
        p = sign.add_paragraph()
        if text:
            r = p.add_run(text)
            r.bold = kw.get("bold", False)
            if "color" in kw:
                r.font.color.rgb = RGBColor.from_string(kw["color"])
            if "size" in kw:
                r.font.size = Pt(kw["size"])
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.space_before = Pt(16 if not text else 0)
    qr = code.paragraphs[0]
    picture(qr, _qr_placeholder(), SLOT_QR, Cm(2.6), Cm(2.6), "QR-kod")
    qr.alignment = WD_ALIGN_PARAGRAPH.CENTER
    qr.paragraph_format.space_after = Pt(0)
    cell_text(verify, t["verify_title"], bold=True, color=ACCENT, size=10)
    for label, value in ((t["verify_number"], "{{ intyg.nummer }}"),
                         (t["verify_code"], "{{ intyg.kod }}")):
        p = verify.add_paragraph()
        r = p.add_run(label + " ")
        r.font.size = Pt(9)
        r.font.color.rgb = RGBColor.from_string(GREY)
        r = p.add_run(value)
        r.bold = True
        r.font.size = Pt(10)
        p.paragraph_format.space_after = Pt(0)
    p = verify.add_paragraph()
    r = p.add_run(t["verify_where"])
    r.font.size = Pt(8.5)
    r.font.color.rgb = RGBColor.from_string(GREY)
    p.paragraph_format.space_before = Pt(3)
    p.paragraph_format.space_after = Pt(0)
    for cell in (code, verify):
        shade(cell, ACCENT_LIGHT)
        _set(cell._tc.get_or_add_tcPr(), "w:vAlign", val="center")
    cell_border(code, sides=("top", "left", "bottom"))
    cell_border(verify, sides=("top", "right", "bottom"))
    row_flags(table.rows[0])
    widths(table, 7.4, 3.3, 6.3)
    borders(table, outer=False)
    _set(table._tbl.tblPr, "w:tblBorders").find(qn("w:insideH")).set(qn("w:val"), "nil")
    cell_margins(table, 80, 80, 120, 120)


def _qr_placeholder() -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(QR_PLACEHOLDER, error="m", micro=False).save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def build(lang: str) -> bytes:
    t = TEXTS[lang]
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(0.9)
    _styles(doc)
    _header_footer(doc, t)
    doc.paragraphs[0]._p.getparent().remove(doc.paragraphs[0]._p) if doc.paragraphs else None

    body = doc
    para(body, t["title"], size=24, bold=True, color=ACCENT, before=14, after=0)
    sub = para(body, t["subtitle"], size=11, color=GREY, after=14)
    bottom_rule(sub)

    para(body, "{{ deltagare.namn }}", size=18, bold=True, after=0, before=4)
    para(body, "{%p if deltagare.fodelsedatum %}", after=0)
    para(body, t["born"] + " {{ deltagare.fodelsedatum }}", size=10.5, color=GREY, after=0)
    para(body, "{%p endif %}", after=0)
    para(body, "{{ deltagare.namn }} " + t["intro"], before=8, after=6)

    doc.add_heading(t["employment"], level=1)
    table = doc.add_table(rows=len(t["rows"]), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for row, (label, value) in zip(table.rows, t["rows"]):
        cell_text(row.cells[0], label, bold=True, color=GREY)
        cell_text(row.cells[1], value)
        row_flags(row)
    widths(table, 5.0, 12.0)
    borders(table, outer=False)
    cell_margins(table, 50, 50, 0, 80)

    doc.add_heading(t["competences"], level=1)
    para(body, t["competences_intro"], after=4, color=GREY, size=9.5)
    # the legend first, so the competences end the document next to the signature
    table = doc.add_table(rows=4, cols=2)
    head, loop_start, item, loop_end = table.rows
    # a fixed header row also keeps the table's shape fixed (see render._tables_never_need_fix)
    cell_text(head.cells[0], t["col_level"], bold=True, color=ACCENT, size=9)
    cell_text(head.cells[1], t["col_meaning"], bold=True, color=ACCENT, size=9)
    row_flags(head, header=True)
    cell_text(loop_start.cells[0], "{%tr for n in nivaer %}")
    cell_text(item.cells[0], "{{ n.niva }} · {{ n.namn }}", bold=True, size=9)
    cell_text(item.cells[1], "{{ n.beskrivning }}", size=9, color=GREY)
    row_flags(item)
    cell_text(loop_end.cells[0], "{%tr endfor %}")
    widths(table, 5.8, 11.2)
    borders(table, outer=False)
    cell_margins(table, 30, 30, 0, 80)

    para(body, "{%p if grupper %}", after=0)
    # every group but the last, then the last one on its own: only the last table is kept on
    # the page of the signature, so a page never holds the signature alone
    para(body, "{%p for grupp in grupper[:-1] %}", after=0)
    _group_table(doc, t, keep=False)
    para(body, "{%p endfor %}", after=0)
    para(body, "{%p for grupp in grupper[-1:] %}", after=0)
    _group_table(doc, t, keep=True)
    para(body, "{%p endfor %}", after=0)
    para(body, "{%p else %}", after=0)
    para(body, t["none"], italic=True, keep=True)
    para(body, "{%p endif %}", after=0)
    para(body, "", after=0, before=10, keep=True)  # keeps two tables apart (Word would join them)
    _signature_and_verification(doc, t)

    _core_properties(doc, t, lang)
    raw = io.BytesIO()
    doc.save(raw)
    return _normalised_zip(raw.getvalue())


CORE_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def _core_properties(doc, t: dict, lang: str) -> None:
    # docxcompose (imported with docxtpl) points the "cp" prefix at custom properties for the
    # whole process; core properties written then would differ from a build without it
    saved, nsmap["cp"] = nsmap["cp"], CORE_CP
    try:
        _set_core_properties(doc, t, lang)
    finally:
        nsmap["cp"] = saved


def _set_core_properties(doc, t: dict, lang: str) -> None:
    props = doc.core_properties
    props.title = t["doc_title"]
    props.author = "amanst"
    props.last_modified_by = "amanst"
    props.comments = ""
    props.subject = ""
    props.keywords = ""
    props.revision = 1
    props.created = props.modified = FIXED_TIME
    props.language = "sv-SE" if lang == "sv" else "en-GB"


def _normalised_zip(data: bytes) -> bytes:
    """The same zip with fixed timestamps, so a rebuild without changes gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    out_dir = Path(argv[0]) if argv else OUT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    for lang in TEXTS:
        target = out_dir / TEXTS[lang]["file"]
        target.write_bytes(build(lang))
        print(f"Skrev {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
