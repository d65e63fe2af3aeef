"""The Word templates: their placeholders are exactly what the code provides, and documented."""

from __future__ import annotations

import importlib.util
import re

import pytest
from docxtpl import DocxTemplate

from addin.core.certificate_plan import CONTEXT_KEYS
from addin.certificates.issuing import TEMPLATE_FILES
from addin.resources import templates_dir

TEMPLATES_DIR = templates_dir()
from addin.certificates.render import make_environment

ROOT = TEMPLATES_DIR.parent


@pytest.mark.parametrize("name", sorted(TEMPLATE_FILES.values()))
def test_template_variables_are_exactly_the_context(name):
    tpl = DocxTemplate(str(TEMPLATES_DIR / name))
    assert tpl.get_undeclared_template_variables(jinja_env=make_environment()) == set(CONTEXT_KEYS)


def test_templates_are_reproducible_from_the_script(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "build_certificate_templates", ROOT / "scripts" / "build_certificate_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main([str(tmp_path)])
    for name in TEMPLATE_FILES.values():
        assert (tmp_path / name).read_bytes() == (TEMPLATES_DIR / name).read_bytes(), (
            f"{name} differs from what scripts/build_certificate_templates.py builds: rebuild it")


def test_every_placeholder_is_documented():
    doc = (ROOT / "README.md").read_text(encoding="utf-8")
    fields = set()
    for name in TEMPLATE_FILES.values():
        tpl = DocxTemplate(str(TEMPLATES_DIR / name))
        tpl.init_docx()
        xml = tpl.patch_xml(tpl.get_xml())
        for part in tpl.docx.sections[0].header, tpl.docx.sections[0].footer:
            xml += tpl.patch_xml(tpl.xml_to_string(part._element))
        fields |= set(re.findall(r"\b((?:intyg|utfardare|deltagare|anstallning)\.\w+)", xml))
        fields |= {f"grupp.{m}" for m in re.findall(r"\bgrupp\.(\w+)", xml)}
        fields |= {f"k.{m}" for m in re.findall(r"\bk\.(\w+)", xml)}
        fields |= {f"n.{m}" for m in re.findall(r"\bn\.(\w+)", xml)}
    assert len(fields) > 20
    missing = sorted(f for f in fields if f"`{f}`" not in doc and
                     f"`{f.split('.', 1)[1]}`" not in doc)
    assert not missing, f"not in README.md: {missing}"
    for key in CONTEXT_KEYS:
        assert f"`{key}`" in doc
