"""Rendering: the text on the certificate, identical XML to plain docxtpl, and the sandbox."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from certhelpers import TODAY, docx_text, zip_parts

from addin.core.certificate_plan import plan
from addin.certificates.issuing import TEMPLATE_FILES, issue_certificates
from addin.resources import templates_dir
from addin.certificates.render import CompiledTemplate, TemplateRefused, render_plain
from addin.certificates.store import SqliteStore


def _template(lang: str) -> Path:
    return templates_dir() / TEMPLATE_FILES[lang]


def test_rendered_text(example_register):
    reg = example_register
    cands = plan(reg, TODAY).candidates
    levels = {n: v.benamning for n, v in reg.catalog.nivaer.items()}
    template = CompiledTemplate(_template("sv"))
    checked = 0
    for cand in [c for c in cands if c.language == "sv"][:10]:
        text = docx_text(template.render(cand.context("ASF-2026-00042", "7ZQY-WDAA-DYNN", TODAY)))
        name = f"{cand.participant.fornamn} {cand.participant.efternamn}"
        assert name in text and "ASF-2026-00042" in text and "7ZQY-WDAA-DYNN" in text
        assert "{{" not in text and "{%" not in text and "}}" not in text
        assert "Yrkeskompetenser" in text or not any(
            c.modul == "Yrkeskompetens" for c in cand.competences)
        lines = text.splitlines()
        for c in cand.competences:
            i = lines.index(c.kompetens)  # the competence's cell, then its level's cell
            assert lines[i + 1] == levels[c.niva]
            assert c.niva >= reg.settings.lagsta_niva
        final = [a for a in reg.assessments if a.plats_id == cand.plats_id
                 and a.tillfalle == "Slutbedömning"]
        shown = {c.kompetens for c in cand.competences}
        for a in final:
            if a.kompetens not in shown:
                assert a.kompetens not in lines  # below the threshold: not on the certificate
        if cand.participant.birth_date:
            assert f"Född {cand.participant.birth_date.day} " in text
        assert cand.participant.personnummer not in text or not cand.participant.personnummer
        checked += 1
    assert checked == 10


def test_special_characters_print_literally(example_register):
    cand = plan(example_register, TODAY).candidates[0]
    cand.participant.fornamn, cand.participant.efternamn = "Åsa", "<Svensson> & Co"
    cand.placement.arbetsuppgifter = 'Städ "A" & <b>fet</b> {{ 7*7 }}'
    cand.placement.arbetsuppgifter_en = ""  # so the English certificate prints the Swedish text
    for lang in TEMPLATE_FILES:
        cand.language = lang
        data = CompiledTemplate(_template(lang)).render(cand.context("N-1", "C", TODAY))
        text = docx_text(data)
        assert "Åsa <Svensson> & Co" in text
        assert 'Städ "A" & <b>fet</b> {{ 7*7 }}' in text
        assert "49" not in text.split("Städ")[1][:40]


@pytest.mark.parametrize("lang", sorted(TEMPLATE_FILES))
def test_same_document_xml_as_plain_docxtpl(example_register, lang):
    cands = [c for c in plan(example_register, TODAY).candidates if c.language == lang][:3]
    cands[0].placement.arbetsuppgifter = "Rad ett\nrad två\tmed tabb & <tecken>"
    cands[1].participant.efternamn = "O'Brien \"Bob\""
    template = CompiledTemplate(_template(lang))
    for cand in cands:
        ctx = cand.context("ASF-2026-00001", "ABCD-EFGH-JKLM", TODAY)
        fast = zip_parts(template.render(ctx))
        plain = zip_parts(render_plain(_template(lang), ctx))
        assert list(fast) == list(plain)
        for name in plain:
            assert fast[name] == plain[name], name


def _evil_template(tmp_path: Path, tag: str) -> Path:
    """The Swedish template with ``tag`` put where the participant's name is printed."""
    folder = tmp_path / "mallar"
    folder.mkdir()
    src = _template("sv")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(folder / TEMPLATE_FILES["sv"], "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ deltagare.namn }}", tag.encode(), 1)
            zout.writestr(info, data)
    return folder


@pytest.mark.parametrize("tag", [
    "{{ deltagare.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ deltagare.namn.__class__ }}",
    "{{ utfardare.items.__self__ }}",
])
def test_sandbox_refuses_and_writes_nothing(example_register, tmp_path, tag):
    folder = _evil_template(tmp_path, tag)
    out = tmp_path / "intyg"
    reg = example_register
    reg.participants = [p for p in reg.participants if p.intygssprak != "Engelska"]
    with SqliteStore(tmp_path / "reg.sqlite3") as store:
        with pytest.raises(TemplateRefused) as info:
            issue_certificates(reg, out, "test", store, today=TODAY, templates_dir=folder)
        assert store.entries() == [] and store.live_numbers("ASF") == {}
    assert "Mallen" in str(info.value)
    assert not out.exists() or list(out.iterdir()) == []


def test_unknown_placeholder_is_refused(tmp_path):
    folder = _evil_template(tmp_path, "{{ deltagare.personnummer }}{{ hemlig }}")
    with pytest.raises(TemplateRefused, match="okända platshållare: hemlig"):
        CompiledTemplate(folder / TEMPLATE_FILES["sv"])


def test_missing_field_fails_loudly(example_register, tmp_path):
    folder = _evil_template(tmp_path, "{{ deltagare.personnummer }}")
    cand = plan(example_register, TODAY).candidates[0]
    with pytest.raises(TemplateRefused, match="platshållare som inte finns"):
        CompiledTemplate(folder / TEMPLATE_FILES["sv"]).render(cand.context("N", "C", TODAY))


def test_output_is_a_valid_zip_word_can_open(example_register):
    cand = plan(example_register, TODAY).candidates[0]
    data = CompiledTemplate(_template(cand.language)).render(cand.context("N", "C", TODAY))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert z.testzip() is None


def _table_template(path: Path, static_header: bool) -> Path:
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ intyg.nummer }}")
    table = doc.add_table(rows=3 + static_header, cols=2)
    rows = table.rows
    if static_header:
        rows[0].cells[0].text, rows[0].cells[1].text = "Nivå", "Namn"
        rows = rows[1:]
    rows[0].cells[0].text = "{%tr for n in nivaer %}"
    rows[1].cells[0].text, rows[1].cells[1].text = "{{ n.niva }}", "{{ n.namn }}"
    rows[2].cells[0].text = "{%tr endfor %}"
    doc.save(path)
    return path


@pytest.mark.parametrize("static_header", [False, True])
@pytest.mark.parametrize("levels", [[], [{"niva": 2, "namn": "Med stöd", "beskrivning": ""}]])
def test_table_shapes_match_docxtpl_even_when_a_table_loses_its_rows(tmp_path, static_header,
                                                                    levels):
    path = _table_template(tmp_path / "t.docx", static_header)
    compiled = CompiledTemplate(path)
    assert compiled._check_tables is not static_header  # the per-document check only when needed
    ctx = {"intyg": {"nummer": "N-1"}, "nivaer": levels, "utfardare": {}, "deltagare": {},
           "anstallning": {}, "grupper": []}
    fast, plain = zip_parts(compiled.render(ctx)), zip_parts(render_plain(path, ctx))
    assert fast["word/document.xml"] == plain["word/document.xml"]


NASTY = ["", "a", "Åsa", '"citat"', "it's", "&", "<>", "a>b", "x\r\ny", "\t", "x\ny", "\x01",
         "\ufffe", "{{ 1 }}", "–", "😀", "  mellanrum  ", "&amp;", "]]>", "<w:t>"]


@pytest.mark.parametrize("lang", sorted(TEMPLATE_FILES))
def test_identical_to_docxtpl_for_awkward_values(example_register, lang):
    import random

    rng = random.Random(7)
    cand = [c for c in plan(example_register, TODAY).candidates if c.language == lang][0]
    template = CompiledTemplate(_template(lang))
    fast_path = 0
    for round_ in range(14):
        ctx = cand.context("ASF-2026-00001", "ABCD-EFGH-JKLM", TODAY)
        pick = (lambda: NASTY[round_]) if round_ < 4 else (lambda: rng.choice(NASTY))
        ctx["deltagare"]["namn"] = pick()
        ctx["deltagare"]["fodelsedatum"] = pick()
        ctx["anstallning"]["arbetsuppgifter"] = pick()
        ctx["anstallning"]["ssyk_benamning"] = pick()
        ctx["utfardare"]["verifieringsadress"] = pick()
        ctx["utfardare"]["organisation"] = pick()
        ctx["grupper"][0]["kompetenser"][0]["namn"] = pick()
        fast = zip_parts(template.render(ctx))
        plain = zip_parts(render_plain(_template(lang), ctx))
        for name in plain:
            assert fast[name] == plain[name], (name, round_)
        fast_path += bool(re.search(rb"<w:t( [^>]*)?/>", fast["word/document.xml"]))
    assert fast_path  # empty values were met, and matched lxml's <w:t/>


def test_plain_values_skip_the_parser_and_awkward_ones_use_it(example_register, monkeypatch):
    from addin.certificates import render as render_mod

    cand = plan(example_register, TODAY).candidates[0]
    template = CompiledTemplate(_template(cand.language))
    calls = []
    real = render_mod.etree.fromstring
    # count the parses of the body (the small header and footer are always parsed)
    monkeypatch.setattr(render_mod.etree, "fromstring",
                        lambda *a, **k: (a[1:] == (render_mod._RECOVER,) and calls.append(1))
                        or real(*a, **k))
    ctx = cand.context("ASF-2026-00001", "ABCD-EFGH-JKLM", TODAY)
    ctx["deltagare"]["fodelsedatum"] = ""
    template.render(ctx)
    assert calls == []
    ctx["deltagare"]["namn"] = "Ctrl\x01tecken"
    fast = zip_parts(template.render(ctx))
    assert calls == [1]
    monkeypatch.undo()
    assert fast["word/document.xml"] == zip_parts(
        render_plain(_template(cand.language), ctx))["word/document.xml"]
