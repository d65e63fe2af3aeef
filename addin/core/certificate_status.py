"""The life of a certificate number: which status may follow which, and nothing else.

A number is claimed (``Utfärdas``) and then either becomes a certificate (``Giltigt``) or is voided
(``Makulerat``: it never became one, and is never used again). A valid certificate can be replaced
by a reissue (``Ersatt``) or revoked (``Återkallat``); a replaced one can still be revoked.
``Återkallat`` and ``Makulerat`` are final.

One step goes back: when a reissue's claim is voided (its run died and nobody finished it), the
certificate it was to replace is valid again, but only while that certificate is still ``Ersatt``
by exactly that claim. That step is ``RESTORE`` and is allowed only under that condition; the
register checks it in the same statement that makes the change.

The register (``addin.certificates.store``) makes every status change through one method that
checks ``allowed`` and records the change in its append-only history. Example certificates
(``amanst demo``) have numbers of their own prefix, ``DEMO_PREFIX``, which only an example
register (``DEMO_KIND``) hands out, and which no other register accepts.
"""

from __future__ import annotations

from . import schema

PENDING = "Utfärdas"  # claimed, files being made (internal)
VOID = "Makulerat"  # a claim that never became a certificate (internal)
VALID = schema.CERT_GILTIGT
REPLACED = schema.CERT_ERSATT
REVOKED = schema.CERT_ATERKALLAT
NEW = ""  # before the number existed

DEMO_PREFIX = "EXEMPEL"  # example certificates (amanst demo): no real register takes this prefix
DEMO_KIND = "exempel"  # what an example register says it is (register_info "kind")

LIVE = (PENDING, VALID)  # statuses that hold a placement
FINAL = (VOID, REVOKED)

# (from, to) → what the step means, in Swedish (the history's default reason)
FORWARD: dict[tuple[str, str], str] = {
    (NEW, PENDING): "numret togs i anspråk",
    (PENDING, PENDING): "övertaget från en körning som inte gjorde klart",
    (PENDING, VALID): "utfärdat",
    (PENDING, VOID): "makulerat: intyget blev aldrig klart",
    (VALID, REPLACED): "ersatt av ett nytt intyg",
    (VALID, REVOKED): "återkallat",
    (REPLACED, REVOKED): "återkallat",
}
# the one step back, allowed only while the replacing claim is voided and this one still Ersatt
RESTORE = (REPLACED, VALID)
RESTORE_REASON = "giltigt igen: intyget som skulle ersätta det blev aldrig klart"


class TransitionRefused(Exception):
    """A status change that the rules above do not allow (a defect in the caller)."""


def allowed(frm: str, to: str) -> bool:
    return (frm, to) in FORWARD or (frm, to) == RESTORE


def reason_for(frm: str, to: str) -> str:
    if (frm, to) == RESTORE:
        return RESTORE_REASON
    if (frm, to) not in FORWARD:
        raise TransitionRefused(f"{frm or 'nytt'} → {to}")
    return FORWARD[(frm, to)]


def later(frm: str, to: str) -> bool:
    """True when ``to`` can follow ``frm`` by forward steps only (``frm`` is older than ``to``)."""
    seen, frontier = {frm}, [frm]
    while frontier:
        current = frontier.pop()
        for a, b in FORWARD:
            if a == current and b not in seen and b != current:
                seen.add(b)
                frontier.append(b)
    return to != frm and to in seen
