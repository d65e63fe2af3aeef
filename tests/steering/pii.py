"""What must never leave the register: collected from a Register, searched for in output text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from addin.core.model import Register


def personal_data(register: Register) -> set[str]:
    found: set[str] = set()
    for p in register.participants:
        found.update(v for v in (p.deltagar_id, p.fornamn, p.efternamn, p.personnummer) if v)
        digits = re.sub(r"\D", "", p.personnummer)
        if digits:
            found.add(digits)
    for p in register.placements:
        found.update(v for v in (p.deltagar_id, p.handledare, p.arbetsplats, p.arbetsuppgifter) if v)
    for a in register.assessments:
        found.update(v for v in (a.kommentar, a.bedomd_av) if v)
    for m in register.mervarden:
        if m.kommentar:
            found.add(m.kommentar)
    for c in register.certificates:
        found.update(v for v in (c.deltagar_id, c.intygsnummer) if v)
    return {v for v in found if len(v) >= 3}


def assert_no_personal_data(secrets: Iterable[str], texts: Iterable[str]) -> None:
    text = "\n".join(texts)
    leaks = sorted(s for s in secrets if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text))
    assert not leaks, f"personal data in the output: {leaks[:10]}"
