"""Mutation testing of the core and the certificate register, by hand: the kill rate per module.

    .venv/bin/pip install -e ".[test,mutation]"
    .venv/bin/python bench/mutation.py [MODULE ...] [--children N]   # MODULE: see MODULES below

For each module, mutmut (pinned in the ``mutation`` extra) runs in a scratch copy of this
repository (so nothing here is touched) with the tests that are meant to prove that module; every
mutant is one small change to one function (a flipped comparison, a changed constant, a removed
call). A mutant is *killed* when at least one test fails, *timeout* counts as killed, *survived*
means no test noticed. The table gives the kill rate per module and the survivors are listed with
their diffs in bench/mutation-survivors-MODULE.txt for the explanations in bench/mutation.md.

The scratch copies stay in --work (default /tmp/amanst-mutation/MODULE) so that an interrupted run
resumes; --fresh starts over from the current tree. The register's PostgreSQL cases run when
AMANST_TEST_POSTGRES_URL is set (scripts/with-postgres.sh
``.venv/bin/python bench/mutation.py store``); without it only the SQLite cases run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MODULES = {
    "checks": ("addin/core/checks/*",
               ["tests/core/test_checks.py", "tests/core/test_kontroll_rows.py",
                "tests/core/test_rules_both_ways.py",
                "tests/core/test_values_and_reading.py"]),
    "tally": ("addin/core/tally.py",
              ["tests/core/test_tally.py", "tests/independent/test_tally_json.py",
               "tests/adversarial/test_fuzz.py::test_core_never_raises_and_never_changes_input"]),
    # the single-table rules; the steering workbooks use disclosure (below) for the year
    "suppression": ("addin/core/suppression.py", ["tests/steering/test_suppression.py"]),
    # the year-wide rule; its attacker (linear programming over a year's reports) is slow-marked
    # and is the test that proves this module, so it runs here with the rest
    "disclosure": ("addin/core/disclosure.py",
                   ["tests/steering/test_year_attack.py", "tests/steering/test_workbook.py",
                    "tests/independent/test_steering_workbook.py"]),
    "status": ("addin/core/certificate_status.py",
               ["tests/core/test_status_both_ways.py", "tests/certificates/test_cert_status.py"]),
    "store": ("addin/certificates/store.py",
              ["tests/certificates/test_cert_issue.py", "tests/certificates/test_cert_faults.py",
               "tests/certificates/test_cert_concurrency.py",
               "tests/certificates/test_register.py"]),
}
WITH_SLOW = {"disclosure"}  # modules whose proving tests are marked slow
CONFIG = """[mutmut]
source_paths = addin
only_mutate = {module}
pytest_add_cli_args_test_selection =
{tests}
pytest_add_cli_args =
    -p
    no:cacheprovider
{markers}    -x
also_copy =
    workbooks
    templates
    scripts
    docs
    README.md
    setup.py
"""
STATUSES = ("killed", "survived", "timeout", "no tests", "suspicious", "skipped", "segfault",
            "not checked", "check was interrupted by user", "caught by type check")


def scratch_copy(folder: Path) -> Path:
    folder.mkdir(parents=True)
    files = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / name.decode()
        if source.is_file():
            target = folder / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return folder


def run_module(key: str, children: int, work: Path, fresh: bool) -> dict[str, int]:
    module, tests = MODULES[key]
    tests = [t for t in tests if (ROOT / t.split("::")[0]).exists()]
    folder = work / key
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():  # mutmut picks up where an interrupted run stopped
        print(f"{key}: resuming in {folder}", flush=True)
        return _run(key, module, folder, children)
    scratch_copy(folder)
    (folder / "pyproject.toml").write_text(
        re.sub(r"(?ms)^\[tool\.mutmut\].*?(?=^\[|\Z)", "",
               (folder / "pyproject.toml").read_text(encoding="utf-8")), encoding="utf-8")
    markers = "" if key in WITH_SLOW else "    -m\n    not slow\n"
    (folder / "setup.cfg").write_text(CONFIG.format(
        module=module, tests="\n".join(f"    {t}" for t in tests), markers=markers),
        encoding="utf-8")
    print(f"{key}: mutating {module} in {folder}", flush=True)
    return _run(key, module, folder, children)


def _run(key: str, module: str, folder: Path, children: int) -> dict[str, int]:
    mutmut = [sys.executable, "-m", "mutmut"]
    env = {**os.environ, "PYTHONPATH": str(folder)}
    subprocess.run([*mutmut, "run", "--max-children", str(children)], cwd=folder, env=env,
                   stdout=subprocess.DEVNULL)
    listing = subprocess.run([*mutmut, "results", "--all", "true"], cwd=folder, env=env,
                             capture_output=True, text=True).stdout
    counts = dict.fromkeys(STATUSES, 0)
    survivors = []
    for line in listing.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if status in counts:
            counts[status] += 1
            if status == "survived":
                survivors.append(name)
    report = ROOT / "bench" / f"mutation-survivors-{key}.txt"
    with report.open("w", encoding="utf-8") as out:
        for name in survivors:
            diff = subprocess.run([*mutmut, "show", name], cwd=folder, env=env,
                                  capture_output=True, text=True).stdout
            out.write(f"### {name}\n{diff}\n")
    return counts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=list(MODULES), choices=list(MODULES))
    parser.add_argument("--children", type=int, default=2, help="parallel test runs")
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "amanst-mutation",
                        help="where the scratch copies live (kept, so a run can resume)")
    parser.add_argument("--fresh", action="store_true", help="start again from a new copy")
    args = parser.parse_args(argv)
    rows = []
    for key in args.modules:
        c = run_module(key, args.children, args.work, args.fresh)
        detected = c["killed"] + c["timeout"]
        total = sum(c.values())
        rows.append((key, total, detected, c["survived"], c["no tests"],
                     detected / total if total else 0.0))
    print(f"\n{'module':12} {'mutants':>8} {'killed':>7} {'survived':>9} {'no tests':>9} "
          f"{'rate':>6}")
    for key, total, detected, survived, untested, rate in rows:
        print(f"{key:12} {total:8} {detected:7} {survived:9} {untested:9} {rate:6.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
