"""The installation's certificate settings turned into what issuing and the public service take.

The entry points load ``Settings`` (``addin.settings``) and pass them here: the PDF seal
(``seal_pkcs12``, ``seal_password``, ``seal_tsa_url``), the Open Badges signing key
(``credential_key``, ``credential_old_keys``), the verification address
(``verification_address``) and whether this is production (``production``). A key that is set but
unusable stops issuing with a Swedish message instead of issuing certificates without their
credential. In production the verification address must be the installation's setting, not a
workbook's: the server publishes the keys and the issuer profile beside the address it is given,
and the credentials must name that very address.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import credential, seal
from .qr import VerificationAddressError

PRODUCTION_NEEDS_ADDRESS = (
    "I produktion kommer verifieringsadressen från installationens inställning "
    "verification_address (AMANST_VERIFICATION_ADDRESS), inte från arbetsboken. Ange den, till "
    "exempel https://intyg.malmo.se/verifiera (se docs/installningar.md). Inget har utfärdats.")


def seal_config(settings: Any) -> seal.SealConfig:
    return seal.SealConfig(settings.seal_pkcs12, settings.seal_password,
                           settings.seal_tsa_url.strip())


def credential_config(settings: Any) -> credential.CredentialConfig:
    old = tuple(Path(p).expanduser() for p in settings.credential_old_keys.split(os.pathsep)
                if p.strip())
    return credential.CredentialConfig(settings.credential_key, old)


def verification_address(settings: Any) -> str | None:
    """The installation's verification address; None when it is not set (then, outside
    production, the workbook's Verifieringsadress is used). Refused in production when unset."""
    address = settings.verification_address.strip()
    if settings.production and not address:
        raise VerificationAddressError(PRODUCTION_NEEDS_ADDRESS)
    return address or None


def issue_options(settings: Any) -> dict[str, Any]:
    """What ``issue_certificates`` takes from the settings: the seal, the credential key, the
    verification address and the production switch. Every entry point that issues passes these,
    so none can issue with an example address in production."""
    address = verification_address(settings)  # first: refused before a key file is read
    key_config = credential_config(settings)
    return {"seal": seal_config(settings),
            "credential_key": (credential.SigningKey.load(key_config)
                               if key_config.configured else None),
            "verification_address": address,
            "production": settings.production}


def service(settings: Any) -> credential.Service | None:
    """Where the public service answers, from the setting (None when it is not set)."""
    address = settings.verification_address.strip()
    return credential.Service(address) if address else None
