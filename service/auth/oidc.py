"""OpenID Connect: the authorization code flow with PKCE (Authlib's helpers), state and nonce, and the ID
token's signature and claims checked against the provider's published keys (joserfc, which Authlib
builds on and recommends instead of its deprecated ``authlib.jose``).

No Flask here beyond what the caller hands in: the views keep state, nonce and the PKCE verifier in
the (signed) session and call these functions.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from service.config import SingleSignOn

TIMEOUT_SECONDS = 10
_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
_METADATA_SECONDS = 3600
_metadata: dict[str, tuple[float, dict[str, Any]]] = {}


class SignOnRefused(Exception):
    """The provider's answer could not be trusted; the message is safe to show."""


@dataclass(frozen=True)
class Start:
    url: str
    state: str
    nonce: str
    verifier: str


def metadata(sso: SingleSignOn) -> dict[str, Any]:
    cached = _metadata.get(sso.issuer or "")
    if cached and cached[0] > time.monotonic():
        return cached[1]
    found = _get_json(f"{sso.issuer.rstrip('/')}/.well-known/openid-configuration")
    if found.get("issuer") != sso.issuer:
        raise SignOnRefused("The sign-in provider's configuration names a different issuer.")
    _metadata[sso.issuer] = (time.monotonic() + _METADATA_SECONDS, found)
    return found


def start(sso: SingleSignOn, redirect_uri: str) -> Start:
    state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), generate_token(64)
    params = {"response_type": "code", "client_id": sso.client_id, "redirect_uri": redirect_uri,
              "scope": sso.scopes, "state": state, "nonce": nonce,
              "code_challenge": create_s256_code_challenge(verifier), "code_challenge_method": "S256"}
    url = requests.Request("GET", metadata(sso)["authorization_endpoint"], params=params).prepare().url
    return Start(url, state, nonce, verifier)


def finish(sso: SingleSignOn, *, code: str, redirect_uri: str, verifier: str, nonce: str, now: float
           ) -> tuple[dict[str, Any], str]:
    """Exchange the code; returns the verified ID token's claims and the raw token (for sign-out)."""
    try:
        response = requests.post(metadata(sso)["token_endpoint"], timeout=TIMEOUT_SECONDS, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier,
        }, auth=(sso.client_id, sso.client_secret))
    except requests.RequestException as error:
        raise SignOnRefused("The sign-in provider could not be reached. Try again in a moment.") from error
    if response.status_code != 200:
        raise SignOnRefused("The sign-in provider refused the sign-in. Try again.")
    id_token = response.json().get("id_token")
    if not isinstance(id_token, str):
        raise SignOnRefused("The sign-in provider sent no identity token.")
    return verify_id_token(sso, id_token, nonce=nonce, now=now), id_token


def verify_id_token(sso: SingleSignOn, id_token: str, *, nonce: str, now: float) -> dict[str, Any]:
    """Signature against the provider's keys; issuer, audience, expiry and nonce against what we expect."""
    registry = jwt.JWTClaimsRegistry(
        now=int(now), leeway=60, iss={"essential": True, "value": sso.issuer},
        aud={"essential": True, "value": sso.client_id}, exp={"essential": True}, sub={"essential": True},
        nonce={"essential": True, "value": nonce})
    try:
        keys = KeySet.import_key_set(_get_json(metadata(sso)["jwks_uri"]))
        claims = jwt.decode(id_token, keys, algorithms=_ALGORITHMS).claims
        registry.validate(claims)
    except (JoseError, ValueError, KeyError) as error:
        raise SignOnRefused("The identity token from the sign-in provider could not be verified.") from error
    audience = claims.get("aud")
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != sso.client_id:
        raise SignOnRefused("The identity token from the sign-in provider could not be verified.")
    return dict(claims)  # joserfc checked the signature against the provider's published keys


def end_session_url(sso: SingleSignOn, id_token: str | None, after: str) -> str | None:
    try:
        endpoint = metadata(sso).get("end_session_endpoint")
    except SignOnRefused:
        return None
    if not endpoint:
        return None
    params = {"post_logout_redirect_uri": after, "client_id": sso.client_id}
    if id_token:
        params["id_token_hint"] = id_token
    return requests.Request("GET", endpoint, params=params).prepare().url


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        found = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignOnRefused("The sign-in provider could not be reached. Try again in a moment.") from error
    if not isinstance(found, dict):
        raise SignOnRefused("The sign-in provider answered with something unexpected.")
    return found
