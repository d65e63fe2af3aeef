"""Eligibility and the certificate context: what goes on a certificate and what never does."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from addin.core import schema
from addin.core.certificate_plan import CONTEXT_KEYS, latest_final, plan
from addin.core.model import Assessment
from tests import example_facts as facts

from certhelpers import TODAY


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_example_plan_splits_completed_placements(example_register):
    p = plan(example_register, TODAY)
    completed = [x for x in example_register.placements if x.status == schema.STATUS_AVSLUTAD]
    assert len(p.candidates) + len(p.ineligible) == len(completed) == facts.COMPLETED
    assert len(p.candidates) == facts.ELIGIBLE
    # the planted Fel (an identity number, a level 5 on Bedömningar row 203) must be fixed first
    assert [i.plats_id for i in p.ineligible if "har fel som måste rättas" in i.reason] == \
        facts.BLOCKED_BY_FEL
    assert any("Bedömningar rad 203" in i.reason for i in p.ineligible)
    assert all(c.placement.status == schema.STATUS_AVSLUTAD for c in p.candidates)
    # every other completed place only waits for its Slutbedömning, and is marked so
    waiting = [i for i in p.ineligible if i.awaiting_final]
    assert len(waiting) == facts.INELIGIBLE - len(facts.BLOCKED_BY_FEL)
    assert all("saknar slutbedömning" in i.reason for i in waiting)


def test_reasons_for_missing_final_assessment_and_status(example_register):
    target = next(c for c in plan(example_register, TODAY).candidates)
    pid = target.plats_id
    example_register.assessments = [a for a in example_register.assessments
                                    if not (a.plats_id == pid and a.tillfalle == schema.SLUTBEDOMNING)]
    p = plan(example_register, TODAY)
    reason = next(i.reason for i in p.ineligible if i.plats_id == pid)
    assert reason == f"Platsen {pid} saknar slutbedömning på bladet Bedömningar."
    ongoing = next(x for x in example_register.placements if x.status == schema.STATUS_PAGAENDE)
    p = plan(example_register, TODAY, only=[ongoing.plats_id])
    assert "intyg utfärdas bara för avslutade" in p.ineligible[0].reason
    p = plan(example_register, TODAY, only=["P9999"])
    assert p.ineligible[0].reason == "PlatsID P9999 finns inte på bladet Platser."


def test_valid_certificate_stops_a_second_one(example_register):
    first = plan(example_register, TODAY).candidates[0]
    p = plan(example_register, TODAY, certified={first.plats_id: "ASF-2026-00001"})
    assert (first.plats_id, "ASF-2026-00001") in p.already
    assert first.plats_id not in {c.plats_id for c in p.candidates}
    again = plan(example_register, TODAY, certified={first.plats_id: "ASF-2026-00001"},
                 only=[first.plats_id], reissue=True)
    assert again.candidates[0].replaces == "ASF-2026-00001"


def test_competences_threshold_order_and_level_names(example_register):
    reg = example_register
    cand = plan(reg, TODAY).candidates[0]
    finals = [a for a in reg.assessments
              if a.plats_id == cand.plats_id and a.tillfalle == schema.SLUTBEDOMNING]
    latest = latest_final(finals)
    ctx = cand.context("ASF-2026-00001", "AAAA-BBBB-CCCC", TODAY)
    assert set(ctx) == CONTEXT_KEYS
    printed = {(k["namn"], k["niva"]) for g in ctx["grupper"] for k in g["kompetenser"]}
    # an English certificate names each competence by the catalog's Kompetens (engelska)
    names = {(k.modul, k.kompetens): k.kompetens_en if cand.language == "en" else k.kompetens
             for k in reg.catalog.kompetenser}
    expected = {(names[(a.modul, a.kompetens)], a.niva) for a in latest.values()
                if a.niva >= reg.settings.lagsta_niva}
    assert printed == expected and printed
    below = {names[(a.modul, a.kompetens)] for a in latest.values()
             if a.niva < reg.settings.lagsta_niva}
    assert not below & {name for name, _ in printed}
    levels = {n: v.benamning for n, v in reg.catalog.nivaer.items()}
    if cand.language == "sv":
        for g in ctx["grupper"]:
            for k in g["kompetenser"]:
                assert k["niva_namn"] == levels[k["niva"]]
    group_order = [g["namn"] for g in ctx["grupper"]]
    assert group_order == sorted(group_order, key=[
        "Språk", "Sociala färdigheter", "Allmänna kompetenser", "Praktiskt kunnande",
        "Yrkeskompetenser", "Language", "Social skills", "General competences",
        "Practical skills", "Vocational competences"].index)
    assert [n["niva"] for n in ctx["nivaer"]] == [2, 3, 4]


def test_latest_final_row_wins():
    def a(row, day, level):
        return Assessment(row, "P1", date(2026, 5, day), schema.SLUTBEDOMNING, "Språk", "K", level,
                          "", "X")
    assert latest_final([a(2, 10, 1), a(3, 12, 3), a(4, 11, 4)])[("Språk", "K")].niva == 3
    assert latest_final([a(2, 12, 1), a(3, 12, 2)])[("Språk", "K")].niva == 2


def test_higher_threshold_drops_levels(example_register):
    example_register.settings.lagsta_niva = 4
    cand = plan(example_register, TODAY).candidates[0]
    ctx = cand.context("N", "C", TODAY)
    assert all(k["niva"] == 4 for g in ctx["grupper"] for k in g["kompetenser"])
    assert [n["niva"] for n in ctx["nivaer"]] == [4]


def test_no_personnummer_no_avbrottsorsak_birth_date_from_samordningsnummer(example_register):
    reg = example_register
    cands = plan(reg, TODAY).candidates
    identity = {p.deltagar_id: p.personnummer for p in reg.participants}
    samordning = 0
    for c in cands:
        ctx = c.context("N", "C", TODAY)
        text = " ".join(_strings(ctx))
        pnr = identity[c.deltagar_id]
        if pnr:
            digits = pnr.replace("-", "").replace("+", "")
            assert pnr not in text and digits not in text
            day = int(digits[-6:-4])
            if day > 60:
                samordning += 1
                assert c.participant.birth_date.day == day - 60
                assert ctx["deltagare"]["fodelsedatum"].startswith(f"{day - 60} ")
        for reason in reg.catalog.avbrottsorsaker:
            assert reason not in text
    assert samordning > 0


def test_english_labels(example_register):
    cand = next(c for c in plan(example_register, TODAY).candidates if c.language == "en")
    ctx = cand.context("N", "C", date(2026, 11, 27))
    assert ctx["intyg"]["datum"] == "27 November 2026"
    assert {g["namn"] for g in ctx["grupper"]} <= {
        "Language", "Social skills", "General competences", "Practical skills",
        "Vocational competences"}
    assert ctx["nivaer"][0]["namn"] == "With support"


def test_health_revealing_form_is_printed_neutrally(example_register):
    cand = plan(example_register, TODAY).candidates[0]
    cand.placement = replace(cand.placement, anstallningsform="Lönebidrag för anställning")
    cand.form_reveals_health = True
    ctx = cand.context("N", "C", TODAY)
    assert ctx["anstallning"]["form"] in ("Arbetsmarknadsanställning", "Subsidised employment")
    forms = {c.placement.anstallningsform: c.form_reveals_health
             for c in plan(example_register, TODAY).candidates}
    for form, hidden in forms.items():
        assert hidden == example_register.catalog.anstallningsformer[form].rojer_halsouppgift
