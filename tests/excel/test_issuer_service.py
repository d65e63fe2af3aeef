"""What an employer's verifier fetches, without sign-in (issue 10): the issuer's public keys at
``/intyg/nycklar.json`` (JWKS, current and retired), the issuer profile at
``/intyg/utfardare.json`` and each certificate's machine-readable status at
``/verifiera/{nummer}.json?kod=…`` (the credential's ``credentialStatus``, in the shape of
1EdTech's revocation list). The credential's signature is checked here with joserfc directly and
only the keys the server returned."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from addin.certificates import credential as vc
from addin.certificates import workflow
from addin.excel import issuer_service, verification_page

from .conftest import EXAMPLE, REPO

TODAY = date(2026, 11, 27)
ADDRESS = "https://intyg.malmo.se/verifiera"
SCHEMAS = REPO / "tests" / "certificates" / "openbadges"


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """The example's certificates with credentials; one revoked, one replaced. A retired key."""
    base = tmp_path_factory.mktemp("utfardare")
    book = base / "register.xlsx"
    shutil.copy(EXAMPLE, book)
    old, key = vc.SigningKey.generate(), vc.SigningKey.generate()
    (base / "nyckel.pem").write_bytes(key.private_pem())
    (base / "gammal.pem").write_bytes(old.key.as_pem(private=False))
    db = str(base / "reg.sqlite3")
    options = {"credential_key": key, "verification_address": ADDRESS}
    certs = workflow.issue_workbook(book, base / "intyg", register=db, today=TODAY,
                                    options=options).result.issued
    workflow.revoke(certs[1].number, db, "fel")
    new = workflow.issue_workbook(book, base / "intyg", register=db, today=TODAY, options=options,
                                  reissue=certs[2].plats_id).result.issued[0]
    return {"db": db, "certs": certs, "new": new, "key": key, "old": old, "base": base}


@pytest.fixture(autouse=True)
def installation(issued, monkeypatch):
    monkeypatch.setenv("AMANST_REGISTER", issued["db"])
    monkeypatch.setenv("AMANST_CREDENTIAL_KEY", str(issued["base"] / "nyckel.pem"))
    monkeypatch.setenv("AMANST_CREDENTIAL_OLD_KEYS", str(issued["base"] / "gammal.pem"))
    monkeypatch.setenv("AMANST_VERIFICATION_ADDRESS", ADDRESS)
    monkeypatch.setattr(verification_page, "_limiter", MovingWindowRateLimiter(MemoryStorage()))
    issuer_service._profile_cache.clear()


def _schema(name: str) -> jsonschema.Draft201909Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(schema)


def test_the_published_keys_verify_every_credential_and_hold_no_private_part(client, issued):
    r = client.get("/intyg/nycklar.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.headers["access-control-allow-origin"] == "*"
    jwks = r.json()
    assert len(jwks["keys"]) == 2 and all("d" not in k for k in jwks["keys"])
    keys = KeySet.import_key_set(jwks)
    for cert in issued["certs"][:5]:
        token = jwt.decode(cert.credential_jwt.read_text(encoding="ascii"), keys,
                           algorithms=["ES256"])
        assert token.header["kid"] == jwks["keys"][0]["kid"]
        assert token.claims["id"] == json.loads(cert.credential.read_text())["id"]
        assert token.claims["iss"] == "https://intyg.malmo.se/intyg/utfardare.json"
    # a credential signed with the retired key still verifies with what is published
    old_token = vc.sign({"id": "urn:uuid:1", "issuer": {"id": "x"},
                         "credentialSubject": {"id": "urn:uuid:2"},
                         "validFrom": "2026-01-02T03:04:05Z"}, issued["old"], vc.Service(ADDRESS))
    assert jwt.decode(old_token, keys, algorithms=["ES256"]).claims["id"] == "urn:uuid:1"
    again = client.get("/intyg/nycklar.json", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_the_issuer_profile_is_what_the_credentials_name(client, issued):
    r = client.get("/intyg/utfardare.json")
    assert r.status_code == 200
    profile = r.json()
    errors = list(_schema("profile.json").iter_errors(profile))
    assert not errors, [e.message for e in errors]
    credential = json.loads(issued["certs"][0].credential.read_text(encoding="utf-8"))
    assert profile["id"] == credential["issuer"]["id"] == \
        "https://intyg.malmo.se/intyg/utfardare.json"
    assert profile["name"] == "Malmö stad, Arbetsmarknads- och socialförvaltningen"


def _status(client, credential_path: Path):
    credential = json.loads(credential_path.read_text(encoding="utf-8"))
    url = credential["credentialStatus"]["id"]
    assert url.startswith(ADDRESS + "/")
    return credential, client.get(url.removeprefix("https://intyg.malmo.se"))


def test_the_status_says_valid_revoked_and_replaced(client, issued):
    certs, new = issued["certs"], issued["new"]
    credential, r = _status(client, certs[0].credential)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "Giltigt" and body["valid"] and body["revokedCredentials"] == []
    assert body["issuer"] == credential["issuer"]["id"]

    credential, r = _status(client, certs[1].credential)
    body = r.json()
    assert body["status"] == "Återkallat" and not body["valid"]
    assert [c["id"] for c in body["revokedCredentials"]] == [credential["id"]]
    assert body["revokedCredentials"][0]["revoked"] is True

    credential, r = _status(client, certs[2].credential)
    body = r.json()
    assert body["status"] == "Ersatt" and body["replacedBy"] == new.number
    assert [c["id"] for c in body["revokedCredentials"]] == [credential["id"]]


def test_the_status_needs_the_code_and_answers_unknown_and_wrong_alike(client, issued):
    number = issued["certs"][0].number
    unknown = number[:-5] + "99999"
    answers = [client.get(f"/verifiera/{n}.json?kod={c}") for n, c in
               ((number, "AAAA-BBBB-CCCC"), (unknown, "AAAA-BBBB-CCCC"), (number, ""))]
    assert [r.status_code for r in answers] == [404, 404, 404]
    # the same answer but for the number asked about: nothing tells a number that exists
    shapes = [json.dumps(r.json()).replace(n, "N") for r, n in zip(answers, (number, unknown,
                                                                             number), strict=True)]
    assert shapes[0] == shapes[1] == shapes[2]
    assert set(answers[0].json()) == {"number", "found", "message"}
    assert answers[0].json()["found"] is False


def test_without_a_key_no_keys_are_published(client, monkeypatch):
    monkeypatch.delenv("AMANST_CREDENTIAL_KEY")
    monkeypatch.delenv("AMANST_CREDENTIAL_OLD_KEYS")
    r = client.get("/intyg/nycklar.json")
    assert r.status_code == 404 and "inga nycklar" in r.json()["detail"]


def test_in_production_the_service_needs_the_address_setting(client, monkeypatch, caplog):
    monkeypatch.setenv("AMANST_PRODUCTION", "1")
    monkeypatch.setenv("AMANST_VERIFICATION_ADDRESS", "")
    for path in ("/intyg/nycklar.json", "/intyg/utfardare.json"):
        assert client.get(path).status_code == 503
    assert "verification_address" in caplog.text


def test_only_get_is_answered(client):
    assert client.post("/intyg/nycklar.json").status_code in (403, 405)


def test_keys_profile_and_status_need_no_sign_in_where_the_buttons_do(client, issued,
                                                                      monkeypatch):
    import importlib

    from xlwings_server.config import settings

    monkeypatch.setattr(settings, "auth_providers", ["custom"])  # production with sign-in
    monkeypatch.setattr(settings, "environment", "prod")
    importlib.import_module("xlwings_server.auth.custom")
    assert client.get("/amanst/senaste").status_code == 401  # the add-in's own: signed in only
    assert client.get("/intyg/nycklar.json").status_code == 200
    assert client.get("/intyg/utfardare.json").status_code == 200
    _, r = _status(client, issued["certs"][0].credential)
    assert r.status_code == 200 and r.json()["valid"] is True
