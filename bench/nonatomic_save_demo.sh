#!/usr/bin/env bash
# Show that tests/adversarial/test_faults.py catches a save that is not atomic, every time:
# copy the repository to a scratch folder, make writer.save_atomic write over the target in place
# (keeping the save points, so the harness can still find its step), and run the fault test N
# times (default 5). Prints the result of each run; exits 0 when every run failed.
#     bench/nonatomic_save_demo.sh [N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
scratch=$(mktemp -d /tmp/amanst-nonatomic.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$scratch"' EXIT
(cd "$root" && git ls-files -z -c -o --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$scratch"
"$root/.venv/bin/python" - "$scratch/addin/xlsx/writer.py" <<'PY'
import sys
path = sys.argv[1]
source = open(path, encoding="utf-8").read()
atomic = """        with tmp.open("wb") as fh:
            wb.save(savepoints.watched(fh))
            fh.flush()
            os.fsync(fh.fileno())
        savepoints.reached(savepoints.WRITTEN)
        os.replace(tmp, target)
        savepoints.reached(savepoints.REPLACED)
"""
in_place = """        with target.open("wb") as fh:  # NOT atomic: the target itself is rewritten
            wb.save(savepoints.watched(fh))
            fh.flush()
            os.fsync(fh.fileno())
        savepoints.reached(savepoints.WRITTEN)
        savepoints.reached(savepoints.REPLACED)
"""
assert atomic in source, "writer.save_atomic has changed; update this demo"
open(path, "w", encoding="utf-8").write(source.replace(atomic, in_place))
PY
cd "$scratch"
"$root/.venv/bin/python" -c "import addin.xlsx.writer as w; assert w.__file__.startswith('$scratch'), w.__file__"
failed=0
for i in $(seq 1 "$runs"); do
  if "$root/.venv/bin/python" -m pytest -q -p no:cacheprovider tests/adversarial/test_faults.py \
       -k "save:writing" >"$scratch/run$i.log" 2>&1; then
    echo "run $i: passed (the non-atomic save was NOT caught)"
  else
    failed=$((failed + 1))
    echo "run $i: failed: $(grep -m1 -E '^E ' "$scratch/run$i.log" | cut -c1-110)"
  fi
done
echo "$failed of $runs runs caught the non-atomic save"
[ "$failed" -eq "$runs" ]
