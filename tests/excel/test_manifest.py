"""The manifest Excel installs: requirements, our icons, our support URL, and its references.

What is checked comes from Microsoft's manifest reference (learn.microsoft.com/javascript/api/
manifest): ``Requirements`` in the base manifest is the minimum Office must support to activate
the add-in; a command's ``Icon`` needs images of 16, 32 and 80 px and may add 20, 24, 40, 48 and
64 px; a ``resid`` is at most 32 characters and names an element of ``Resources``; a short string
is at most 125 characters and a long one 250; ``IconUrl``/``HighResolutionIconUrl`` are the
add-in's own images (32 and 64 px); ``SupportUrl`` a page with support information; and the
children of ``OfficeApp`` come in the schema's order ("How to find the proper order of manifest
elements"). The ExcelApi sets of the Office.js members come from "Excel JavaScript API
requirement sets".
"""

from __future__ import annotations

import struct

import pytest
from lxml import etree

from addin.excel import excelapi
from addin.excel.scripts import SCRIPTS

NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
      "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
      "ov": "http://schemas.microsoft.com/office/taskpaneappversionoverrides"}
ORDER = ["Id", "Version", "ProviderName", "DefaultLocale", "DisplayName", "Description",
         "IconUrl", "HighResolutionIconUrl", "SupportUrl", "AppDomains", "Hosts", "Requirements",
         "DefaultSettings", "Permissions", "VersionOverrides"]


@pytest.fixture()
def manifest(client):
    response = client.get("/manifest.xml")
    assert response.status_code == 200
    return etree.fromstring(response.content)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def local(url: str) -> str:
    assert url.startswith("http://testserver/"), url
    return url.removeprefix("http://testserver")


def test_the_minimum_excel_api_is_declared(manifest):
    sets = {s.get("Name"): s.get("MinVersion")
            for s in manifest.findall("o:Requirements/o:Sets/o:Set", NS)}
    # Range.setCellProperties (Kontrollera's marks) and the page layout and shapes xlwings' client
    # reads are ExcelApi 1.9, the highest set every click needs; Table.resize (1.13) falls back
    assert sets == {"ExcelApi": "1.9", "SharedRuntime": "1.1"}
    assert excelapi.MIN_EXCEL_API == "1.9"


def test_notes_and_table_resize_raise_no_minimum():
    assert {k: v for k, (_, v) in excelapi.FALLS_BACK.items()} == {
        "addNote": "1.18", "deleteNote": "1.18", "resizeTable": "1.13"}
    assert excelapi.minimum() not in {"1.18", "1.13"}


def test_the_base_manifest_keeps_the_schemas_order(manifest):
    names = [etree.QName(child).localname for child in manifest if isinstance(child.tag, str)]
    assert [n for n in names if n in ORDER] == [n for n in ORDER if n in names]
    assert {"IconUrl", "HighResolutionIconUrl", "SupportUrl", "Requirements"} <= set(names)


def test_every_resid_is_short_and_defined_and_every_resource_used(manifest):
    resources = manifest.find("ov:VersionOverrides/ov:Resources", NS)
    defined = {e.get("id") for e in resources.iter() if e.get("id")}
    used = {e.get("resid") for e in manifest.iter() if e.get("resid")}
    assert used and all(len(r) <= 32 for r in used), [r for r in used if len(r) > 32]
    assert used <= defined, used - defined
    assert defined <= used, defined - used
    for text in resources.findall("bt:ShortStrings/bt:String", NS):
        assert len(text.get("DefaultValue")) <= 125, text.get("id")
    for text in resources.findall("bt:LongStrings/bt:String", NS):
        assert len(text.get("DefaultValue")) <= 250, text.get("id")


def test_each_button_has_its_own_icon_at_every_size_served_by_us(client, manifest):
    images = {i.get("id"): i.get("DefaultValue")
              for i in manifest.iterfind(".//ov:Resources/bt:Images/bt:Image", NS)}
    controls = manifest.findall(".//ov:Control", NS)
    assert len(controls) == len(SCRIPTS) + 1  # every button and Visa aktivitetsfönster
    icon_files = []
    for control in [*controls, manifest.find(".//ov:Group", NS)]:
        sizes = {int(i.get("size")): images[i.get("resid")]
                 for i in control.findall("ov:Icon/bt:Image", NS)}
        assert {16, 32, 80} <= set(sizes) <= {16, 20, 24, 32, 40, 48, 64, 80}, control.get("id")
        for size, url in sizes.items():
            response = client.get(local(url))
            assert response.status_code == 200 and response.headers["content-type"] == "image/png"
            assert png_size(response.content) == (size, size), url
        icon_files.append(sizes[32])
    assert len(set(icon_files)) == len(icon_files)  # no two controls share an icon
    assert not any("xlwings" in url for url in images.values())


def test_the_add_ins_own_icon_and_high_resolution_icon(client, manifest):
    for element, size in (("IconUrl", 32), ("HighResolutionIconUrl", 64)):
        url = manifest.find(f"o:{element}", NS).get("DefaultValue")
        assert "xlwings" not in url
        assert png_size(client.get(local(url)).content) == (size, size)


def test_the_support_url_is_ours(client, monkeypatch):
    def support(xml: bytes) -> str:
        return etree.fromstring(xml).find("o:SupportUrl", NS).get("DefaultValue")

    default = support(client.get("/manifest.xml").content)
    assert default == "http://testserver/"  # the start page, which links to IT's documentation
    assert "Dokumentation för IT" in client.get(local(default)).text
    monkeypatch.setenv("AMANST_SUPPORT_URL", "https://intranat.malmo.se/amanst-stod")
    assert support(client.get("/manifest.xml").content) == "https://intranat.malmo.se/amanst-stod"


def _without_notes(body: dict) -> dict:
    """What xlwings' client sends from an Excel without ExcelApi 1.18 (notesArray gives [])."""
    for sheet in body["sheets"]:
        sheet.update(notes=[], notes_supported=False)
    return body


def test_kontrollera_falls_back_without_notes_and_still_marks(client):
    import openpyxl

    from .conftest import EXAMPLE
    from .officejs_client import apply, payload

    include = SCRIPTS["kontrollera"].__xlscript__["include"]
    wb = openpyxl.load_workbook(EXAMPLE)
    funcs = []
    for notes in (False, True, False):  # old Excel, then new, then old again after notes exist
        body = payload(EXAMPLE, include, workbook=wb)
        response = client.post("/xlwings/custom-scripts-call/kontrollera",
                               json=body if notes else _without_notes(body))
        assert response.status_code == 200, response.text
        actions = response.json()["actions"]
        funcs.append({a["func"] for a in actions})
        apply(actions, wb)
    old, new, old_again = funcs
    assert "addNote" in new
    for without in (old, old_again):
        assert not without & set(excelapi.FALLS_BACK), without & set(excelapi.FALLS_BACK)
        assert "setRangeColors" in without  # the marks keep their colour
