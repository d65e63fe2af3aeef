"""pytest plugin for bench/rule_removal.py: take the rule named in AMANST_DROP_RULE out of RULES.

Loaded with ``-p drop_rule_plugin`` (bench/ on PYTHONPATH) before any test is collected, so every
test sees the register checked without that one rule.
"""

from __future__ import annotations

import os


def pytest_configure(config):
    name = os.environ.get("AMANST_DROP_RULE")
    if not name:
        return
    from addin.core import checks

    kept = tuple(r for r in checks.RULES if r.__name__ != name)
    if len(kept) != len(checks.RULES) - 1:
        raise SystemExit(f"no rule named {name!r} in RULES")
    checks.RULES = kept  # validate() reads the package's RULES when it runs
