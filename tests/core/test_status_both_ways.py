"""The certificate register's status rules, both ways: every pair of statuses is either a step the
life of a number allows or one it refuses, and each refusal is a refusal.

The allowed steps are written here from the life the README and the module's docstring describe
(claimed, then a certificate or voided; a valid one replaced or revoked, a replaced one revoked;
a claim taken over from a run that died; one step back while a reissue's claim is voided), not
read from ``FORWARD``: a step added to or dropped from the code fails one case here.
"""

from __future__ import annotations

import itertools

import pytest

from addin.core import certificate_status as cs

STATUSES = (cs.NEW, cs.PENDING, cs.VALID, cs.VOID, cs.REPLACED, cs.REVOKED)
NAMES = {cs.NEW: "nytt", cs.PENDING: "Utfärdas", cs.VALID: "Giltigt", cs.VOID: "Makulerat",
         cs.REPLACED: "Ersatt", cs.REVOKED: "Återkallat"}

ALLOWED = {
    ("nytt", "Utfärdas"),  # a number is claimed
    ("Utfärdas", "Utfärdas"),  # a claim taken over from a run that did not finish
    ("Utfärdas", "Giltigt"),  # it became a certificate
    ("Utfärdas", "Makulerat"),  # it never became one
    ("Giltigt", "Ersatt"),  # a reissue replaced it
    ("Giltigt", "Återkallat"),
    ("Ersatt", "Återkallat"),  # a replaced one can still be revoked
    ("Ersatt", "Giltigt"),  # the one step back: the reissue's claim was voided
}
PAIRS = list(itertools.product(STATUSES, STATUSES))


@pytest.mark.parametrize("frm, to", PAIRS, ids=[f"{NAMES[a]}->{NAMES[b]}" for a, b in PAIRS])
def test_each_pair_is_allowed_or_refused(frm, to):
    if (NAMES[frm], NAMES[to]) in ALLOWED:
        assert cs.allowed(frm, to)
        assert cs.reason_for(frm, to)  # the history's reason, in Swedish
    else:
        assert not cs.allowed(frm, to)
        with pytest.raises(cs.TransitionRefused):
            cs.reason_for(frm, to)


@pytest.mark.parametrize("final", [cs.VOID, cs.REVOKED], ids=["Makulerat", "Återkallat"])
def test_final_statuses_have_no_way_out(final):
    assert final in cs.FINAL
    assert not any(cs.allowed(final, to) for to in STATUSES)


def test_the_step_back_is_not_a_forward_step():
    """``later`` follows forward steps only: Giltigt is not later than Ersatt."""
    assert cs.later(cs.VALID, cs.REPLACED) and not cs.later(cs.REPLACED, cs.VALID)
    assert cs.later(cs.NEW, cs.REVOKED) and not cs.later(cs.REVOKED, cs.NEW)
    assert not cs.later(cs.VALID, cs.VALID)
