"""The report section for the nämnd: every placeholder filled, strict, escaped, nothing personal."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import docx
import pytest

from addin.core.errors import AmanstError
from addin.resources import templates_dir
from addin.steering import report, service

from .pii import assert_no_personal_data, personal_data

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 27, 9, 0)


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_report_renders_with_every_placeholder_filled(example_register):
    summary = service.summarize([example_register], now=NOW, today=date(2026, 11, 27))
    data = report.render(summary)
    assert report.unfilled(data) == []
    text = _text(data)
    assert "{{" not in text and "{%" not in text
    assert "Arbetsmarknadsanställningar Helår 2026" in text
    assert "801 platser under perioden mot ett sammanlagt mål om 605 platser" in text
    assert "Preliminär: underlaget har 8 fel och 1 varning." in text
    assert "Övriga förvaltningar (sammanslagna)" in text and "<5" not in text
    assert "Kvinnor och män" in text and "Kvinna" in text and "Man" in text
    assert "Kompetensintyg" in text and "rekommendation 2" in text and "rekommendation 1" in text
    assert "Serviceförvaltningen" in text and "Har brutit social isolering" in text
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert any(n.startswith("word/media/") and n.endswith(".png") for n in z.namelist())
    assert_no_personal_data(personal_data(example_register), [text])


def test_markup_in_a_workbook_value_stays_text(example_register):
    example_register.settings.values["Organisation"] = '</w:t></w:r><w:r><w:t>x & "y" {{ 7*7 }}'
    data = report.render(service.summarize([example_register], now=NOW, today=date(2026, 11, 27)))
    text = _text(data)  # the document still parses
    assert '</w:t></w:r><w:r><w:t>x & "y" {{ 7*7 }}' in text
    assert "49" not in re.findall(r"\d+", text.split("Avsnittet")[1][:200])


def test_an_unknown_placeholder_is_an_error_not_a_gap(example_register, tmp_path):
    template = tmp_path / "mall.docx"
    document = docx.Document()
    document.add_paragraph("{{ period }} {{ finns_inte }}")
    document.save(template)
    with pytest.raises(AmanstError, match="kunde inte fyllas i"):
        report.render(service.summarize([example_register], now=NOW, today=date(2026, 11, 27)), template)


def test_the_template_cannot_reach_python(example_register, tmp_path):
    template = tmp_path / "mall.docx"
    document = docx.Document()
    document.add_paragraph("{{ period.__class__.__mro__[1].__subclasses__() }}")
    document.save(template)
    with pytest.raises(AmanstError):
        report.render(service.summarize([example_register], now=NOW, today=date(2026, 11, 27)), template)


def test_the_committed_template_is_what_the_script_builds(tmp_path):
    import runpy

    build = runpy.run_path(str(REPO / "scripts" / "build_report_template.py"))["build"]
    fresh = build(tmp_path / "namndrapport.docx")

    def tags(path: Path) -> list[str]:
        with zipfile.ZipFile(path) as z:
            xml = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode())
        return re.findall(r"\{[{%].*?[}%]\}", xml)

    assert tags(fresh) == tags(templates_dir() / report.TEMPLATE_NAME)
    assert len(tags(fresh)) > 30
