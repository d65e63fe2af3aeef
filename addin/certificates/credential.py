"""The certificate as an Open Badges 3.0 credential, signed as a VC-JWT.

Each certificate also becomes an ``OpenBadgeCredential`` (1EdTech Open Badges 3.0 on the W3C
Verifiable Credentials Data Model 2.0) that a participant can keep in a digital wallet or show to
an employer's system:

- the achievement is the kompetensintyg, in the certificate's language;
- each competence on the certificate is a ``ResultDescription`` whose rubric is the levels of the
  certificate's legend, and the participant's ``Result`` points at the level reached;
- the issuer is the organisation (a ``Profile``, served as JSON by the verification service);
- ``validFrom`` is the moment of issue; there is no ``validUntil``: the certificate does not
  expire, it can only be revoked or replaced, which ``credentialStatus`` tells: its ``id`` is
  ``GET /verifiera/{nummer}.json?kod=…``, the certificate's status as JSON (it needs the code, as
  the verification page does, and the credential carries it);
- everything public is derived from the one verification address (``Service``): the status
  address, the issuer's id (``…/intyg/utfardare.json``) and the keys (``…/intyg/nycklar.json``),
  which is where the server answering that address serves them.

It is signed as a Compact JWS as the Open Badges "JSON Web Token Proof Format" describes: the
payload is the credential plus the claims ``iss``, ``jti``, ``nbf`` and ``sub``; the header names
the key by ``kid``, a URL into the issuer's JWKS (``GET /intyg/nycklar.json``), so anyone can verify
it with the published keys alone. ES256 (P-256) is used: widely supported, small signatures.

The private key comes from a PEM file (the setting ``credential_key``,
``AMANST_CREDENTIAL_KEY``); the JWKS may also list retired public keys so that credentials signed
before a key change still verify. Nothing personal but the holder's name is in the credential
(no personnummer, no date of birth), as on the printed certificate.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlsplit

from ..core.errors import AmanstError

ENV_KEY = "AMANST_CREDENTIAL_KEY"
ALGORITHM = "ES256"
CONTEXT = ["https://www.w3.org/ns/credentials/v2",
           "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SCHEMA_ID = ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
             "ob_v3p0_achievementcredential_schema.json")
KEYS_PATH = "/intyg/nycklar.json"
PROFILE_PATH = "/intyg/utfardare.json"
PROFILE_INFO = "issuer_profile"  # the register keeps the profile the credentials name
_NS = uuid.UUID("6f1c1c8e-52a4-4e55-9a34-0d3c2b7e0a11")  # amanst's namespace for credential URNs

TEXTS = {
    "sv": {
        "name": "Kompetensintyg",
        "description": ("Intyg om kompetenser från en arbetsmarknadsanställning: vad deltagaren "
                        "kunde vid slutbedömningen, bedömt av handledaren på arbetsplatsen."),
        "criteria": ("Avslutad arbetsmarknadsanställning med slutbedömning. Intyget tar upp de "
                     "kompetenser som nådde nivån \"{lagsta}\" eller högre."),
    },
    "en": {
        "name": "Certificate of competence",
        "description": ("Skills gained in a subsidised employment: what the participant could do "
                        "at the final assessment, as assessed by the workplace supervisor."),
        "criteria": ("A completed subsidised employment with a final assessment. The certificate "
                     "lists the competences that reached the level \"{lagsta}\" or higher."),
    },
}


class CredentialError(AmanstError):
    """The signing key cannot be used, or a credential does not verify (Swedish message)."""


@dataclass(frozen=True)
class Service:
    """Where the verification service answers, all derived from the one verification address.

    The keys and the issuer profile are published beside the verification page: for
    ``https://intyg.malmo.se/verifiera`` at ``https://intyg.malmo.se/intyg/nycklar.json`` and
    ``…/intyg/utfardare.json`` (under a path prefix, such as ``/amanst/verifiera``, beside it
    too), which is where the server that answers the page serves them.
    """

    verification_address: str  # e.g. https://intyg.malmo.se/verifiera

    @property
    def address(self) -> str:
        return self.verification_address.strip().rstrip("/")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.address)
        if not parts.scheme or not parts.netloc:
            raise CredentialError("Verifieringsadressen behövs för att utfärda digitala intyg "
                                  "(Open Badges): ange den i inställningen verification_address "
                                  "(AMANST_VERIFICATION_ADDRESS).")
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def base(self) -> str:
        """The verification page's parent: where the server's public paths begin."""
        path = urlsplit(self.address).path.rstrip("/")
        return self.origin + path.rsplit("/", 1)[0] if path else self.origin

    @property
    def issuer_id(self) -> str:
        return self.base + PROFILE_PATH

    @property
    def keys_url(self) -> str:
        return self.base + KEYS_PATH

    def status_url(self, number: str, code: str) -> str:
        """The machine-readable status of one certificate (``GET /verifiera/{nummer}.json``):
        it needs the code, as the page does, and the credential carries it."""
        return (f"{self.address}/{quote(number, safe='')}.json?"
                f"kod={quote(code, safe='')}")


@dataclass(frozen=True)
class CredentialConfig:
    key_file: Path | None = None
    old_public_keys: tuple[Path, ...] = ()

    @property
    def configured(self) -> bool:
        return self.key_file is not None


class SigningKey:
    """The issuer's private key (ES256) and the JWKS it publishes."""

    def __init__(self, key: Any, retired: Sequence[Any] = ()):
        self.key = key
        self.retired = list(retired)

    @classmethod
    def load(cls, config: CredentialConfig) -> SigningKey:
        from joserfc.jwk import ECKey

        if config.key_file is None:
            raise CredentialError(f"Ingen nyckel för digitala intyg ({ENV_KEY} är inte satt).")
        key = _load_pem(config.key_file, private=True)
        if not isinstance(key, ECKey) or key.as_dict().get("crv") != "P-256":
            raise CredentialError(f"Nyckeln {config.key_file} ({ENV_KEY}) ska vara en EC-nyckel "
                                  "på kurvan P-256 (ES256).")
        return cls(key, [_load_pem(p, private=False) for p in config.old_public_keys])

    @classmethod
    def generate(cls) -> SigningKey:
        """A new key (for tests and for ``amanst``'s key set-up): never stored by this call."""
        from joserfc.jwk import ECKey

        return cls(ECKey.generate_key("P-256", private=True))

    def private_pem(self) -> bytes:
        return self.key.as_pem(private=True)

    def kid(self, service: Service, key: Any = None) -> str:
        return f"{service.keys_url}#{(key or self.key).thumbprint()}"

    def jwks(self, service: Service) -> dict[str, Any]:
        """The public keys, as served at ``GET /intyg/nycklar.json``; never a private part."""
        return _jwks([self.key, *self.retired], service)


def _jwks(keys: Sequence[Any], service: Service) -> dict[str, Any]:
    entries = []
    for key in keys:
        public = {k: v for k, v in key.as_dict(private=False).items() if k != "d"}
        public.update(kid=f"{service.keys_url}#{key.thumbprint()}", use="sig", alg=ALGORITHM)
        entries.append(public)
    return {"keys": entries}


def published_keys(config: CredentialConfig, service: Service) -> dict[str, Any]:
    """The JWKS the verification service publishes: the current key (its file may hold only the
    public key, so the server need not keep the private one) and every retired key, so that
    credentials signed before a key change still verify. Raises ``CredentialError``."""
    files = ([config.key_file] if config.key_file is not None else []) + \
        list(config.old_public_keys)
    return _jwks([_load_pem(path, private=False) for path in files], service)


@dataclass(frozen=True)
class KeyStatus:
    configured: bool
    ok: bool
    message: str  # Swedish, one line


def _keys(n: int) -> str:
    return f"{n} publik nyckel" if n == 1 else f"{n} publika nycklar"


def key_status(config: CredentialConfig, service: Service | None = None) -> KeyStatus:
    """Whether credentials will be signed and which keys are published (``GET
    /intyg/nycklar.json``, at ``service``'s address), in Swedish for ``amanst doctor``."""
    retired = len(config.old_public_keys)
    where = f" på {service.keys_url}" if service is not None else ""
    try:
        if service is not None and (config.configured or retired):
            published_keys(config, service)
        if not config.configured:
            return KeyStatus(False, False, f"ej inställt ({ENV_KEY}): inga digitala intyg (Open "
                             "Badges) skapas" + (f"; {_keys(retired)} från tidigare publiceras"
                                                 f"{where}" if retired else "") + ".")
        SigningKey.load(config)
    except AmanstError as exc:
        return KeyStatus(True, False, str(exc))
    if service is None:
        return KeyStatus(True, True, f"nyckeln {config.key_file} ({ALGORITHM}) signerar de "
                         f"digitala intygen; {_keys(1 + retired)} publiceras bredvid "
                         "verifieringssidan (intyg/nycklar.json).")
    return KeyStatus(True, True, f"nyckeln {config.key_file} ({ALGORITHM}) signerar de "
                     f"digitala intygen; {_keys(1 + retired)} publiceras{where}.")


def _load_pem(path: Path, private: bool) -> Any:
    from joserfc.jwk import JWKRegistry

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CredentialError(f"Nyckelfilen {path} kunde inte läsas: {exc.strerror}.") from None
    try:
        key = JWKRegistry.import_key(data, "EC")
    except Exception:  # noqa: BLE001 - joserfc/cryptography raise many kinds for a bad file
        raise CredentialError(f"Nyckelfilen {path} är ingen PEM-nyckel av typen EC.") from None
    if private and not key.is_private:
        raise CredentialError(f"Nyckelfilen {path} har ingen privat nyckel.")
    return key


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive issue time is the server's local time
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(day: date | None) -> str | None:
    return _utc(datetime.combine(day, time(0), UTC)) if day else None


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NS, '|'.join(parts))}"


def credential_id(service: Service, number: str) -> str:
    """The ``id`` of the credential of certificate ``number``."""
    return _urn(service.origin, number)


def issuer_profile(context: Mapping[str, Any], service: Service) -> dict[str, Any]:
    """The issuer ``Profile`` (served at ``GET /intyg/utfardare.json``; embedded in credentials)."""
    u = context["utfardare"]
    name = ", ".join(x for x in (u["organisation"], u["forvaltning"]) if x)
    profile: dict[str, Any] = {"id": service.issuer_id, "type": ["Profile"], "name": name,
                               "url": service.origin}
    contact = (u.get("kontakt") or "").strip()
    if "@" in contact:
        profile["email"] = contact
    elif contact:
        profile["phone"] = contact
    return profile


def build_credential(candidate: Any, context: Mapping[str, Any], number: str,
                     issued_at: datetime, service: Service) -> dict[str, Any]:
    """The ``OpenBadgeCredential`` of one certificate, from what its document prints.

    ``candidate`` is the ``context.Candidate`` (for the employment's dates), ``context`` the
    template variables it gave for this number (texts in the certificate's language).
    """
    lang = candidate.language
    texts = TEXTS[lang]
    cid = credential_id(service, number)
    subject_id = _urn(service.origin, number, "subject")
    achievement_id = _urn(service.origin, number, "achievement")
    levels = [{"id": f"{achievement_id}:niva:{n['niva']}", "type": ["RubricCriterionLevel"],
               "name": n["namn"], "description": n["beskrivning"], "level": str(n["niva"])}
              for n in context["nivaer"]]
    level_ids = {int(level["level"]): level["id"] for level in levels}
    descriptions, results = [], []
    i = 0
    for group in context["grupper"]:
        for k in group["kompetenser"]:
            i += 1
            rid = f"{achievement_id}:kompetens:{i}"
            descriptions.append({"id": rid, "type": ["ResultDescription"], "name": k["namn"],
                                 "resultType": "RubricCriterionLevel",
                                 "rubricCriterionLevel": levels,
                                 "alignment": [{"type": ["Alignment"], "targetName": group["namn"],
                                                "targetType": "ext:Module",
                                                "targetUrl": achievement_id}]})
            result = {"type": ["Result"], "resultDescription": rid}
            if k["niva"] in level_ids:
                result["achievedLevel"] = level_ids[k["niva"]]
            results.append(result)
    a, d = context["anstallning"], context["deltagare"]
    achievement = {
        "id": achievement_id, "type": ["Achievement"], "achievementType": "Certificate",
        "name": texts["name"], "description": texts["description"],
        "criteria": {"narrative": texts["criteria"].format(
            lagsta=context["intyg"]["lagsta_niva"])},
        "inLanguage": lang, "humanCode": number,
        "fieldOfStudy": a["yrkesomrade"],
        "resultDescription": descriptions,
    }
    if a.get("ssyk"):
        achievement["alignment"] = [{"type": ["Alignment"], "targetCode": a["ssyk"],
                                     "targetName": a.get("ssyk_benamning") or a["yrkesomrade"],
                                     "targetFramework": "SSYK 2012",
                                     "targetUrl": "https://www.scb.se/ssyk"}]
    subject = {"id": subject_id, "type": ["AchievementSubject"],
               "identifier": [{"type": "IdentityObject", "identityType": "name",
                               "hashed": False, "identityHash": d["namn"]}],
               "achievement": achievement, "result": results,
               "role": a["form"]}
    start, end = _day(candidate.placement.startdatum), _day(candidate.placement.slutdatum)
    if start:
        subject["activityStartDate"] = start
    if end:
        subject["activityEndDate"] = end
    issued = _utc(issued_at)
    return {
        "@context": CONTEXT,
        "id": cid,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{texts['name']} {number}",
        "issuer": issuer_profile(context, service),
        "validFrom": issued,
        "awardedDate": issued,
        "credentialSubject": subject,
        "credentialStatus": {"id": service.status_url(number, context["intyg"]["kod"]),
                             "type": "1EdTechRevocationList"},
        "credentialSchema": [{"id": SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def sign(credential: Mapping[str, Any], key: SigningKey, service: Service) -> str:
    """The credential as a Compact JWS (VC-JWT), with the JWT claims Open Badges asks for."""
    from joserfc import jwt

    claims = dict(credential)
    claims.update(iss=credential["issuer"]["id"], jti=credential["id"],
                  sub=credential["credentialSubject"]["id"],
                  nbf=int(datetime.strptime(credential["validFrom"], "%Y-%m-%dT%H:%M:%SZ")
                          .replace(tzinfo=UTC).timestamp()))
    header = {"alg": ALGORITHM, "kid": key.kid(service), "typ": "JWT"}
    return jwt.encode(header, claims, key.key, algorithms=[ALGORITHM])


def verify(token: str, jwks: Mapping[str, Any]) -> dict[str, Any]:
    """The credential of ``token`` if its signature verifies with a key of ``jwks``.

    Only the published keys are used (the header's ``kid`` picks one); the JWT claims must agree
    with the credential they wrap. Raises ``CredentialError`` in Swedish otherwise.
    """
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet, KeySetSerialization

    try:
        # A published JWKS is outside data: import_key_set checks its shape (errors caught below).
        keys = KeySet.import_key_set(cast(KeySetSerialization, dict(jwks)))
        token_obj = jwt.decode(token, keys, algorithms=[ALGORITHM])
    except (JoseError, ValueError, KeyError, TypeError):
        raise CredentialError("Det digitala intygets signatur stämmer inte med utfärdarens "
                              "publicerade nycklar.") from None
    claims = dict(token_obj.claims)
    credential = {k: v for k, v in claims.items() if k not in ("iss", "jti", "sub", "nbf", "exp")}
    if (claims.get("iss") != credential.get("issuer", {}).get("id")
            or claims.get("jti") != credential.get("id")
            or claims.get("sub") != credential.get("credentialSubject", {}).get("id")):
        raise CredentialError("Det digitala intygets uppgifter stämmer inte med dess signatur.")
    return credential


def dumps(credential: Mapping[str, Any]) -> bytes:
    """The credential as the ``NUMMER.json`` file: UTF-8, readable, stable key order."""
    return (json.dumps(credential, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
