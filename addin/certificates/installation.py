"""The installation's certificate settings turned into what ``issue_certificates`` takes.

The entry points load ``Settings`` (``addin.settings``) and pass them here: the PDF seal
(``seal_pkcs12``, ``seal_password``, ``seal_tsa_url``) and the Open Badges signing key
(``credential_key``, ``credential_old_keys``). A key that is set but unusable stops issuing with a
Swedish message instead of issuing certificates without their credential.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import credential, seal


def seal_config(settings: Any) -> seal.SealConfig:
    return seal.SealConfig(settings.seal_pkcs12, settings.seal_password,
                           settings.seal_tsa_url.strip())


def credential_config(settings: Any) -> credential.CredentialConfig:
    old = tuple(Path(p).expanduser() for p in settings.credential_old_keys.split(os.pathsep)
                if p.strip())
    return credential.CredentialConfig(settings.credential_key, old)


def issue_options(settings: Any) -> dict[str, Any]:
    """``seal`` and ``credential_key`` for ``issue_certificates``, from the settings."""
    key_config = credential_config(settings)
    return {"seal": seal_config(settings),
            "credential_key": (credential.SigningKey.load(key_config)
                               if key_config.configured else None)}
