"""The app roles of the add-in (Entra ID app roles in production) and what each may do.

- ``amanst.handlaggare``: Kontrollera, Sammanställ, Nytt bedömningsformulär, Spara bedömning;
- ``amanst.intygsutfardare``: Utfärda intyg;
- ``amanst.samordnare``: Skicka till styrgruppen.

In development without sign-in, the server's stand-in user holds every role (see ``webapp``).
"""

from __future__ import annotations

HANDLAGGARE = "amanst.handlaggare"
INTYGSUTFARDARE = "amanst.intygsutfardare"
SAMORDNARE = "amanst.samordnare"
ALL_ROLES = (HANDLAGGARE, INTYGSUTFARDARE, SAMORDNARE)

DESCRIPTIONS = {
    HANDLAGGARE: "handläggare (kontrollera, sammanställ, bedömningar)",
    INTYGSUTFARDARE: "intygsutfärdare (utfärda kompetensintyg)",
    SAMORDNARE: "samordnare (skicka till styrgruppen)",
}
