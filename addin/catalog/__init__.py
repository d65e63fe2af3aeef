"""The reference data that a new workbook starts with (copied from the city's shared catalog).

Administrators edit these lists in their own workbook; the code reads the lists from the workbook,
so these files only seed the template.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources

from ..core import schema

FILES = {
    schema.FORVALTNINGAR: "forvaltningar.csv",
    schema.YRKESOMRADEN: "yrkesomraden.csv",
    schema.KOMPETENSER: "kompetenser.csv",
    schema.NIVAER: "nivaer.csv",
    schema.ANSTALLNINGSFORMER: "anstallningsformer.csv",
    schema.MERVARDEN: "mervarden.csv",
    schema.UTFALL: "utfall.csv",
    schema.AVBROTTSORSAKER: "avbrottsorsaker.csv",
}


def catalog_rows() -> dict[str, list[list[object]]]:
    """Rows of each catalog sheet in the sheet's column order, typed as Excel should hold them."""
    result: dict[str, list[list[object]]] = {}
    for sheet, filename in FILES.items():
        spec = schema.SPEC_BY_NAME[sheet]
        text = resources.files(__package__).joinpath(filename).read_text(encoding="utf-8")
        rows = []
        for record in csv.DictReader(text.splitlines()):
            row: list[object] = []
            for column in spec.columns:
                value = (record.get(column.header) or "").strip()
                if column.kind is schema.ColumnKind.DATE:
                    row.append(date.fromisoformat(value) if value else None)
                elif column.kind is schema.ColumnKind.INTEGER:
                    row.append(int(value) if value else None)
                else:
                    row.append(value or None)
            rows.append(row)
        result[sheet] = rows
    return result
