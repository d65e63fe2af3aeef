"""Rules for the Platser sheet: IDs, lists, dates in order, the certificate's fields, outcomes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from .. import schema
from ..model import Placement, Problem
from ..values import format_date
from .base import NINETY_DAYS, VARNING, Context, P, ids_required_and_unique, listed, problem


def plats_id_required_and_unique(ctx: Context) -> Iterator[Problem]:
    return ids_required_and_unique(P, ctx.register.placements, "plats_id", "PlatsID", "plats")


def status_from_list(ctx: Context) -> Iterator[Problem]:
    for p in ctx.register.placements:
        if p.status not in schema.STATUSES:
            yield problem(P, p.row, "Status", p.status,
                          "Status saknas." if not p.status else
                          f"Okänd status. Välj en av: {listed(schema.STATUSES)}.")


def catalog_references(ctx: Context) -> Iterator[Problem]:
    cat = ctx.register.catalog
    for p in ctx.register.placements:
        if p.forvaltning not in cat.forvaltningar:
            yield problem(P, p.row, "Förvaltning", p.forvaltning, "Förvaltning saknas." if not
                          p.forvaltning else "Förvaltningen finns inte på bladet Förvaltningar.")
        if p.yrkesomrade not in cat.yrkesomraden:
            yield problem(P, p.row, "Yrkesområde", p.yrkesomrade, "Yrkesområde saknas." if not
                          p.yrkesomrade else "Yrkesområdet finns inte på bladet Yrkesområden.")
        if not p.arbetsplats:
            yield problem(P, p.row, "Arbetsplats", "",
                          "Arbetsplats saknas. Skriv enhet och arbetsplats.")


def anstallningsform_valid_on_start(ctx: Context) -> Iterator[Problem]:
    forms = ctx.register.catalog.anstallningsformer
    for p in ctx.register.placements:
        form = forms.get(p.anstallningsform)
        if form is None:
            yield problem(P, p.row, "Anställningsform", p.anstallningsform,
                          "Anställningsform saknas."
                          if not p.anstallningsform else
                          "Anställningsformen finns inte på bladet Anställningsformer.")
        elif p.startdatum and not form.valid_on(p.startdatum):
            span = f"{format_date(form.giltig_fran) or '…'}–{format_date(form.giltig_till) or '…'}"
            yield problem(P, p.row, "Anställningsform", p.anstallningsform,
                          f"{p.anstallningsform} gäller {span} och kan inte användas för en plats "
                          f"som startar {format_date(p.startdatum)}.")


def participant_and_supervisor(ctx: Context) -> Iterator[Problem]:
    for p in ctx.register.placements:
        offered = p.status == schema.STATUS_ERBJUDEN
        if p.deltagar_id and p.deltagar_id not in ctx.participant_ids:
            yield problem(P, p.row, "DeltagarID", p.deltagar_id,
                          "DeltagarID finns inte på bladet Deltagare.")
        elif not p.deltagar_id and not offered and p.status in schema.STATUSES:
            yield problem(P, p.row, "DeltagarID", "", f"DeltagarID saknas. En plats med status "
                          f"{p.status} ska ange sin deltagare.")
        if not p.handledare and not offered and p.status in schema.STATUSES:
            yield problem(P, p.row, "Handledare", "", "Handledare saknas.")


def dates_in_order(ctx: Context) -> Iterator[Problem]:
    for p in ctx.register.placements:
        ended = p.status in schema.ENDED_STATUSES
        if p.startdatum is None and p.status in (schema.STATUS_PAGAENDE, *schema.ENDED_STATUSES) \
                and not p.unreadable:
            yield problem(P, p.row, "Startdatum", "", f"Startdatum saknas för en plats med status "
                          f"{p.status}.")
        if p.startdatum and p.planerat_slutdatum and p.planerat_slutdatum < p.startdatum:
            yield problem(P, p.row, "Planerat slutdatum", p.planerat_slutdatum,
                          "Planerat slutdatum ligger före startdatum.")
        if p.startdatum and p.slutdatum and p.slutdatum < p.startdatum:
            yield problem(P, p.row, "Slutdatum", p.slutdatum, "Slutdatum ligger före startdatum.")
        if p.slutdatum and p.slutdatum > ctx.today:
            yield problem(P, p.row, "Slutdatum", p.slutdatum,
                          "Slutdatum ligger i framtiden. Fyll i slutdatum först när platsen har "
                          "tagit slut; använd Planerat slutdatum innan dess.")
        if ended and p.slutdatum is None and not p.unreadable:
            yield problem(P, p.row, "Slutdatum", "",
                          f"Slutdatum saknas. En plats med status {p.status} "
                          "ska ha ett slutdatum.")
        if not ended and p.slutdatum is not None and p.status in schema.STATUSES:
            yield problem(P, p.row, "Slutdatum", p.slutdatum,
                          f"En plats med status {p.status} ska inte ha något slutdatum. Ändra "
                          "status till Avslutad eller Avbruten, eller töm cellen.")


def sysselsattningsgrad_in_range(ctx: Context) -> Iterator[Problem]:
    for p in ctx.register.placements:
        grad = p.sysselsattningsgrad
        if grad is not None and not 1 <= grad <= 100:
            yield problem(P, p.row, "Sysselsättningsgrad", f"{grad:g} %".replace(".", ","),
                          "Sysselsättningsgraden ska vara mellan 1 och 100 %.")
        elif grad is None and p.status == schema.STATUS_AVSLUTAD and not p.unreadable:
            yield problem(P, p.row, "Sysselsättningsgrad", "",
                          "Sysselsättningsgrad saknas; den står på "
                          "kompetensintyget.", VARNING)


def arbetsuppgifter_when_completed(ctx: Context) -> Iterator[Problem]:
    for p in ctx.register.placements:
        if p.status == schema.STATUS_AVSLUTAD and not p.arbetsuppgifter:
            yield problem(P, p.row, "Arbetsuppgifter", "", "Arbetsuppgifter saknas. De står på "
                          "kompetensintyget och krävs när platsen är avslutad.")


def avbrottsorsak_only_when_interrupted(ctx: Context) -> Iterator[Problem]:
    reasons = ctx.register.catalog.avbrottsorsaker
    for p in ctx.register.placements:
        if p.avbrottsorsak and p.avbrottsorsak not in reasons:
            yield problem(P, p.row, "Avbrottsorsak", p.avbrottsorsak,
                          "Avbrottsorsaken finns inte på bladet Avbrottsorsaker.")
        elif p.status == schema.STATUS_AVBRUTEN and not p.avbrottsorsak:
            yield problem(P, p.row, "Avbrottsorsak", "",
                          "Avbrottsorsak saknas för en avbruten plats.")
        elif p.avbrottsorsak and p.status != schema.STATUS_AVBRUTEN and p.status in schema.STATUSES:
            yield problem(P, p.row, "Avbrottsorsak", p.avbrottsorsak,
                          f"Avbrottsorsak ska bara anges när "
                          f"status är Avbruten (här: {p.status}).")


def utfall(ctx: Context) -> Iterator[Problem]:
    outcomes = ctx.register.catalog.utfall
    for p in ctx.register.placements:
        ended = p.status in schema.ENDED_STATUSES
        for column, value in (("Utfall vid avslut", p.utfall_vid_avslut),
                              ("Utfall efter 90 dagar", p.utfall_efter_90)):
            if value and value not in outcomes:
                yield problem(P, p.row, column, value, "Utfallet finns inte på bladet Utfall.")
        if ended and not p.utfall_vid_avslut:
            yield problem(P, p.row, "Utfall vid avslut", "", "Utfall vid avslut saknas. Ange vad "
                          "deltagaren gick vidare till.", VARNING)
        if p.utfall_vid_avslut and not ended and p.status in schema.STATUSES:
            yield problem(P, p.row, "Utfall vid avslut", p.utfall_vid_avslut,
                          "Utfall vid avslut kan "
                          "bara anges när platsen är avslutad eller avbruten.")
        if p.utfall_efter_90:
            if p.slutdatum is None:
                if not p.unreadable:
                    yield problem(P, p.row, "Utfall efter 90 dagar", p.utfall_efter_90,
                                  "Utfall efter 90 dagar kräver ett slutdatum.")
            elif p.slutdatum + NINETY_DAYS > ctx.today:
                yield problem(P, p.row, "Utfall efter 90 dagar", p.utfall_efter_90,
                              f"Utfall efter 90 dagar kan anges först från "
                              f"{format_date(p.slutdatum + NINETY_DAYS)}.")


def no_overlapping_placements(ctx: Context) -> Iterator[Problem]:
    far = date.max
    by_participant: dict[str, list[Placement]] = defaultdict(list)
    for p in ctx.register.placements:
        if p.deltagar_id and p.startdatum and p.status in schema.STATUSES[1:]:
            by_participant[p.deltagar_id].append(p)
    for deltagar_id, placements in by_participant.items():
        placements.sort(key=lambda p: (p.startdatum, p.row))
        latest: Placement | None = None
        for p in placements:
            if latest is not None and p.startdatum <= (latest.slutdatum or far):  # type: ignore[operator]
                yield problem(P, p.row, "Startdatum", p.startdatum,
                              f"Deltagaren {deltagar_id} har redan plats {latest.plats_id} (rad "
                              f"{latest.row}) under samma tid. En deltagare kan inte ha två "
                              "platser samtidigt.")
            if latest is None or (p.slutdatum or far) > (latest.slutdatum or far):
                latest = p


RULES = (plats_id_required_and_unique, status_from_list, catalog_references,
         anstallningsform_valid_on_start, participant_and_supervisor, dates_in_order,
         sysselsattningsgrad_in_range, arbetsuppgifter_when_completed,
         avbrottsorsak_only_when_interrupted, utfall, no_overlapping_placements)
