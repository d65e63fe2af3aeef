"""Benchmark: validate and tally a city-wide register (10,000 places, 150,000 assessment rows).

Run by hand: ``python bench/bench_register.py [--places 10000] [--keep DIR]``. It generates the
register (fictitious, fixed seed), then measures side by side in one run:

- reading: calamine (what we use) against openpyxl read-only, as a ratio;
- the core: normalising rows into records, the checks, the tally;
- the whole ``amanst validate --json`` and ``amanst tally --json`` (nothing written), and
  ``amanst validate --out`` (openpyxl loads and saves the whole workbook), each in a fresh process
  with its peak memory.

Targets on a 2-core machine: the core checks and tallies 10,000 places in under 0.5 s; a whole
``validate --json`` in under 5 s. Figures vary with load: compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from addin.core import checks, schema
from addin.catalog import catalog_rows
from addin.core.reading import load_register
from addin.core.compute import compute
from addin.core.tally import tally
from addin.xlsx import reader

REPEAT = 3


def generate(path: Path, places: int, assessments_per_place: int = 15, seed: int = 7) -> dict:
    """A register over 2021–2026 in write-only mode (no tables: size is what is measured)."""
    rng = random.Random(seed)
    cat = catalog_rows()
    wb = Workbook(write_only=True)
    for spec in schema.CATALOG_SHEETS:
        ws = wb.create_sheet(spec.name)
        ws.append(list(spec.headers))
        if spec.name == schema.INSTALLNINGAR:
            for row in ([schema.S_PERIOD_FRAN, date(2026, 1, 1)],
                        [schema.S_PERIOD_TILL, date(2026, 12, 31)],
                        [schema.S_MINSTA_ANTAL, 5], [schema.S_LAGSTA_NIVA, 2],
                        [schema.S_ORGANISATION, "Malmö stad"],
                        [schema.S_FORVALTNING, "Arbetsmarknadsförvaltningen"],
                        [schema.S_PREFIX, "ASF"], [schema.S_ORT, "Malmö"],
                        # as in production: every certificate carries its own QR code
                        [schema.S_VERIFIERINGSADRESS, "https://intyg.malmo.se/verifiera"],
                        [schema.S_UNDERTECKNARE, "Hanna Handledare"],
                        [schema.S_TITEL, "Enhetschef"]):
                ws.append(row)
        else:
            for row in cat[spec.name]:
                ws.append(row)
    forvaltningar = [r[0] for r in cat[schema.FORVALTNINGAR]]
    areas = [r[0] for r in cat[schema.YRKESOMRADEN]]
    # Kompetenser has more columns than these three (the English name): take the first three.
    general = [(m, k) for m, y, k, *_ in cat[schema.KOMPETENSER]
               if m != schema.MODUL_YRKESKOMPETENS]
    own = {a: [(m, k) for m, y, k, *_ in cat[schema.KOMPETENSER] if y == a] for a in areas}
    forms = ["Kommunal arbetsmarknadsanställning", "Introduktionsjobb", "Nystartsjobb",
             "Lönebidrag för anställning", "Arbetsträning"]
    outcomes = [r[0] for r in cat[schema.UTFALL]]

    deltagare = wb.create_sheet(schema.DELTAGARE)
    deltagare.append(list(schema.SPEC_BY_NAME[schema.DELTAGARE].headers))
    platser = wb.create_sheet(schema.PLATSER)
    platser.append(list(schema.SPEC_BY_NAME[schema.PLATSER].headers))
    bedomningar = wb.create_sheet(schema.BEDOMNINGAR)
    bedomningar.append(list(schema.SPEC_BY_NAME[schema.BEDOMNINGAR].headers))
    mervarde = wb.create_sheet(schema.MERVARDE)
    mervarde.append(list(schema.SPEC_BY_NAME[schema.MERVARDE].headers))
    pairs = [tuple(r) for r in cat[schema.MERVARDEN]]
    counts = {"places": places, "assessments": 0, "mervarde": 0}
    for n in range(1, places + 1):
        pid = f"D{n:05d}"
        deltagare.append([pid, "Test", f"Person{n}", None, "Kvinna" if n % 2 else "Man", None])
        start = date(2021, 1, 4) + timedelta(days=rng.randint(0, 2000))
        end = start + timedelta(days=rng.choice([90, 180, 270, 364]))
        status = "Avslutad" if end < date(2026, 10, 1) else "Pågående"
        if n % 23 == 0:
            status = "Avbruten"
        ended = status != "Pågående"
        area = rng.choice(areas)
        platser.append([f"P{n:05d}", rng.choice(forvaltningar), "Enhet – Centrum", area,
                        rng.choice(forms), pid, "Hanna Handledare", start, end,
                        end if ended else None, status, 1.0,
                        "Arbetsuppgifter enligt rutin" if status == "Avslutad" else None,
                        "Egen begäran" if status == "Avbruten" else None,
                        rng.choice(outcomes) if ended else None, None])
        items = general + own[area]
        for modul, kompetens in rng.sample(items, min(assessments_per_place, len(items))):
            bedomningar.append([f"P{n:05d}", min(end, date(2026, 9, 30)),
                                schema.SLUTBEDOMNING if ended else "Uppföljning 1", modul, kompetens,
                                rng.randint(1, 4), None, "Hanna Handledare"])
            counts["assessments"] += 1
        for perspektiv, value in rng.sample(pairs, 3):
            mervarde.append([f"P{n:05d}", min(end, date(2026, 9, 30)), perspektiv, value, "Ja", None])
            counts["mervarde"] += 1
    wb.save(path)
    return counts


def best(fn, repeat: int = REPEAT):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def in_fresh_process(args: list[str]) -> tuple[float, float]:
    """Wall time and peak memory (MB) of ``amanst ARGS`` in a new interpreter."""
    code = ("import resource, sys, io, contextlib, time\n"
            "from addin import cli\n"
            "t0 = time.perf_counter()\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    cli.main({args!r})\n"
            "t = time.perf_counter() - t0\n"
            "print(t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, mb = out.stdout.split()
    return float(seconds), float(mb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="keep the generated workbook in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="amanst-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "stor-register.xlsx"

    t0 = time.perf_counter()
    counts = generate(path, args.places)
    print(f"register: {counts['places']} platser, {counts['assessments']} bedömningar, "
          f"{counts['mervarde']} mervärden; {path.stat().st_size / 1e6:.1f} MB "
          f"(genererat på {time.perf_counter() - t0:.1f} s)")

    t_cal, raw = best(lambda: reader.read_raw_book(path))
    t_opx, _ = best(lambda: reader.read_raw_book_openpyxl(path), repeat=1)
    t_load, reg = best(lambda: load_register(raw, today=date(2026, 11, 27)))
    t_check, problems = best(lambda: checks.validate(reg, date(2026, 11, 27)))
    t_tally, _ = best(lambda: tally([reg], date(2026, 1, 1), date(2026, 12, 31)))
    # what every summary runs: combine, check, the period's tally and the year's for suppression
    t_compute, computed = best(lambda: compute([reg], date(2026, 1, 1), date(2026, 12, 31),
                                               date(2026, 11, 27)))
    t_summary, _ = best(lambda: computed.summary(datetime(2026, 11, 27, 9, 0)))
    core = t_load + t_check + t_tally
    print(f"läsa, calamine:              {t_cal:6.2f} s")
    print(f"läsa, openpyxl (read-only):  {t_opx:6.2f} s   ({t_opx / t_cal:.1f}× calamine)")
    print(f"kärnan: rader till poster    {t_load:6.2f} s")
    print(f"kärnan: alla kontroller      {t_check:6.2f} s   ({len(problems)} problem)")
    print(f"kärnan: sammanställning      {t_tally:6.2f} s")
    print(f"kärnan: compute (med kontroll och årets tertialer) {t_compute:6.2f} s")
    print(f"kärnan: styrgruppens tabeller {t_summary:6.2f} s")
    print(f"kärnan totalt                {core:6.2f} s   (mål < 0,5 s för 10 000 platser; "
          f"platser och bedömningar räknas båda)")

    runs = {
        "validate --json": ["validate", str(path), "--json"],
        "tally --json": ["tally", str(path), "--json"],
        "validate --out": ["validate", str(path), "--out", str(folder / "kontrollerad.xlsx")],
    }
    figures = {}
    for label, cli_args in runs.items():
        seconds, mb = in_fresh_process(cli_args)
        figures[label] = (seconds, mb)
        print(f"amanst {label:16} {seconds:6.2f} s, toppminne {mb:6.0f} MB")
    whole = figures["validate --json"][0]
    print(f"validate --json mot openpyxl-läsning enbart: {whole / t_opx:.2f}× "
          f"(under 1 betyder att hela kommandot går fortare än att bara läsa med openpyxl)")
    print(json.dumps({"calamine_s": round(t_cal, 3), "openpyxl_s": round(t_opx, 3),
                      "core_s": round(core, 3), "validate_json_s": round(whole, 3),
                      "validate_out_s": round(figures["validate --out"][0], 3)}))


if __name__ == "__main__":
    main()
