"""Where the files the product reads at run time are: Word templates, bundled workbooks, the server.

The editable originals live at the top of the repository (``templates/``, ``workbooks/``): that is
where people change them. A built wheel carries copies inside the package (``addin/_bundled/``,
put there by ``setup.py``), so an installed amanst finds them without the source tree. Everything
else asks this module, never a path of its own.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED = PACKAGE_DIR / "_bundled"
_SOURCE_TREE = PACKAGE_DIR.parent

SERVER_DIR = PACKAGE_DIR / "server"  # xlwings Server's project folder (package data)


def _folder(name: str) -> Path:
    installed = _BUNDLED / name
    return installed if installed.is_dir() else _SOURCE_TREE / name


def templates_dir() -> Path:
    """The Word templates shipped with amanst (certificates, the report section)."""
    return _folder("templates")


def docs_dir() -> Path:
    """The documentation (Markdown) shipped with amanst; the server offers IT's part of it."""
    return _folder("docs")


def workbooks_dir() -> Path:
    """The bundled workbooks: the empty template and the example register."""
    return _folder("workbooks")
