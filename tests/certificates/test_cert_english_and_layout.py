"""English throughout, and a layout that holds: every certificate of the example workbook.

- No English certificate contains Swedish catalog text (competences, levels, yrkesområden and
  their SSYK names, employment forms, förvaltningar, module names). The participant's own free text
  (name, Arbetsplats, and Arbetsuppgifter when no English is given) is the user's and is not
  catalog text; it is taken out before looking.
- Rendered to PDF with LibreOffice, every certificate has two or three pages and its last page is
  not nearly empty: it holds at least one competence with the signature and verification box.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter

import pytest
from certhelpers import TODAY, docx_text

from addin.core import schema
from addin.certificates import issuing, pdf
from addin.certificates.english import packaged
from addin.core.certificate_plan import plan
from addin.certificates.store import SqliteStore
from tests import example_facts as facts

PAGE_HEIGHT = 842.0  # A4 in points
BODY_TOP, BODY_BOTTOM = 85.0, 785.0  # between the header and the footer
NEARLY_EMPTY = 0.20  # a last page whose body spans less than this share of the page


def swedish_catalog_texts(register) -> set[str]:
    c = register.catalog
    texts = set(schema.MODULER) | {"Yrkeskompetenser"}
    texts |= {k.kompetens for k in c.kompetenser}
    for n in c.nivaer.values():
        texts |= {n.benamning, n.beskrivning}
    for area in c.yrkesomraden.values():
        texts |= {area.name, area.ssyk_benamning}
    texts |= set(c.anstallningsformer) | set(c.forvaltningar)
    return {t for t in texts if t}


def _english_text_without_free_text(cert, register) -> str:
    text = docx_text(cert.docx)
    participant = next(p for p in register.participants if p.deltagar_id == cert.deltagar_id)
    placement = next(p for p in register.placements if p.plats_id == cert.plats_id)
    free = [placement.arbetsplats, f"{participant.fornamn} {participant.efternamn}"]
    if not placement.arbetsuppgifter_en:
        free.append(placement.arbetsuppgifter)
    for value in free:
        if value:
            text = text.replace(value, "<fritext>")
    return text


def test_an_english_certificate_without_an_english_catalog_column_is_refused(example_register):
    reg = example_register
    cand = next(c for c in plan(reg, TODAY).candidates if c.language == "en")
    name = cand.competences[0].kompetens
    reg.catalog.kompetenser = [k if k.kompetens != name else
                               type(k)(k.modul, k.yrkesomrade, "Egen kompetens", "")
                               for k in reg.catalog.kompetenser]
    for a in reg.assessments:
        if a.kompetens == name:
            a.kompetens = "Egen kompetens"
    p = plan(reg, TODAY)
    refused = next(i for i in p.ineligible if i.plats_id == cand.plats_id)
    assert "engelskt intyg" in refused.reason and "'Egen kompetens'" in refused.reason
    assert "Kompetens (engelska)" in refused.reason


def test_an_old_workbook_without_english_columns_uses_the_shipped_english(example_register):
    reg = example_register
    for k in reg.catalog.kompetenser:
        object.__setattr__(k, "kompetens_en", "")
    cand = next(c for c in plan(reg, TODAY, english_fallback=packaged()).candidates
                if c.language == "en")
    ctx = cand.context("N", "C", TODAY)
    names = {k["namn"] for g in ctx["grupper"] for k in g["kompetenser"]}
    assert names and not names & swedish_catalog_texts(reg)


def test_swedish_tasks_on_an_english_certificate_are_labelled(example_register):
    cand = next(c for c in plan(example_register, TODAY).candidates if c.language == "en")
    cand.placement.arbetsuppgifter_en = ""
    ctx = cand.context("N", "C", TODAY)
    assert ctx["anstallning"]["arbetsuppgifter"] == cand.placement.arbetsuppgifter
    assert ctx["anstallning"]["arbetsuppgifter_pa_svenska"] is True
    cand.placement.arbetsuppgifter_en = "Daily cleaning"
    assert cand.context("N", "C", TODAY)["anstallning"]["arbetsuppgifter_pa_svenska"] is False


def _body_span(pdf_path, page: int) -> float:
    """The vertical share of the page between the first and last line of body text."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page),
                          str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    tops, bottoms = [], []
    for y_min, y_max in re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" '
                                   r'yMax="([\d.]+)">', xml):
        if float(y_min) >= BODY_TOP and float(y_max) <= BODY_BOTTOM:
            tops.append(float(y_min))
            bottoms.append(float(y_max))
    return (max(bottoms) - min(tops)) / PAGE_HEIGHT if tops else 0.0


@pytest.mark.slow
def test_every_example_certificate_english_and_laid_out(example_register, tmp_path):
    assert pdf.find_soffice(), "LibreOffice (soffice) must be installed for this test"
    reg = example_register
    swedish = swedish_catalog_texts(reg)
    with SqliteStore(tmp_path / "reg.sqlite3") as store:
        result = issuing.issue_certificates(reg, tmp_path / "intyg", "test", store, pdf=True,
                                            today=TODAY)
    assert len(result.issued) == facts.ELIGIBLE and not result.pdf_missing
    english = [c for c in result.issued if c.language == "en"]
    assert len(english) == facts.ENGLISH
    for cert in english:
        text = _english_text_without_free_text(cert, reg)
        found = sorted(t for t in swedish if t.casefold() in text.casefold())
        assert not found, f"{cert.number}: Swedish catalog text on an English certificate: {found}"

    pages = Counter()
    for cert in result.issued:
        info = subprocess.run(["pdfinfo", str(cert.pdf)], capture_output=True, text=True,
                              check=True).stdout
        count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        pages[count] += 1
        assert 2 <= count <= 3, f"{cert.number} has {count} pages"
        span = _body_span(cert.pdf, count)
        assert span >= NEARLY_EMPTY, f"{cert.number}: last page {span:.0%} full"
        last = subprocess.run(["pdftotext", "-f", str(count), "-l", str(count), str(cert.pdf),
                               "-"], capture_output=True, text=True, check=True).stdout
        heading = "Competence" if cert.language == "en" else "Kompetens"
        assert heading in last, f"{cert.number}: the signature page holds no competence"
    print(f"\npages per certificate: {dict(sorted(pages.items()))}")
