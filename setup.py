"""Build step that pyproject.toml cannot express: copy the editable top-level folders into the wheel.

``templates/`` (Word templates administrators edit), ``workbooks/`` (the bundled workbooks) and
``docs/`` (the documentation the server offers IT) stay at the top of the repository; a wheel
carries copies as ``addin/_bundled/...`` so an installed amanst needs no source tree.
``addin.resources`` finds either.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = {"templates": "*.docx", "workbooks": "*.xlsx", "docs": "*.md"}


class BuildWithBundledFiles(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        for folder, pattern in BUNDLED.items():
            target = Path(self.build_lib) / "addin" / "_bundled" / folder
            target.mkdir(parents=True, exist_ok=True)
            for source in sorted((root / folder).glob(pattern)):
                shutil.copy2(source, target / source.name)


setup(cmdclass={"build_py": BuildWithBundledFiles})
