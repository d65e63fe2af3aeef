"""The Open Badges 3.0 credential of each certificate: valid against 1EdTech's official JSON Schema
(shipped in tests/certificates/openbadges), signed as a VC-JWT that verifies with nothing but the
published JWKS, and saying what the certificate says."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from certhelpers import TODAY

from addin.certificates import credential as vc
from addin.certificates import issuing
from addin.certificates.installation import credential_config, issue_options
from addin.settings import load
from addin.core.certificate_plan import plan
from addin.certificates.store import SqliteStore

SCHEMAS = Path(__file__).parent / "openbadges"
ADDRESS = "https://intyg.malmo.se/verifiera"
NOW = datetime(2026, 11, 27, 10, 30)


def _validator(name: str) -> jsonschema.Draft201909Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def key():
    return vc.SigningKey.generate()


@pytest.fixture
def issued(example_register, tmp_path, key):
    reg = example_register
    reg.settings.values["Verifieringsadress"] = ADDRESS
    cands = plan(reg, TODAY).candidates
    keep = [c.plats_id for c in cands if c.language == "sv"][:3] + \
        [c.plats_id for c in cands if c.language == "en"][:2]
    reg.placements = [p for p in reg.placements if p.plats_id in keep]
    with SqliteStore(tmp_path / "reg.sqlite3") as store:
        result = issuing.issue_certificates(reg, tmp_path / "intyg", "test", store, today=TODAY,
                                            now=NOW, credential_key=key)
        entries = {c.number: store.get(c.number) for c in result.issued}
    return reg, result, entries


def test_every_credential_validates_against_the_open_badges_schema(issued):
    _, result, _ = issued
    validator = _validator("achievementcredential.json")
    assert len(result.issued) == 5
    for cert in result.issued:
        data = json.loads(cert.credential.read_text(encoding="utf-8"))
        errors = sorted(validator.iter_errors(data), key=lambda e: e.path)
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
        assert data["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert data["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    # the schema does check: without validFrom, or with a wrong subject type, it refuses
    broken = json.loads(result.issued[0].credential.read_text(encoding="utf-8"))
    del broken["validFrom"]
    broken["credentialSubject"]["type"] = ["Person"]
    assert len(list(validator.iter_errors(broken))) == 2


def test_the_issuer_profile_validates_and_names_the_organisation(issued, key):
    reg, result, _ = issued
    cert = next(c for c in result.issued if c.language == "sv")
    cand = next(c for c in plan(reg, TODAY, only=[cert.plats_id], reissue=True).candidates)
    service = vc.Service(ADDRESS)
    profile = vc.issuer_profile(cand.context("N", "C", TODAY, ADDRESS), service)
    errors = list(_validator("profile.json").iter_errors(profile))
    assert not errors, [e.message for e in errors]
    assert profile["id"] == "https://intyg.malmo.se/intyg/utfardare.json"
    assert profile["name"] == "Malmö stad, Arbetsmarknads- och socialförvaltningen"
    data = json.loads(cert.credential.read_text(encoding="utf-8"))
    assert data["issuer"] == profile


def test_the_signature_verifies_with_only_the_published_keys(issued, key):
    _, result, entries = issued
    published = json.loads(json.dumps(vc.SigningKey.jwks(key, vc.Service(ADDRESS))))
    assert all("d" not in k for k in published["keys"])
    assert published["keys"][0]["kid"].startswith("https://intyg.malmo.se/intyg/nycklar.json#")
    for cert in result.issued:
        token = cert.credential_jwt.read_text(encoding="ascii")
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        assert header == {"alg": "ES256", "kid": published["keys"][0]["kid"], "typ": "JWT"}
        credential = vc.verify(token, published)
        assert credential == json.loads(cert.credential.read_text(encoding="utf-8"))
        files = entries[cert.number].files
        assert files["json"][0] == f"{cert.number}.json" and files["jwt"][0] == f"{cert.number}.jwt"


def test_a_changed_or_foreign_credential_does_not_verify(issued, key):
    _, result, _ = issued
    published = key.jwks(vc.Service(ADDRESS))
    token = result.issued[0].credential_jwt.read_text(encoding="ascii")
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["credentialSubject"]["result"][0]["achievedLevel"] = "urn:uuid:forged"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(vc.CredentialError, match="signatur"):
        vc.verify(f"{head}.{forged}.{signature}", published)
    other = vc.SigningKey.generate().jwks(vc.Service(ADDRESS))
    with pytest.raises(vc.CredentialError):
        vc.verify(token, other)


def test_the_credential_says_what_the_certificate_says(issued):
    reg, result, _ = issued
    for cert in result.issued:
        data = json.loads(cert.credential.read_text(encoding="utf-8"))
        subject = data["credentialSubject"]
        participant = next(p for p in reg.participants if p.deltagar_id == cert.deltagar_id)
        assert subject["identifier"][0]["identityHash"] == \
            f"{participant.fornamn} {participant.efternamn}"
        assert participant.personnummer not in json.dumps(data) or not participant.personnummer
        achievement = subject["achievement"]
        assert achievement["name"] == ("Certificate of competence" if cert.language == "en"
                                       else "Kompetensintyg")
        assert achievement["inLanguage"] == cert.language and achievement["humanCode"] == cert.number
        # the status needs the certificate's code, as the page does: numbers cannot be tried
        assert data["credentialStatus"] == {
            "id": f"{ADDRESS}/{cert.number}.json?kod={cert.code}",
            "type": "1EdTechRevocationList"}
        assert data["validFrom"].endswith("Z") and "validUntil" not in data
        # one result per competence on the certificate, each at a level of the legend
        descriptions = {d["id"]: d for d in achievement["resultDescription"]}
        assert len(subject["result"]) == len(descriptions) > 0
        for res in subject["result"]:
            levels = {lv["id"]: lv for lv in descriptions[res["resultDescription"]]
                      ["rubricCriterionLevel"]}
            assert int(levels[res["achievedLevel"]]["level"]) >= reg.settings.lagsta_niva
        placement = next(p for p in reg.placements if p.plats_id == cert.plats_id)
        assert subject["activityStartDate"] == f"{placement.startdatum.isoformat()}T00:00:00Z"
        assert subject["activityEndDate"] == f"{placement.slutdatum.isoformat()}T00:00:00Z"


def test_the_key_comes_from_a_pem_file_named_in_the_settings(tmp_path, key):
    pem = tmp_path / "nyckel.pem"
    pem.write_bytes(key.private_pem())
    config = credential_config(load(environ={"AMANST_CREDENTIAL_KEY": str(pem)}))
    loaded = vc.SigningKey.load(config)
    service = vc.Service(ADDRESS)
    assert loaded.jwks(service) == key.jwks(service)
    with pytest.raises(vc.CredentialError, match="kunde inte läsas"):
        vc.SigningKey.load(vc.CredentialConfig(tmp_path / "saknas.pem"))
    (tmp_path / "fel.pem").write_text("inte en nyckel")
    with pytest.raises(vc.CredentialError, match="ingen PEM-nyckel"):
        vc.SigningKey.load(vc.CredentialConfig(tmp_path / "fel.pem"))


def test_a_retired_key_stays_published_so_old_credentials_verify(tmp_path, key):
    service = vc.Service(ADDRESS)
    credential = {"id": "urn:uuid:1", "issuer": {"id": service.issuer_id},
                  "credentialSubject": {"id": "urn:uuid:2"}, "validFrom": "2026-01-02T03:04:05Z"}
    old_token = vc.sign(credential, key, service)
    new = vc.SigningKey.generate()
    public = tmp_path / "gammal.pem"
    public.write_bytes(key.key.as_pem(private=False))
    rotated = vc.SigningKey(new.key, [vc._load_pem(public, private=False)])
    assert vc.verify(old_token, rotated.jwks(service))["id"] == "urn:uuid:1"


def test_the_front_ends_take_seal_and_key_from_the_settings(tmp_path, key):
    empty = issue_options(load(environ={}))
    assert empty["credential_key"] is None and not empty["seal"].configured
    pem = tmp_path / "nyckel.pem"
    pem.write_bytes(key.private_pem())
    options = issue_options(load(environ={"AMANST_CREDENTIAL_KEY": str(pem),
                                          "AMANST_SEAL_PKCS12": "/etc/amanst/sigill.p12"}))
    assert options["credential_key"].jwks(vc.Service(ADDRESS)) == key.jwks(vc.Service(ADDRESS))
    assert options["seal"].configured
    with pytest.raises(vc.CredentialError):
        issue_options(load(environ={"AMANST_CREDENTIAL_KEY": str(tmp_path / "saknas.pem")}))


def test_keys_profile_and_status_are_published_beside_the_verification_page():
    plain = vc.Service(ADDRESS + "/")
    assert plain.keys_url == "https://intyg.malmo.se/intyg/nycklar.json"
    assert plain.issuer_id == "https://intyg.malmo.se/intyg/utfardare.json"
    assert plain.status_url("ASF-2026-00001", "AB CD") == \
        "https://intyg.malmo.se/verifiera/ASF-2026-00001.json?kod=AB%20CD"
    prefixed = vc.Service("https://www.malmo.se/amanst/verifiera")
    assert prefixed.keys_url == "https://www.malmo.se/amanst/intyg/nycklar.json"
    assert prefixed.issuer_id == "https://www.malmo.se/amanst/intyg/utfardare.json"
    with pytest.raises(vc.CredentialError, match="AMANST_VERIFICATION_ADDRESS"):
        _ = vc.Service("").origin


def test_the_server_publishes_current_and_retired_public_keys_only(tmp_path, key):
    service = vc.Service(ADDRESS)
    old = vc.SigningKey.generate()
    (tmp_path / "gammal.pem").write_bytes(old.key.as_pem(private=False))
    # the server may hold only the public half of the current key
    (tmp_path / "publik.pem").write_bytes(key.key.as_pem(private=False))
    config = vc.CredentialConfig(tmp_path / "publik.pem", (tmp_path / "gammal.pem",))
    published = vc.published_keys(config, service)
    assert [k["kid"] for k in published["keys"]] == [key.kid(service), old.kid(service)]
    assert all("d" not in k and k["alg"] == "ES256" and k["use"] == "sig"
               for k in published["keys"])
    token = vc.sign({"id": "urn:uuid:1", "issuer": {"id": service.issuer_id},
                     "credentialSubject": {"id": "urn:uuid:2"},
                     "validFrom": "2026-01-02T03:04:05Z"}, old, service)
    assert vc.verify(token, published)["id"] == "urn:uuid:1"


def test_the_key_status_says_what_is_signed_and_published(tmp_path, key):
    service = vc.Service(ADDRESS)
    assert not vc.key_status(vc.CredentialConfig()).configured
    pem = tmp_path / "nyckel.pem"
    pem.write_bytes(key.private_pem())
    status = vc.key_status(vc.CredentialConfig(pem), service)
    assert status.ok and "https://intyg.malmo.se/intyg/nycklar.json" in status.message
    broken = vc.key_status(vc.CredentialConfig(tmp_path / "saknas.pem"), service)
    assert broken.configured and not broken.ok
