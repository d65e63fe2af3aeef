"""Sign-in with Entra ID expires with its token, and roles come from the token presented.

Entra ID is stood in for by a local HTTP server publishing an OpenID configuration and a key set
(JWKS) of an RSA key made here; the tokens are signed with it. What a valid token is, is taken
from Microsoft's documentation, not from our code:

- "Validate tokens"
  (learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-tokens): validate
  the signature with the key named by ``kid`` from the tenant's published keys, and the
  claims ``aud`` (the app's client id; v1.0 tokens may carry the application id URI), ``iss``
  (``https://login.microsoftonline.com/{tenant}/v2.0`` for v2.0, ``https://sts.windows.net/{tenant}/``
  for v1.0; a multi-tenant app checks that the issuer names the token's own ``tid``), ``nbf`` and
  ``exp``.
- "Access token claims reference" (learn.microsoft.com/en-us/entra/identity-platform/
  access-token-claims-reference): ``exp`` is when the token expires and must no longer be
  accepted, ``nbf`` the time before which it must not be, ``roles`` the app roles granted to the
  caller, ``tid`` the tenant that signed the user in.
- RFC 7519 §4.1.4: "the current date/time MUST be before the expiration date/time".
"""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey
from xlwings_server.auth import entraid
from xlwings_server.config import settings

from addin.excel import roles, signin
from addin.excel.scripts import SCRIPTS

from .conftest import EXAMPLE
from .officejs_client import payload

CALL = "/xlwings/custom-scripts-call/"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
TENANT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
OTHER_TENANT = "99999999-8888-7777-6666-555555555555"
T0 = 1_900_000_000  # the injected clock's "now" (a fixed instant; no test depends on today)
KEY = RSAKey.generate_key(2048, parameters={"kid": "amanst-test-1", "use": "sig"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "amanst-test-1", "use": "sig"})


class _EntraStandIn(BaseHTTPRequestHandler):
    documents: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.documents.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body or b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def entra():
    """A local OpenID configuration and JWKS in place of login.microsoftonline.com."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EntraStandIn)
    base = f"http://127.0.0.1:{server.server_port}"
    public = KeySet([KEY]).as_dict(private=False)
    _EntraStandIn.documents = {
        "/common/v2.0/.well-known/openid-configuration":
            json.dumps({"jwks_uri": f"{base}/common/discovery/v2.0/keys"}).encode(),
        "/common/discovery/v2.0/keys": json.dumps(public).encode(),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"{base}/common/v2.0/.well-known/openid-configuration"
    server.shutdown()
    server.server_close()


def _clear_xlwings_caches() -> None:
    async def clear() -> None:
        await entraid.get_jwks_json_default.cache.clear()
        await entraid.validate_token.cache.clear()
    asyncio.run(clear())


@pytest.fixture()
def signed_in(entra, monkeypatch):
    """Production settings with Entra ID (single tenant) against the stand-in, clock at T0."""
    monkeypatch.setattr(settings, "auth_providers", ["entraid"])
    monkeypatch.setattr(settings, "environment", "prod")
    monkeypatch.setattr(settings, "auth_entraid_client_id", CLIENT_ID)
    monkeypatch.setattr(settings, "auth_entraid_tenant_id", TENANT)
    monkeypatch.setattr(settings, "auth_entraid_multitenant", False)
    monkeypatch.setattr(entraid, "OPENID_CONNECT_DISCOVERY_DOCUMENT_URL", entra)
    monkeypatch.setattr(signin, "now", lambda: T0)
    _clear_xlwings_caches()
    yield
    _clear_xlwings_caches()  # no other test may see the stand-in's keys


def claims(**changes: object) -> dict:
    base = {"aud": CLIENT_ID, "iss": f"https://login.microsoftonline.com/{TENANT}/v2.0",
            "tid": TENANT, "ver": "2.0", "oid": "0000aaaa-0000-0000-0000-00000000bbbb",
            "name": "Kim Testsson", "preferred_username": "kim.testsson@malmo.se",
            "iat": T0 - 300, "nbf": T0 - 300, "exp": T0 + 3600, "roles": [roles.HANDLAGGARE]}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def token(key=KEY, alg: str = "RS256", **changes: object) -> str:
    header = {"alg": alg, "typ": "JWT", "kid": "amanst-test-1"}
    return "Bearer " + jwt.encode(header, claims(**changes), key, algorithms=[alg])


@pytest.fixture(scope="module")
def body():
    return payload(EXAMPLE, SCRIPTS["sammanstall"].__xlscript__["include"])


def run(client, body, authorization: str):
    return client.post(CALL + "sammanstall", json=body, headers={"Authorization": authorization})


def test_a_valid_token_with_the_role_runs(client, signed_in, body):
    response = run(client, body, token())
    assert response.status_code == 200, response.text


def test_a_token_is_refused_at_and_after_its_exp(client, signed_in, body, monkeypatch):
    presented = token(exp=T0 + 60)
    assert run(client, body, presented).status_code == 200
    for later in (T0 + 60, T0 + 61, T0 + 3600):
        monkeypatch.setattr(signin, "now", lambda later=later: later)
        response = run(client, body, presented)
        assert response.status_code == 401, (later, response.text)
        assert "gått ut" in response.json()["detail"]


def test_an_expired_token_is_refused_whatever_xlwings_servers_cache_holds(client, signed_in, body,
                                                                          monkeypatch):
    """xlwings Server's own validate_token caches a user for an hour by token string: prime that
    cache while the token is valid, then present it after its exp."""
    import joserfc._rfc7519.claims as joserfc_claims

    presented = token(exp=T0 + 60)
    monkeypatch.setattr(joserfc_claims, "_generate_now", lambda: T0)  # xlwings' check, at T0
    cached = asyncio.run(entraid.validate_token(presented))
    assert cached.roles == [roles.HANDLAGGARE]
    monkeypatch.setattr(joserfc_claims, "_generate_now", lambda: T0 + 600)
    assert asyncio.run(entraid.validate_token(presented)) is cached  # the cache outlives exp
    monkeypatch.setattr(signin, "now", lambda: T0 + 600)
    response = run(client, body, presented)
    assert response.status_code == 401, response.text


def test_roles_are_those_of_the_token_presented(client, signed_in, body):
    with_role, without = token(), token(roles=[])
    assert run(client, body, with_role).status_code == 200
    response = run(client, body, without)
    assert response.status_code == 403 and "behörighet" in response.json()["detail"]
    assert run(client, body, token(roles=[roles.SAMORDNARE])).status_code == 403
    assert run(client, body, with_role).status_code == 200
    assert run(client, body, token(roles="amanst.handlaggare")).status_code == 403  # not a list


def test_every_request_gets_its_own_user(signed_in):
    presented = token()
    first = asyncio.run(signin.validate_token(presented))
    first.roles.append(roles.SAMORDNARE)  # what any code might do to the object it was given
    second = asyncio.run(signin.validate_token(presented))
    assert second is not first and second.roles == [roles.HANDLAGGARE]
    assert second.id == claims()["oid"] and second.name == "Kim Testsson"


@pytest.mark.parametrize("authorization", [
    token(aud="api://someone-else"),
    token(aud=[]),
    token(iss=f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"),
    token(iss=f"https://sts.windows.net/{TENANT}/"),  # a v1.0 issuer on a v2.0 token
    token(exp=None),
    token(exp="never"),
    token(nbf=T0 + 3600),
    token(iat=T0 + 3600),
    token(ver="3.0"),
    token(ver=None),
    token(key=OTHER_KEY),
    token(key=OctKey.import_key("a" * 32), alg="HS256"),
    "Bearer " + jwt.encode({"alg": "none"}, claims(), None, algorithms=["none"]),
    "Bearer not.a.token",
    token().removeprefix("Bearer "),
    "",
], ids=["aud", "no aud", "other tenant", "v1 issuer on v2", "no exp", "exp not a number",
        "nbf later", "iat later", "version 3.0", "no version", "other key", "HS256", "alg none",
        "garbage", "no Bearer", "empty"])
def test_tokens_microsoft_says_to_refuse_are_401_in_swedish(client, signed_in, body,
                                                            authorization):
    response = run(client, body, authorization)
    assert response.status_code == 401, response.text
    assert response.json()["detail"] in (signin.INVALID, signin.EXPIRED)


def test_small_clock_differences_on_nbf_are_tolerated_but_never_on_exp(client, signed_in, body,
                                                                        monkeypatch):
    assert run(client, body, token(nbf=T0 + 30, iat=T0 + 30)).status_code == 200
    monkeypatch.setattr(signin, "now", lambda: T0 + 3600)
    assert run(client, body, token(exp=T0 + 3600)).status_code == 401


def test_v1_tokens_carry_the_v1_issuer_and_may_name_the_app_id_uri(client, signed_in, body):
    v1 = {"ver": "1.0", "iss": f"https://sts.windows.net/{TENANT}/"}
    assert run(client, body, token(aud=f"api://{CLIENT_ID}", **v1)).status_code == 200
    assert run(client, body, token(aud=CLIENT_ID, **v1)).status_code == 200
    assert run(client, body, token(aud=f"api://{CLIENT_ID}")).status_code == 401  # v2: client id


def test_multitenant_tokens_must_be_issued_by_their_own_tenant(client, signed_in, body,
                                                                 monkeypatch):
    monkeypatch.setattr(settings, "auth_entraid_multitenant", True)
    guest = {"tid": OTHER_TENANT, "iss": f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"}
    assert run(client, body, token(**guest)).status_code == 200
    forged = {"tid": OTHER_TENANT, "iss": "https://login.microsoftonline.com/common/v2.0"}
    assert run(client, body, token(**forged)).status_code == 401
    assert run(client, body, token(tid=None)).status_code == 401


def test_without_a_client_id_no_token_is_accepted(client, signed_in, body, monkeypatch):
    monkeypatch.setattr(settings, "auth_entraid_client_id", None)
    assert run(client, body, token(aud="")).status_code == 401


def test_an_unreachable_key_service_is_503_in_swedish(client, signed_in, body, monkeypatch):
    monkeypatch.setattr(entraid, "OPENID_CONNECT_DISCOVERY_DOCUMENT_URL",
                        "http://127.0.0.1:9/nowhere")
    response = run(client, body, token())
    assert response.status_code == 503 and "Inloggningstjänsten" in response.json()["detail"]
