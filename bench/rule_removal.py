"""Remove each rule from ``checks.RULES`` in turn and show that at least one test fails.

    .venv/bin/python bench/rule_removal.py [pytest paths...]   (default: tests/core)

For every rule a fresh pytest process runs with that rule taken out (bench/drop_rule_plugin.py);
the table gives how many tests failed. A rule with 0 failures would be a rule no test proves, and
the script exits 1.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rule_names() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from addin.core import checks

    return [r.__name__ for r in checks.RULES]


def failures(rule: str, paths: list[str]) -> int:
    env = {**os.environ, "AMANST_DROP_RULE": rule,
           "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "drop_rule_plugin", *paths],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    found = re.search(r"(\d+) failed", proc.stdout)
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and not found):
        raise SystemExit(f"pytest did not run for {rule}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return int(found.group(1)) if found else 0


def main(argv: list[str]) -> int:
    paths = argv or ["tests/core"]
    uncaught = []
    print(f"{'rule':40} failing tests ({' '.join(paths)})")
    for rule in rule_names():
        n = failures(rule, paths)
        print(f"{rule:40} {n}", flush=True)
        if n == 0:
            uncaught.append(rule)
    if uncaught:
        print("removed without any test failing:", ", ".join(uncaught))
        return 1
    print("every rule removed fails at least one test")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
