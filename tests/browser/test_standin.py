"""The Excel stand-in itself behaves as Microsoft documents Excel (sources in excel_standin.js):

- Excel on the web: "a payload size limit for requests and responses of 5MB", error codes
  RequestPayloadSizeLimitExceeded / ResponsePayloadSizeLimitExceeded, which "only occur in Excel
  on the web"; "A range is limited to 5,000,000 cells for read operations" (RangeExceedsLimit);
- a property is readable only after load() and sync() (PropertyNotLoaded);
- null in a 2-D array leaves a cell as it is, "" clears it ("Blank and null values");
- only the members of the emulated ExcelApi version exist, and isSetSupported says so.
"""

from __future__ import annotations

import pytest

BIG_WRITE = """async () => {
  const text = "x".repeat(1000);
  try {
    await Excel.run(async (context) => {
      const sheet = context.workbook.worksheets.getItem("Instruktioner");
      sheet.getRange("A1:E1200").values = Array.from({length: 1200}, () => Array(5).fill(text));
      await context.sync();
    });
    return {ok: true};
  } catch (e) {
    return {code: e.code, message: e.message};
  }
}"""

READ = """async (address) => {
  try {
    return await Excel.run(async (context) => {
      const range = context.workbook.worksheets.getItem("Blad").getRange(address).load("values");
      await context.sync();
      return {rows: range.values.length};
    });
  } catch (e) {
    return {code: e.code, message: e.message};
  }
}"""


def test_a_request_over_5_mb_is_refused_on_the_web_and_nothing_is_applied(open_pane):
    pane = open_pane(mode="web")
    result = pane.page.evaluate(BIG_WRITE)
    assert result["code"] == "RequestPayloadSizeLimitExceeded"
    assert result["message"].startswith("The request payload size has exceeded the limit.")
    assert pane.sheet("Instruktioner")["values"][0][0] != "x" * 1000


def test_the_same_request_passes_on_the_desktop(open_pane):
    pane = open_pane(mode="desktop")
    assert pane.page.evaluate(BIG_WRITE) == {"ok": True}


def test_a_response_over_5_mb_is_refused_and_a_read_over_5_million_cells_everywhere(open_pane):
    pane = open_pane(mode="web")
    pane.page.evaluate("""() => {
      const s = ExcelStandIn.model.sheets[0];
      s.name = "Blad";
      for (let r = 0; r < 6000; r++) s.setRaw(r, 0, "y".repeat(1000));
    }""")
    assert pane.page.evaluate(READ, "A1:A3000") == {"rows": 3000}
    refused = pane.page.evaluate(READ, "A1:A6000")
    assert refused["code"] == "ResponsePayloadSizeLimitExceeded"
    assert pane.page.evaluate(READ, "A1:E1000001")["code"] == "RangeExceedsLimit"


def test_properties_need_load_and_sync(open_pane):
    pane = open_pane()
    result = pane.page.evaluate("""async () => Excel.run(async (context) => {
      const range = context.workbook.worksheets.getItem("Platser").getRange("A1");
      let before;
      try { before = range.values; } catch (e) { before = e.code; }
      range.load("values");
      await context.sync();
      return [before, range.values];
    })""")
    assert result == ["PropertyNotLoaded", [["PlatsID"]]]


def test_null_keeps_a_cell_and_an_empty_string_clears_it(open_pane):
    pane = open_pane()
    pane.page.evaluate("""async () => Excel.run(async (context) => {
      const range = context.workbook.worksheets.getItem("Platser").getRange("A1:B1");
      range.numberFormat = [["@", null]];
      range.values = [[null, ""]];
      await context.sync();
    })""")
    platser = pane.sheet("Platser")
    assert platser["values"][0][:2] == ["PlatsID", None]
    assert platser["formats"][0][:2] == ["@", "General"]


@pytest.mark.parametrize("api, notes, resize", [("1.18", True, True), ("1.12", False, False)])
def test_only_the_emulated_requirement_set_exists(open_pane, api, notes, resize):
    pane = open_pane(api=api)
    got = pane.page.evaluate("""async () => Excel.run(async (context) => {
      const sheet = context.workbook.worksheets.getItem("Bedömningar");
      const tables = sheet.tables.load("items");
      await context.sync();
      return [Office.context.requirements.isSetSupported("ExcelApi", "1.18"),
              sheet.notes !== undefined, typeof tables.items[0].resize === "function",
              Office.context.requirements.isSetSupported("ExcelApi", "1.12")];
    })""")
    assert got == [notes, notes, resize, True]
