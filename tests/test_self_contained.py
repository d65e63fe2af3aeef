"""The product stands on its own (issue 13): nothing it ships or generates points to the
workspace's ``../shared`` folder (the specs the team wrote from), which a clone of this repository
does not have.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ["README.md", "docs", "addin", "templates", "workbooks", "setup.py", "pyproject.toml"]
# A path into the shared folder, or the names of its documents.
POINTER = re.compile(rb"\.\./shared|shared/(?:WORKBOOK|DOMAIN|seed|catalog)"
                     rb"|WORKBOOK\.md|DOMAIN\.md")


def _texts(path: Path) -> list[tuple[str, bytes]]:
    """The text a file holds: itself, each part of a zip (.xlsx, .docx), a PDF's text."""
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as archive:
            return [(f"{path}:{name}", archive.read(name)) for name in archive.namelist()]
    if data[:4] == b"%PDF":
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout
        return [(str(path), text)]
    return [(str(path), data)]


def _pointers(files: list[Path]) -> list[str]:
    found = []
    for path in files:
        for where, text in _texts(path):
            found += [f"{where}: {m.group().decode()}" for m in POINTER.finditer(text)]
    return found


def test_nothing_shipped_refers_to_the_shared_folder():
    listed = subprocess.run(["git", "ls-files", *SHIPPED], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.split()
    files = [ROOT / name for name in listed if (ROOT / name).is_file()]
    assert len(files) > 50
    assert _pointers(files) == []


def test_the_pattern_finds_what_it_should(tmp_path: Path):
    sample = tmp_path / "README.md"
    sample.write_text("se ../shared/WORKBOOK.md och DOMAIN.md", encoding="utf-8")
    assert len(_pointers([sample])) == 3


@pytest.mark.slow
def test_nothing_the_demo_writes_refers_to_the_shared_folder(demo_run):
    out_dir, printed = demo_run
    files = [p for p in out_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".docx" for p in files) and any(p.suffix == ".eml" for p in files)
    assert _pointers(files) == []
    assert not POINTER.search(printed.encode())
