"""The installation's settings as the server sees them, and where its public service answers.

``load()`` is ``addin.settings.load()`` with xlwings Server's environment as the fallback for
``production``: xlwings Server may have read ``XLWINGS_ENVIRONMENT=prod`` from its ``.env`` file,
which the process environment does not show, and the buttons must be as strict as the server's
sign-in. ``service(request)`` is where the keys, the issuer profile and the status are published:
from the setting ``verification_address`` (as the credentials name them), else, outside
production, from the address the request came to.
"""

from __future__ import annotations

from fastapi import Request
from xlwings_server.config import settings as server_settings

from .. import settings as amanst_settings
from ..certificates import installation
from ..certificates.credential import Service

VERIFICATION_PATH = f"{server_settings.app_path}/verifiera"


def load() -> amanst_settings.Settings:
    return amanst_settings.load(server_environment=server_settings.environment)


def service(request: Request, current: amanst_settings.Settings) -> Service:
    """Raises ``VerificationAddressError`` in production when the setting is missing: the
    credentials issued there name the setting's address, never the one a request came to."""
    configured = installation.service(current)
    if configured is not None:
        return configured
    installation.verification_address(current)  # refuses in production
    root = str(request.base_url).rstrip("/")
    return Service(root + VERIFICATION_PATH)
