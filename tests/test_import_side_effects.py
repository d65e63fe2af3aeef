"""Importing a module of ``addin`` changes no other module's state (issue 14: wiring that can be
read, not modules that append themselves to another module's list when imported).

Every module is imported in a fresh interpreter. As each ``addin`` module's own code finishes, the
test takes a shallow picture of it (each name, the identity of its value, and the size of a list,
dict or set); after all are imported, every module must still match its picture. Submodules that
Python adds to their package are not part of the picture. ``addin.server`` is xlwings Server's
project folder: xlwings Server loads its modules into its own app, which is their job."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r'''
import importlib, importlib.abc, json, os, pkgutil, sys, types

def picture(mod):
    shot = {}
    for key, value in list(vars(mod).items()):
        if key.startswith("__") or isinstance(value, types.ModuleType):
            continue
        size = len(value) if isinstance(value, (list, dict, set)) else None
        shot[key] = [id(value), size]
    return shot

own = {}  # each addin module as its own code left it

class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if not name.startswith("addin"):
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        run = spec.loader.exec_module

        def exec_module(module, run=run):
            run(module)
            own[module.__name__] = picture(module)

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Watch())
import addin
from addin import resources, settings

# as the server sets it up before xlwings is imported (tests/excel/conftest.py)
os.environ.update(settings.xlwings_environment(resources.SERVER_DIR))
names = sorted(m.name for m in pkgutil.walk_packages(addin.__path__, "addin.")
               if not m.name.endswith("__main__") and not m.name.startswith("addin.server."))
for name in names:
    importlib.import_module(name)
changed = [[name, key] for name, shot in own.items()
           for key, seen in shot.items() if picture(sys.modules[name]).get(key) != seen]
print(json.dumps({"modules": len(own), "changed": changed}))
'''


def test_importing_any_module_changes_no_other_module(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMANST_", "XLWINGS_"))}
    env.update(AMANST_STATE_DIR=str(tmp_path), AMANST_LOG_DIR=str(tmp_path),
               DOTENV_PATH=str(tmp_path / "no.env"))
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, env=env, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["modules"] > 50  # every module was imported, not a handful
    assert found["changed"] == []
