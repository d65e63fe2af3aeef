"""The report section for the nämnd: a Word document (docxtpl) from ``templates/namndrapport.docx``.

A nämnd secretary pastes it into the delårsrapport or the årsanalys: delivered places per
förvaltning against target (recommendation 3), outcomes, certificates issued (recommendation 2)
and the mervärde summary (recommendation 1), with a chart and the same suppressed figures as the
steering-group workbook. Rendering is sandboxed, autoescaped (``<5`` must stay text in the XML)
and strict: a placeholder the code does not fill is an error, never an empty gap.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .. import resources
from ..core.errors import AmanstError
from ..core.steering_summary import COUNT, SHARE, SteeringSummary, legend, shown_text
from .charts import target_chart_png

TEMPLATE_NAME = "namndrapport.docx"
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _n(value) -> str:
    return shown_text(value) or "–"


def _pct(value) -> str:
    return shown_text(value, SHARE) or "–"


def _words(value) -> str:
    """A shown count inside a sentence: '12', 'färre än 5' or 'ett antal som inte redovisas'."""
    if isinstance(value, str) and value.startswith("<"):
        return f"färre än {value[1:]}"
    if value == "..":
        return "ett antal som inte redovisas"
    return _n(value)


def _target_sentence(summary: SteeringSummary) -> str:
    """How many förvaltningar reached their target (places are shown exactly)."""
    rows = [r for r in summary.table("forvaltningar").rows[:-1] if isinstance(r[1], int)]
    if not rows:
        return "Ingen förvaltning har ett mål för antalet platser i arbetsboken."
    reached = sum(1 for r in rows if isinstance(r[2], int) and r[2] >= r[1])
    return (f"{reached} av {len(rows)} förvaltningar med mål hade minst lika många platser som "
            "målet.")


CITY = "Hela staden"


def _rows(summary: SteeringSummary, key: str, fields: dict[str, tuple[str, str]]) -> list[dict]:
    """A table's rows as {field: text}; ``fields`` maps a field to (figure key, kind). A table a
    tertial report leaves out becomes one row for the whole city, from the key figures."""
    table = summary.find(key)
    if table is None:
        k = summary.key_figures
        return [{"namn": f"{CITY} (per förvaltning och kön: i delårs- och helårsrapporten)",
                 **{f: _text(k.get(fk), kind) for f, (fk, kind) in fields.items()}}]
    cols = {k: i for i, k in enumerate(table.keys)}
    return [{"namn": str(row[0]),
             **{f: _text(row[cols[fk]], kind) for f, (fk, kind) in fields.items()}}
            for row in table.rows]


def _text(value, kind: str) -> str:
    return shown_text(value, kind) or "–"


PLATSER = {"mal": ("mal", COUNT), "platser": ("platser", COUNT),
           "paborjade": ("paborjade", COUNT), "pagaende": ("pagaende", COUNT),
           "ended": ("ended", COUNT)}
UTFALL = {"ended": ("ended", COUNT), "avslutade": ("avslutade", COUNT),
          "avbrutna": ("avbrutna", COUNT), "till_arbete": ("till_arbete_eller_studier", COUNT),
          "andel": ("share_end", SHARE)}
UTFALL90 = {"ended": ("ended", COUNT), "kanda": ("med_utfall_efter_90", COUNT),
            "till_arbete": ("till_arbete_eller_studier_efter_90", COUNT),
            "andel": ("share_90", SHARE)}
INTYG = {"avslutade": ("avslutade", COUNT), "intyg": ("utfardade_intyg", COUNT),
         "andel": ("share_intyg", SHARE)}
KON = {"platser": ("platser", COUNT), "paborjade": ("paborjade", COUNT),
       "ended": ("ended", COUNT), "till_arbete": ("till_arbete_eller_studier", COUNT),
       "andel": ("share_end", SHARE)}
KON_INTYG = {"intyg": ("utfardade_intyg", COUNT), "andel_intyg": ("share_intyg", SHARE)}


def _kon_rows(summary: SteeringSummary) -> list[dict]:
    """Kön with places and outcomes, and certificates where the same rows show them."""
    rows = _rows(summary, "kon", KON)
    by_name = {r["namn"]: r for r in _rows(summary, "intyg_kon", KON_INTYG)}
    for r in rows:
        extra = by_name.get(r["namn"], {"intyg": "ingår i övriga", "andel_intyg": ""})
        r.update({"intyg": extra["intyg"], "andel_intyg": extra["andel_intyg"]})
    return rows


def _mervarde_rows(summary: SteeringSummary) -> list[dict]:
    rows = []
    for key, perspektiv in (("mervarde_individ", "Individ"),
                            ("mervarde_arbetsplats", "Arbetsplats")):
        table = summary.find(key)
        for row in table.rows if table else []:
            rows.append({"perspektiv": perspektiv, "mervarde": str(row[0]), "ja": _n(row[1]),
                         "delvis": _n(row[2]), "nej": _n(row[3]), "andel": _pct(row[5])})
    return rows or [{"perspektiv": "–", "mervarde": "Redovisas i delårs- och helårsrapporten"
                     if summary.find("mervarde_individ") is None
                     else "Inga bedömningar under perioden",
                     "ja": "", "delvis": "", "nej": "", "andel": ""}]


def _share_words(value, what: str) -> str:
    if isinstance(value, float):
        return f"{_pct(value)} {what}"
    return f"andelen {what} redovisas inte eftersom underlaget är för litet"


def _status(summary: SteeringSummary) -> str:
    basis = summary.basis
    text = f"{basis.quality()} Underlag: {basis.combined()}."
    if not summary.period.standard:
        text = f"{summary.period.label}. {text}"
    return text


def _paragraphs(summary: SteeringSummary, period: str) -> dict[str, str]:
    k = summary.key_figures
    org = summary.organisation or "kommunen"
    mal_text = f" mot ett sammanlagt mål om {_n(k['mal'])} platser" if k["mal"] is not None else ""
    return {
        "inledning": (f"Avsnittet följer upp arbetsmarknadsanställningarna i {org} under "
                      f"{period}: levererade platser per förvaltning, utfallet efter avslutad "
                      "anställning, utfärdade kompetensintyg, kvinnor och män, och det mervärde "
                      "platserna ger individen och arbetsplatsen. Siffrorna är desamma som i "
                      "styrgruppens sammanställning; små antal redovisas inte."),
        "platser_text": (f"Förvaltningarna hade {_words(k['platser'])} platser under perioden"
                         f"{mal_text}. {_words(k['paborjade']).capitalize()} anställningar "
                         f"påbörjades och {_words(k['pagaende'])} pågick vid periodens slut. "
                         f"{_target_sentence(summary)}"),
        "utfall_text": (f"Under perioden slutade {_words(k['ended'])} anställningar: "
                        f"{_words(k['avslutade'])} avslutades och {_words(k['avbrutna'])} "
                        "avbröts i förtid. Direkt efter avslut gick "
                        f"{_share_words(k['share_end'], 'till arbete eller studier')}. En kommunal "
                        "arbetsmarknadsanställning räknas inte som arbete. Förvaltningar med för "
                        "få avslut för att visas var för sig redovisas tillsammans."),
        "utfall90_text": ("Efter 90 dagar gick "
                          f"{_share_words(k['share_90'], 'till arbete eller studier')} av dem "
                          "med ett registrerat utfall."),
        "intyg_text": (f"Efter en avslutad anställning ska deltagaren få ett kompetensintyg "
                       f"(rekommendation 2). Under perioden utfärdades "
                       f"{_words(k['utfardade_intyg'])} intyg för {_words(k['avslutade'])} "
                       f"avslutade anställningar ({_share_words(k['share_intyg'], 'med intyg')}). "
                       "Intygen räknas i intygsregistret: giltiga intyg för placeringar som "
                       "avslutats under perioden."),
        "kon_text": ("Platser, utfall och kompetensintyg för kvinnor och män, enligt kön på "
                     "bladet Deltagare. Grupper som är för små för att visas var för sig "
                     "redovisas tillsammans."),
        "mervarde_text": ("Hur varje plats skapar mervärde för verksamheten och för individen "
                          "(rekommendation 1). Tabellen visar handledarnas bedömningar under "
                          "perioden: Ja, Delvis eller Nej per mervärde."),
    }


def context(summary: SteeringSummary, template: DocxTemplate) -> dict:
    period = summary.period.label
    return {
        "period": period,
        "status": _status(summary),
        **_paragraphs(summary, period),
        "platser": _rows(summary, "forvaltningar", PLATSER),
        "utfall": _rows(summary, "utfall_forvaltningar", UTFALL),
        "utfall90": _rows(summary, "utfall90_forvaltningar", UTFALL90),
        "intyg": _rows(summary, "intyg_forvaltningar", INTYG),
        "kon": _kon_rows(summary),
        "mervarde": _mervarde_rows(summary),
        "diagram": InlineImage(template, io.BytesIO(target_chart_png(summary)), width=Mm(140)),
        "teckenforklaring": "Teckenförklaring: " + " ".join(
            f"{symbol} = {text}" for symbol, text in legend(summary.threshold)),
        "kalla": (f"Källa: {summary.basis.combined()}, sammanställt "
                  f"{summary.generated_at:%Y-%m-%d %H:%M}. Inga personuppgifter ingår."),
    }


def render(summary: SteeringSummary, template_path: Path | None = None) -> bytes:
    template_path = template_path or resources.templates_dir() / TEMPLATE_NAME
    if not template_path.exists():
        raise AmanstError(f"Mallen {template_path} saknas. Skapa den med "
                          "'python scripts/build_report_template.py'.")
    template = DocxTemplate(str(template_path))
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    try:
        template.render(context(summary, template), jinja_env=env, autoescape=True)
    except Exception as exc:  # a broken template: say so in Swedish, with the placeholder
        raise AmanstError(f"Rapportmallen {template_path.name} kunde inte fyllas i: {exc}. Har "
                          "någon ändrat en platshållare ({{ }}) i mallen?") from None
    buffer = io.BytesIO()
    template.save(buffer)
    data = buffer.getvalue()
    leftovers = unfilled(data, template_tags(template_path.read_bytes()))
    if leftovers:
        raise AmanstError(f"Rapporten har ofyllda platshållare ({', '.join(leftovers)}); mallen "
                          f"{template_path.name} stämmer inte med programmet.")
    return data


def _texts(docx: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return {n: re.sub(r"<[^>]+>", "", z.read(n).decode("utf-8")) for n in z.namelist()
                if n.endswith(".xml")}


def template_tags(docx: bytes) -> set[str]:
    return {tag for text in _texts(docx).values() for tag in TAG.findall(text)}


def unfilled(docx: bytes, tags: set[str] | None = None) -> list[str]:
    """The template's tags still in the document (any tag at all when ``tags`` is not given).

    A value from a workbook that happens to hold ``{{`` is text, printed as it is and never
    evaluated; it is not counted as a placeholder left unfilled.
    """
    found = []
    for text in _texts(docx).values():
        found.extend(t for t in TAG.findall(text) if tags is None or t in tags)
    return sorted(set(found))


def file_name(summary: SteeringSummary) -> str:
    return (f"Rapport-arbetsmarknadsanstallningar-{summary.period_from:%Y-%m-%d}--"
            f"{summary.period_to:%Y-%m-%d}.docx")
