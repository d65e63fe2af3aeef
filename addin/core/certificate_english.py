"""What an English certificate prints instead of the workbook's Swedish catalog texts.

Every catalog text a certificate shows has an English column beside it on its catalog sheet
(``Kompetens (engelska)``, ``Benämning (engelska)``, ``Yrkesområde (engelska)``,
``SSYK-benämning (engelska)``, ``Anställningsform (engelska)``, ``Förvaltning (engelska)``), which
the coordinator edits like the Swedish one. A workbook made before those columns existed, or a
row left empty, falls back to the English of the catalog this package ships (``fallback``, read by
``addin.certificates.english``), but only for the exact Swedish text it translates; a text the
coordinator wrote or changed has no English until they give it one. A placement whose English
certificate would still hold Swedish catalog text is not issued: ``plan`` reports what is missing
and where.

The five module names (Språk … Yrkeskompetens) are fixed by the workbook contract, so their
English is fixed too (``context.GROUP_NAMES``). Free text is the user's: ``Arbetsuppgifter``
prints ``Arbetsuppgifter (engelska)`` on an English certificate when given, otherwise the Swedish
text labelled as such; ``Arbetsplats`` is a workplace's name and prints as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from . import schema
from .model import Catalog, Placement, Settings

# (what, Swedish text) → English: the catalog columns whose English a fallback may give
TRANSLATED = (
    (schema.KOMPETENSER, (("Kompetens", "kompetens"),)),
    (schema.NIVAER, (("Benämning", "niva"), ("Beskrivning", "beskrivning"))),
    (schema.YRKESOMRADEN, (("Yrkesområde", "yrkesomrade"), ("SSYK-benämning", "ssyk"))),
    (schema.ANSTALLNINGSFORMER, (("Anställningsform", "form"),)),
    (schema.FORVALTNINGAR, (("Förvaltning", "forvaltning"),)),
)


def fallback_from_rows(rows: Mapping[str, list[list[object]]]) -> dict[tuple[str, str], str]:
    """The fallback English from catalog rows in the sheets' column order."""
    out: dict[tuple[str, str], str] = {}
    for sheet, pairs in TRANSLATED:
        headers = schema.SPEC_BY_NAME[sheet].headers
        for header, what in pairs:
            sv, en = headers.index(header), headers.index(header + schema.EN)
            for row in rows.get(sheet, []):
                if row[sv] and row[en]:
                    out[(what, str(row[sv]))] = str(row[en])
    return out


@dataclass
class EnglishTexts:
    """The English a certificate prints; ``missing`` says, in Swedish, what has none."""

    competences: dict[tuple[str, str], str] = field(default_factory=dict)  # (modul, sv) → en
    levels: dict[int, tuple[str, str]] = field(default_factory=dict)
    area: str = ""
    ssyk_name: str = ""
    form: str = ""
    forvaltning: str = ""
    issuer_forvaltning: str = ""
    organisation: str = ""
    title: str = ""
    missing: list[str] = field(default_factory=list)


def english_texts(catalog: Catalog, settings: Settings, placement: Placement,
                  fallback: Mapping[tuple[str, str], str],
                  competences: list[tuple[str, str]], levels: list[int]) -> EnglishTexts:
    """The English of everything the certificate of ``placement`` prints from the catalog."""
    out = EnglishTexts()

    def _pick(given: str, what: str, swedish: str) -> str:
        return given.strip() or fallback.get((what, swedish), "")

    def need(value: str, label: str, sheet: str, column: str) -> str:
        if not value:
            out.missing.append(f"{label} (bladet {sheet}, kolumnen {column}{schema.EN})")
        return value

    by_key = {(k.modul, k.kompetens): k for k in catalog.kompetenser}
    for modul, name in competences:
        k = by_key.get((modul, name))
        out.competences[(modul, name)] = need(
            _pick(k.kompetens_en if k else "", "kompetens", name), f"kompetensen '{name}'",
            schema.KOMPETENSER, "Kompetens")
    for n in levels:
        niva = catalog.nivaer[n]
        out.levels[n] = (
            need(_pick(niva.benamning_en, "niva", niva.benamning),
                 f"nivån '{niva.benamning}'", schema.NIVAER, "Benämning"),
            need(_pick(niva.beskrivning_en, "beskrivning", niva.beskrivning),
                 f"beskrivningen av nivån '{niva.benamning}'", schema.NIVAER, "Beskrivning"))
    area = catalog.yrkesomraden.get(placement.yrkesomrade)
    if area is not None:
        out.area = need(_pick(area.name_en, "yrkesomrade", area.name),
                        f"yrkesområdet '{area.name}'", schema.YRKESOMRADEN, "Yrkesområde")
        if area.ssyk_benamning:
            out.ssyk_name = need(_pick(area.ssyk_benamning_en, "ssyk", area.ssyk_benamning),
                                 f"SSYK-benämningen '{area.ssyk_benamning}'",
                                 schema.YRKESOMRADEN, "SSYK-benämning")
    form = catalog.anstallningsformer.get(placement.anstallningsform)
    if form is not None and not form.rojer_halsouppgift:
        out.form = need(_pick(form.name_en, "form", form.name),
                        f"anställningsformen '{form.name}'", schema.ANSTALLNINGSFORMER,
                        "Anställningsform")
    for attr, name in (("forvaltning", placement.forvaltning),
                       ("issuer_forvaltning", settings.get(schema.S_FORVALTNING))):
        if not name:
            continue
        f = catalog.forvaltningar.get(name)
        setattr(out, attr, need(_pick(f.name_en if f else "", "forvaltning", name),
                                f"förvaltningen '{name}'", schema.FORVALTNINGAR, "Förvaltning"))
    out.organisation = (settings.get(schema.S_ORGANISATION_EN).strip()
                        or settings.get(schema.S_ORGANISATION))
    out.title = settings.get(schema.S_TITEL_EN).strip() or settings.get(schema.S_TITEL)
    return out
