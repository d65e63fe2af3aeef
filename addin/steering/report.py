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
from .charts import target_chart_png
from ..core.steering_summary import SHARE, SteeringSummary, legend, shown_text

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
    """How many förvaltningar reached their target, from shown figures only."""
    reached = missed = unknown = 0
    for row in summary.table("forvaltningar").rows[:-1]:
        mal, platser = row[1], row[2]
        if mal is None:
            continue
        if isinstance(platser, int):
            reached += platser >= mal
            missed += platser < mal
        elif platser == summary.below and mal >= summary.threshold:
            missed += 1
        else:
            unknown += 1
    with_target = reached + missed + unknown
    if not with_target:
        return "Ingen förvaltning har ett mål för antalet platser i arbetsboken."
    text = (f"{reached} av {with_target} förvaltningar med mål hade minst lika många platser som "
            "målet")
    return text + (f"; för {unknown} kan det inte avgöras eftersom antalet är litet." if unknown
                   else ".")


def context(summary: SteeringSummary, template: DocxTemplate) -> dict:
    k = summary.key_figures
    period = f"{summary.period_from:%Y-%m-%d} – {summary.period_to:%Y-%m-%d}"
    org = summary.organisation or "kommunen"
    f = summary.table("forvaltningar")
    cols = {h: i for i, h in enumerate(f.headers)}

    def get(row, header):
        return row[cols[header]]

    platser, utfall, intyg = [], [], []
    for row in f.rows:
        name = str(row[0])
        platser.append({"namn": name, "mal": _n(get(row, "Mål antal platser")),
                        "platser": _n(get(row, "Platser")), "paborjade": _n(get(row, "Påbörjade")),
                        "pagaende": _n(get(row, "Pågående vid periodens slut"))})
        utfall.append({"namn": name, "avslutade": _n(get(row, "Avslutade")),
                       "avbrutna": _n(get(row, "Avbrutna")),
                       "till_arbete": _n(get(row, "Till arbete eller studier vid avslut")),
                       "andel": _pct(get(row, "Andel till arbete eller studier vid avslut")),
                       "andel_90": _pct(get(row, "Andel till arbete eller studier efter 90 dagar"))})
        intyg.append({"namn": name, "avslutade": _n(get(row, "Avslutade")),
                      "intyg": _n(get(row, "Utfärdade kompetensintyg")),
                      "andel": _pct(get(row, "Andel avslutade med intyg"))})
    mervarde = []
    for key, perspektiv in (("mervarde_individ", "Individ"), ("mervarde_arbetsplats", "Arbetsplats")):
        for row in summary.table(key).rows:
            mervarde.append({"perspektiv": perspektiv, "mervarde": str(row[0]), "ja": _n(row[1]),
                             "delvis": _n(row[2]), "nej": _n(row[3]), "andel": _pct(row[5])})
    if not mervarde:
        mervarde.append({"perspektiv": "–", "mervarde": "Inga bedömningar under perioden",
                         "ja": "", "delvis": "", "nej": "", "andel": ""})

    def share_words(value, what: str) -> str:
        if isinstance(value, float):
            return f"{_pct(value)} {what}"
        return f"andelen {what} redovisas inte eftersom underlaget är för litet"

    mal_text = f" mot ett sammanlagt mål om {_n(k['mal'])} platser" if k["mal"] is not None else ""
    return {
        "period": period,
        "inledning": (f"Avsnittet följer upp arbetsmarknadsanställningarna i {org} under perioden "
                      f"{period}: levererade platser per förvaltning, utfallet efter avslutad "
                      "anställning, utfärdade kompetensintyg och det mervärde platserna ger "
                      "individen och arbetsplatsen. Siffrorna är desamma som i styrgruppens "
                      "sammanställning; små antal redovisas inte."),
        "platser_text": (f"Förvaltningarna hade {_words(k['platser'])} platser under perioden"
                         f"{mal_text}. {_words(k['paborjade']).capitalize()} anställningar "
                         f"påbörjades och {_words(k['pagaende'])} pågick vid periodens slut. "
                         f"{_target_sentence(summary)}"),
        "utfall_text": (f"Under perioden slutade {_words(k['ended'])} anställningar: "
                        f"{_words(k['avslutade'])} avslutades och {_words(k['avbrutna'])} avbröts i "
                        "förtid. Direkt efter avslut "
                        f"gick {share_words(k['share_end'], 'till arbete eller studier')}; efter 90 "
                        f"dagar {share_words(k['share_90'], 'till arbete eller studier')} (av dem "
                        "med registrerat utfall). En kommunal arbetsmarknadsanställning räknas inte "
                        "som arbete."),
        "intyg_text": (f"Efter en avslutad anställning ska deltagaren få ett kompetensintyg "
                       f"(rekommendation 2). Under perioden utfärdades {_words(k['utfardade_intyg'])} "
                       f"intyg för {_words(k['avslutade'])} avslutade anställningar "
                       f"({share_words(k['share_intyg'], 'med intyg')})."),
        "mervarde_text": ("Hur varje plats skapar mervärde för verksamheten och för individen "
                          "(rekommendation 1). Tabellen visar handledarnas bedömningar under "
                          "perioden: Ja, Delvis eller Nej per mervärde."),
        "platser": platser, "utfall": utfall, "intyg": intyg, "mervarde": mervarde,
        "diagram": InlineImage(template, io.BytesIO(target_chart_png(summary)), width=Mm(140)),
        "teckenforklaring": "Teckenförklaring: " + " ".join(
            f"{symbol} = {text}" for symbol, text in legend(summary.threshold)),
        "kalla": (f"Källa: {', '.join(summary.sources) or 'arbetsboken'}, sammanställt "
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
