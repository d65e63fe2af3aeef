"""One register, five outputs, one set of figures.

The tally JSON, the Sammanställning sheet, the steering workbook, its e-mail and the report section
are all made from the example and one certificate register (some certificates valid, one revoked,
and a forged row on the workbook's Intygsregister sheet that must not count); every figure they
share must be identical, read back from each file the way a reader would see it.
"""

from __future__ import annotations

import email
import io
import json
import re
from datetime import date, datetime
from email.policy import default

import docx
import openpyxl
import pytest

from addin.certificates.store import ClaimRequest, SqliteStore
from addin.cli.main import main
from addin.core import schema
from addin.operations import read_register

from .conftest import EXAMPLE

TODAY = "2026-11-27"
ISSUED = datetime(2026, 11, 20, 10, 0)


@pytest.fixture(scope="module")
def certificate_register(tmp_path_factory):
    """Valid certificates for every third completed placement of the example, one revoked."""
    path = tmp_path_factory.mktemp("register") / "intygsregister.sqlite3"
    reg = read_register(EXAMPLE, date(2026, 11, 27))
    chosen = [p for p in reg.placements if p.status == "Avslutad"][::3]
    store = SqliteStore(path)
    claims, _ = store.claim("ASF", 2026, [ClaimRequest(p.plats_id, p.deltagar_id, "sv")
                                          for p in chosen], "test", "exempel.xlsx", ISSUED)
    store.finalize([(c.number, "fp", {}) for c in claims], ISSUED)
    store.revoke(claims[0].number, "test", ISSUED)
    store.close()
    return path


@pytest.fixture(scope="module")
def outputs(certificate_register, tmp_path_factory):
    folder = tmp_path_factory.mktemp("outputs")
    common = ["--register", str(certificate_register), "--today", TODAY]
    sheet, steering, eml, report = (folder / "sammanstallning.xlsx", folder / "styrgrupp.xlsx",
                                    folder / "utkast.eml", folder / "rapport.docx")
    assert main(["tally", str(EXAMPLE), "--out", str(sheet), *common]) == 0
    assert main(["steering", str(EXAMPLE), "--out", str(steering), "--eml", str(eml), *common]) == 0
    assert main(["report", str(EXAMPLE), "--out", str(report), *common]) == 0
    return sheet, steering, eml, report


def _json(capsys, register) -> dict:
    assert main(["tally", str(EXAMPLE), "--json", "--register", str(register),
                 "--today", TODAY]) == 0
    return json.loads(capsys.readouterr().out)


def _sheet_total(path) -> dict:
    ws = openpyxl.load_workbook(path)["Sammanställning"]
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "Per förvaltning") + 1
    headers = rows[start]
    total = next(r for r in rows[start:] if r[0] == "Totalt")
    return dict(zip(headers, total))


def _overview(path) -> dict:
    wb = openpyxl.load_workbook(path)
    figures = {r[0]: r[1] for r in wb["Översikt"].iter_rows(values_only=True) if r[0]}
    rows = list(wb["Utfall"].iter_rows(values_only=True))
    headers = next(r for r in rows if r[0] == "Förvaltning")
    total = next(r for r in rows if r[0] == "Totalt")
    figures.update({f"Utfall {h}": v for h, v in zip(headers, total)})
    return figures


def _number(text: str, pattern: str) -> int:
    match = re.search(pattern, text)
    assert match, pattern
    return int(match.group(1))


def test_five_outputs_show_the_same_figures(outputs, certificate_register, capsys):
    sheet, steering, eml, report = outputs
    data = _json(capsys, certificate_register)
    k = {key: item["varde"] for key, item in data["nyckeltal"].items()}
    assert k["utfardade_intyg"] > 0  # the register's certificates are counted
    total = data["totalt"]
    assert (k["platser"], k["avslutade"], k["utfardade_intyg"]) == (
        total["platser"], total["avslutade"], total["utfardade_intyg"])

    s = _sheet_total(sheet)
    assert (s["Mål"], s["Platser"], s["Påbörjade"], s["Pågående vid periodens slut"],
            s["Avslutade"], s["Avbrutna"], s["Till arbete eller studier"],
            s["Utfärdade intyg"]) == (k["mal"], k["platser"], k["paborjade"], k["pagaende"],
                                      k["avslutade"], k["avbrutna"],
                                      k["till_arbete_eller_studier"], k["utfardade_intyg"])
    assert s["Andel avslutade med intyg"] == pytest.approx(k["share_intyg"], abs=1e-4)

    o = _overview(steering)
    assert (o["Mål antal platser"], o["Platser"], o["Påbörjade"], o["Pågående vid periodens slut"],
            o["Avslutade eller avbrutna"], o["Utfärdade kompetensintyg"]) == (
        k["mal"], k["platser"], k["paborjade"], k["pagaende"], k["ended"], k["utfardade_intyg"])
    assert (o["Utfall Avslutade"], o["Utfall Avbrutna"],
            o["Utfall Till arbete eller studier vid avslut"]) == (
        k["avslutade"], k["avbrutna"], k["till_arbete_eller_studier"])
    for label, key in (("Andel till arbete eller studier vid avslut", "share_end"),
                       ("Andel till arbete eller studier efter 90 dagar", "share_90"),
                       ("Andel avslutade med intyg", "share_intyg")):
        assert o[label] == pytest.approx(k[key], abs=1e-4)

    msg = email.message_from_bytes(eml.read_bytes(), policy=default)
    body = msg.get_body(("plain",)).get_content()
    assert f"Platser: {k['platser']} (mål {k['mal']})" in body
    assert f"Påbörjade: {k['paborjade']}" in body
    assert f"Pågår vid periodens slut: {k['pagaende']}" in body
    assert f"Avslutade eller avbrutna: {k['ended']}" in body
    assert f"Till arbete/studier vid avslut: {round(k['share_end'] * 100)} %" in body
    assert (f"Kompetensintyg: {k['utfardade_intyg']} ({round(k['share_intyg'] * 100)} % av de "
            "avslutade)") in body

    document = docx.Document(io.BytesIO(report.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert _number(text, r"hade (\d+) platser under perioden") == k["platser"]
    assert _number(text, r"mål om (\d+) platser") == k["mal"]
    assert _number(text, r"(\d+) anställningar påbörjades") == k["paborjade"]
    assert _number(text, r"och (\d+) pågick") == k["pagaende"]
    assert _number(text, r"slutade (\d+) anställningar") == k["ended"]
    assert _number(text, r": (\d+) avslutades") == k["avslutade"]
    assert _number(text, r"och (\d+) avbröts") == k["avbrutna"]
    assert _number(text, r"utfärdades (\d+) intyg") == k["utfardade_intyg"]

    # every output says where the certificates are counted, in words
    workbook_text = " ".join(str(v) for v in o.values())
    sheet_text = " ".join(str(r[0]) for r in openpyxl.load_workbook(sheet)["Sammanställning"]
                          .iter_rows(values_only=True) if r[0])
    assert "intygsregistret" in sheet_text
    assert "intygsregistret" in data["utfardade_intyg_kalla"]
    assert "intygsregistret" in workbook_text and "intygsregistret" in body
    assert "intygsregistret" in text


def test_a_certificate_only_on_the_sheet_is_not_counted(certificate_register, capsys, tmp_path):
    """The Intygsregister sheet is a copy anyone can edit: the register decides."""
    before = _json(capsys, certificate_register)["nyckeltal"]["utfardade_intyg"]["varde"]
    forged = tmp_path / "forged.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.create_sheet("Intygsregister")
    ws.append(list(schema.REGISTER_SHEET.headers))
    reg = read_register(EXAMPLE, date(2026, 11, 27))
    completed = [p for p in reg.placements if p.status == "Avslutad"]
    uncertified = next(p for i, p in enumerate(completed)
                       if i % 3 and p.slutdatum and p.slutdatum.year == 2026)
    forged_row = {"Intygsnummer": "ASF-2026-99999", "PlatsID": uncertified.plats_id,
                  "DeltagarID": uncertified.deltagar_id, "Status": "Giltigt"}
    ws.append([forged_row.get(h) for h in schema.REGISTER_SHEET.headers])
    wb.save(forged)
    assert main(["tally", str(forged), "--json", "--register", str(certificate_register),
                 "--today", TODAY]) == 0
    after = json.loads(capsys.readouterr().out)["nyckeltal"]["utfardade_intyg"]["varde"]
    assert after == before
    assert read_register(forged, date(2026, 11, 27)).certificates  # the sheet was read
