"""The issuer's public keys and profile, for anyone who checks a digital certificate (Open Badges).

Served by the add-in's app without sign-in (``webapp.install`` includes this router):

- ``GET /intyg/nycklar.json`` — the JWKS: the public part of the key that signs the credentials
  (``credential_key``; the server may hold only the public key) and every retired key
  (``credential_old_keys``), so that a credential signed before a key change still verifies.
  Each key's ``kid`` is the one the credentials' JWT header names;
- ``GET /intyg/utfardare.json`` — the issuer ``Profile`` the credentials name as their issuer
  (its ``id`` is this very address); the organisation's name is the one the last issue recorded
  in the register.

Both addresses come from the verification address (``server_settings.service``), so a
credential's ``iss``, ``issuer.id`` and ``kid`` lead here. Only GET is answered: the same-origin
checks (``sameorigin``) apply to any other method as everywhere. Nothing here is personal, so the
answers may be cached and read by any site (``Access-Control-Allow-Origin: *``); an ``ETag``
lets a client ask again cheaply.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

from fastapi import APIRouter, Request, Response
from xlwings_server.config import settings as xlwings_settings

from ..certificates import credential, installation
from ..certificates.backend import open_store
from ..core.errors import AmanstError
from . import server_settings

log = logging.getLogger("amanst")

PATH = f"{xlwings_settings.app_path}/intyg"
MAX_AGE = 600  # seconds: a new key is seen within ten minutes
PROFILE_TTL = 60.0  # seconds the profile read from the register is reused
HEADERS = {"Cache-Control": f"public, max-age={MAX_AGE}", "Access-Control-Allow-Origin": "*",
           "X-Content-Type-Options": "nosniff"}
NO_KEYS = "Den här installationen publicerar inga nycklar för digitala intyg."
UNAVAILABLE = "Nycklarna går inte att hämta just nu. Försök igen senare."

router = APIRouter(prefix=PATH)
_profile_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def _json(request: Request, data: dict[str, Any], status: int = 200) -> Response:
    body = (json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    if status != 200:
        return Response(body, status, media_type="application/json",
                        headers={"Cache-Control": "no-store"})
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**HEADERS, "ETag": etag}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/nycklar.json")
def keys(request: Request) -> Response:
    """The issuer's public keys (JWKS), current and retired."""
    try:
        current = server_settings.load()
        config = installation.credential_config(current)
        if not config.configured and not config.old_public_keys:
            return _json(request, {"detail": NO_KEYS}, 404)
        return _json(request, credential.published_keys(
            config, server_settings.service(request, current)))
    except AmanstError as exc:
        log.error("Nycklarna för digitala intyg kan inte publiceras: %s", exc)
        return _json(request, {"detail": UNAVAILABLE}, 503)


def _recorded_profile(current: Any) -> dict[str, Any]:
    """The profile the last issue recorded in the register ({} when none, or no register)."""
    try:
        location = current.register_location()
    except AmanstError:
        return {}
    cached = _profile_cache.get(location)
    if cached is not None and time.monotonic() - cached[0] < PROFILE_TTL:
        return cached[1]
    try:
        with open_store(location, create=False) as store:
            text = store.info().get(credential.PROFILE_INFO, "")
        found = json.loads(text) if text else {}
    except (AmanstError, ValueError) as exc:
        log.info("Utfärdarprofilen läses inte ur intygsregistret: %s", exc)
        found = {}
    _profile_cache[location] = (time.monotonic(), found)
    return found


@router.get("/utfardare.json")
def issuer(request: Request) -> Response:
    """The issuer ``Profile`` at the address the credentials give as their issuer's id."""
    try:
        current = server_settings.load()
        service = server_settings.service(request, current)
        recorded = _recorded_profile(current)
    except AmanstError as exc:
        log.error("Utfärdarprofilen kan inte visas: %s", exc)
        return _json(request, {"detail": UNAVAILABLE}, 503)
    profile = {k: v for k, v in recorded.items() if k in ("name", "email", "phone")}
    profile.update(id=service.issuer_id, type=["Profile"], url=service.origin)
    return _json(request, profile)
