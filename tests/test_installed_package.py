"""amanst installed as IT installs it: a wheel in a fresh virtual environment outside the tree.

An editable install (what the rest of the suite runs on) reads templates and workbooks straight
from the source tree, so a file left out of the wheel goes unnoticed there. Here the wheel is
built, installed with ``[server,test]`` into a new venv in a temporary folder, and then, from a
folder that holds no source: the bundled files are found inside site-packages, ``amanst demo``
runs to the end and issues every example certificate, and the buttons' HTTP tests
(``tests/excel/test_buttons.py``, copied out of the tree) pass against the installed package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
         timeout: int = 1200) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(python of the new venv, a working folder outside the source tree)."""
    base = tmp_path_factory.mktemp("installerat")
    dist = base / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
         cwd=base)
    [wheel] = list(dist.glob("amanst-*.whl"))
    venv.EnvBuilder(with_pip=True).create(base / "venv")
    python = base / "venv" / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", f"{wheel}[server,test]"], cwd=base)
    work = base / "arbete"
    work.mkdir()
    return python, work


def _clean_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AMANST_", "XLWINGS_", "PYTHONPATH"))}
    env["HOME"] = str(work)  # no register, state or settings of the developer's
    env["AMANST_TEST_POSTGRES_URL"] = os.environ.get("AMANST_TEST_POSTGRES_URL", "")
    return env


def test_the_package_is_imported_from_site_packages_with_its_files(installed):
    python, work = installed
    out = _run([str(python), "-c",
                "import addin, addin.resources as r; print(addin.__file__); "
                "print(r.templates_dir()); print(r.workbooks_dir()); print(r.SERVER_DIR)"],
               cwd=work, env=_clean_env(work)).stdout.split()
    site = python.parent.parent / "lib"
    assert all(Path(p).is_relative_to(site) for p in out), out
    templates, workbooks, server = map(Path, out[1:])
    assert {p.name for p in templates.glob("*.docx")} >= {
        "kompetensintyg.docx", "kompetensintyg-en.docx", "namndrapport.docx"}
    assert {p.name for p in workbooks.glob("*.xlsx")} == {
        "exempel.xlsx", "arbetsmarknadsanstallningar.xlsx"}
    assert (server / "templates" / "manifest.xml").is_file()
    assert (server / ".env.template").is_file()


def test_the_demo_runs_to_the_end_from_the_installed_package(installed):
    python, work = installed
    amanst = python.parent / "amanst"
    result = _run([str(amanst), "demo", "--out-dir", str(work / "ut"), "--today", "2026-11-27"],
                  cwd=work, env=_clean_env(work))
    assert "Klart." in result.stdout and "saknas" not in result.stdout + result.stderr
    certificates = sorted((work / "ut" / "intyg").glob("*.docx"))
    assert len(certificates) > 0
    assert (work / "ut" / "exempel-resultat.xlsx").is_file()


def test_every_button_over_http_against_the_installed_package(installed):
    python, work = installed
    tests = work / "tests"
    shutil.copytree(ROOT / "tests", tests, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")  # markers and options
    _run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider",
          "tests/excel/test_buttons.py", "tests/excel/test_server.py"], cwd=work,
         env=_clean_env(work))
