"""Which Excel the add-in needs: the ExcelApi requirement set the manifest declares, and why.

Excel installs an add-in only where the manifest's ``<Requirements>`` are met, so an Excel too old
for a button never shows the buttons instead of failing on the first click. The minimum is the
highest requirement set among the Office.js calls every click makes: those of xlwings' client
(``xlwings_server/static/js/custom-scripts``, pinned with xlwings-server) when it reads the
workbook, and those of the actions our buttons send back. Each entry names the Office.js member
and the set Microsoft lists it in ("Excel JavaScript API requirement sets",
learn.microsoft.com/javascript/api/requirement-sets/excel/excel-api-requirement-sets).

Calls the add-in makes only where Excel has them are in ``FALLS_BACK`` and raise no minimum: cell
notes (ExcelApi 1.18) are added only when the client reports ``notes_supported`` (the marks then
keep their colour and Kontroll lists every problem; ``book._notes_supported``); a table is resized
to take appended rows in (Table.resize, ExcelApi 1.13) only when the client reports ExcelApi 1.13
or later in ``book.excel_api`` (amanst-run.js sends it with every click); below it the rows are
written just under the table, where every button reads them all the same (``book._grow_table``).
"""

from __future__ import annotations

# What xlwings' client calls on every click to read the workbook (getBookData), unconditionally.
READING = {
    "Worksheet.getRangeByIndexes, NamedItem.formula, Range.getSurroundingRegion": "1.7",
    "Worksheet.showGridlines": "1.8",
    "Worksheet.pageLayout.getPrintAreaOrNullObject, Worksheet.shapes, Shape.type": "1.9",
    "Worksheet.getUsedRangeOrNullObject, Worksheet.names, getItemOrNullObject": "1.4",
    "Table.showFilterButton, Table.highlightFirstColumn": "1.3",
}

# The actions our buttons send (xlwings' client function → the Office.js member it calls).
ACTIONS = {
    "activateSheet": ("Worksheet.activate", "1.1"),
    "addChart": ("ChartCollection.add", "1.1"),
    "addSheet": ("WorksheetCollection.add", "1.1"),
    "addTable": ("TableCollection.add, Table.style", "1.1"),
    "freezePaneAtRange": ("WorksheetFreezePanes.freezeAt", "1.7"),
    "setChartName": ("Chart.name", "1.1"),
    "setChartType": ("Chart.chartType", "1.7"),
    "setColumnWidth": ("RangeFormat.columnWidth", "1.2"),
    "setDataValidationList": ("Range.dataValidation", "1.8"),
    "setFontProperty": ("RangeFont", "1.1"),
    "setNumberFormat": ("Range.numberFormat", "1.1"),
    # The add-in's own action amanstWrite (amanst-run.js): number formats and values of a block.
    "runMacro": ("Worksheet.getRangeByIndexes, Range.numberFormat, Range.values", "1.7"),
    "setRangeColor": ("RangeFill.color", "1.1"),
    "setRangeColors": ("Range.setCellProperties", "1.9"),
    "setSheetVisibility": ("Worksheet.visibility", "1.1"),
    "setValues": ("Range.values", "1.1"),
    "setWrapText": ("RangeFormat.wrapText", "1.1"),
    "sheetDelete": ("Worksheet.delete", "1.1"),
}

# Used only where the client says Excel has them; they raise no minimum.
FALLS_BACK = {
    "addNote": ("NoteCollection.add", "1.18"),
    "deleteNote": ("Note.delete", "1.18"),
    "resizeTable": ("Table.resize", "1.13"),
}


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def minimum() -> str:
    """The highest requirement among the calls every click may make."""
    versions = [*READING.values(), *(v for _, v in ACTIONS.values())]
    return max(versions, key=_key)


MIN_EXCEL_API = minimum()
