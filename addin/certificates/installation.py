"""The installation's certificate settings from the environment, for the front ends to pass on.

``issue_certificates`` takes the seal and the credential key as parameters; until the settings
module owns them, the command line and the Excel add-in read them here, in one place:
``AMANST_SEAL_PKCS12``, ``AMANST_SEAL_PASSWORD``, ``AMANST_SEAL_TSA_URL`` (the PDF seal) and
``AMANST_CREDENTIAL_KEY`` (the Open Badges signing key). A key that is set but unusable stops
issuing with a Swedish message instead of issuing certificates without their credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import credential, seal


def issue_options(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    key_config = credential.config_from_env(env)
    return {"seal": seal.config_from_env(env),
            "credential_key": (credential.SigningKey.load(key_config)
                               if key_config.configured else None)}
