"""Entra ID sign-in that expires: every request's token is checked against its own claims.

xlwings Server's own Entra ID check (``xlwings_server.auth.entraid.validate_token``) keeps each
validated token's user in a cache for an hour, keyed by the token string, so a token kept working
for up to an hour after its ``exp``, and the user (roles included) came from that cache. This
module replaces it through xlwings Server's documented override (``auth/entraid`` in the project
folder, ``addin/server/auth/entraid``): nothing about a token is cached, only Microsoft's signing
keys (the JWKS, fetched by xlwings Server's ``get_key_set``, which keeps its own air-gapped hook).

Each request's token is validated as Microsoft describes it ("Validate tokens" and "Access token
claims reference", learn.microsoft.com/entra/identity-platform/access-tokens and
/access-token-claims-reference):

- the signature, with RS256 and a key from the tenant's published key set;
- ``exp``: refused at or after it, with no leeway; a token without ``exp`` is refused;
- ``nbf`` and ``iat``: refused before them, allowing ``CLOCK_SKEW`` seconds of clock difference;
- ``aud``: the app registration's client id (v2.0 tokens), or for v1.0 tokens the client id or its
  ``api://`` application id URI;
- ``iss``: the tenant's issuer for the token's version; in a multi-tenant setup the issuer must
  name the token's own tenant (``tid``), as Microsoft prescribes for multi-tenant apps;
- the user and the roles are read from this token's claims into a new ``User`` every time.

A refused token is answered 401 with a Swedish message; the reason goes to the log only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from fastapi import HTTPException, status
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwt import JWTClaimsRegistry
from xlwings_server.auth import entraid
from xlwings_server.config import settings
from xlwings_server.models import User

log = logging.getLogger("amanst")

ALGORITHMS = ["RS256"]  # what Entra ID signs access and ID tokens with
CLOCK_SKEW = 60  # seconds a server clock may lag Entra ID's for nbf/iat; never applied to exp

# The clock, replaceable in tests; seconds since the epoch.
now: Callable[[], float] = time.time

EXPIRED = ("Din inloggning har gått ut. Stäng och öppna aktivitetsfönstret igen så loggas du in "
           "på nytt.")
INVALID = ("Inloggningen kunde inte kontrolleras. Stäng och öppna aktivitetsfönstret igen; hjälper "
           "inte det, kontakta IT.")


class Refused(Exception):
    """A token that must not be accepted; the message is for the log, never for the user."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.expired = expired


def _bearer(token_string: str) -> str:
    parts = token_string.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise Refused("Authorization är inte 'Bearer <token>'")
    return parts[1]


def expected_audiences(version: str, client_id: str, hostname: str | None,
                       app_path: str = "") -> set[str]:
    if version == "2.0":
        return {client_id}
    ids = {client_id, f"api://{client_id}"}
    if hostname:  # the application id URI the manifest asks Office for (WebApplicationInfo)
        ids.add(f"api://{hostname}{app_path}/{client_id}")
    return ids


def expected_issuer(version: str, tenant_id: str) -> str:
    if version == "1.0":
        return f"https://sts.windows.net/{tenant_id}/"
    return f"https://login.microsoftonline.com/{tenant_id}/v2.0"


def _check_times(claims: Mapping[str, Any], at: float) -> None:
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise Refused("token utan giltigt exp")
    if at >= exp:
        raise Refused(f"token gick ut {int(at - exp)} s sedan", expired=True)
    registry = JWTClaimsRegistry(now=int(at), leeway=CLOCK_SKEW)
    try:
        registry.validate({k: claims[k] for k in ("nbf", "iat") if k in claims})
    except JoseError as exc:
        raise Refused(f"nbf/iat: {exc}") from None


def check_claims(claims: Mapping[str, Any], *, client_id: str, tenant_id: str,
                 multitenant: bool, at: float, hostname: str | None = None,
                 app_path: str = "") -> None:
    """Raise ``Refused`` unless the claims are those of a token for this app, valid at ``at``."""
    if not client_id or not (tenant_id or multitenant):
        raise Refused("inloggningen saknar klient- eller klientorganisations-id (tenant)")
    _check_times(claims, at)
    version = claims.get("ver")
    if version not in ("1.0", "2.0"):
        raise Refused(f"okänd tokenversion {version!r}")
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else audiences
    wanted = expected_audiences(version, client_id, hostname, app_path)
    if not isinstance(audiences, list) or not wanted.intersection(audiences):
        raise Refused(f"fel aud {audiences!r}")
    tenant = claims.get("tid") if multitenant else tenant_id
    if not isinstance(tenant, str) or not tenant:
        raise Refused("token utan tid")
    if claims.get("iss") != expected_issuer(version, tenant):
        raise Refused(f"fel iss {claims.get('iss')!r}")


def user_from(claims: Mapping[str, Any], token: str) -> User:
    """A new user with this token's id, name and roles (anything but a list of strings: none)."""
    roles = claims.get("roles")
    roles = [r for r in roles if isinstance(r, str)] if isinstance(roles, list) else []
    return User(claims={**claims, "roles": roles}, roles=roles, sso_token=token)


async def _key_set() -> Any:
    try:
        return await entraid.get_key_set()
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        log.error("Entra ID:s nycklar kunde inte hämtas: %r", exc)
        raise HTTPException(status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                            detail="Inloggningstjänsten kunde inte nås just nu. Försök igen om en "
                                   "stund.") from None


async def validate_token(token_string: str) -> User:
    """The signed-in user of this request's Entra ID token, or 401 (xlwings Server's interface)."""
    try:
        token = _bearer(token_string)
        key_set = await _key_set()
        try:
            decoded = jwt.decode(token, key_set, algorithms=ALGORITHMS)
        except (JoseError, ValueError) as exc:
            raise Refused(f"signaturen eller formatet: {exc!r}") from None
        check_claims(decoded.claims, client_id=settings.auth_entraid_client_id or "",
                     tenant_id=settings.auth_entraid_tenant_id or "",
                     multitenant=settings.auth_entraid_multitenant, at=now(),
                     hostname=settings.hostname, app_path=settings.app_path)
    except Refused as exc:
        log.info("Inloggning nekad: %s", exc)
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED,
                            detail=EXPIRED if exc.expired else INVALID) from None
    return user_from(decoded.claims, token)
