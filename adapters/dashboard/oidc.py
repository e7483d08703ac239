"""The dashboard as an OpenID Connect relying party (authorization code flow with PKCE and
a nonce): the provider's discovery document and keys, the authorization request, the code
exchanged for an ID token, and that token validated in full before anyone is signed in:
signature against the provider's published keys (an algorithm it announced, never `none`
or a shared secret), issuer, audience (and authorized party), expiry and issue time, nonce.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import jwt
import structlog

from adapters.dashboard.config import IdentityProvider

logger = structlog.get_logger(__name__)

ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
"""Signatures checked with a published public key: a token signed with a shared secret
(HS*) or not at all could be made by anyone who knows the client id."""
LEEWAY_SECONDS = 60
"""Clock difference tolerated between the provider and this server."""
KEYS_REFRESH_SECONDS = 60.0
"""An unknown key id refreshes the provider's keys (it rotated them), at most this often."""
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=10)
REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat", "nonce")


class SignInError(Exception):
    """Sign-in cannot complete. `reason` is a short code for the log (never a token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProviderUnavailableError(SignInError):
    """The provider could not be reached, or answered with something unusable."""


@dataclass(frozen=True, slots=True)
class Endpoints:
    """What the provider's discovery document says, as far as sign-in needs it."""

    authorization: str
    token: str
    jwks: str
    algorithms: frozenset[str]


class OpenIdClient:
    """One provider's endpoints and keys (fetched once, refreshed when the keys rotate)."""

    def __init__(
        self,
        provider: IdentityProvider,
        *,
        http: aiohttp.ClientSession,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.provider = provider
        self._http = http
        self._monotonic = monotonic
        self._endpoints: Endpoints | None = None
        self._keys: dict[str, jwt.PyJWK] = {}
        self._keys_fetched_at: float | None = None

    async def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, code_challenge: str
    ) -> str:
        """Where to send the browser to sign in."""
        endpoints = await self._discovered()
        query = {
            "response_type": "code",
            "client_id": self.provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": self.provider.scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            **self.provider.authorize_params,
        }
        separator = "&" if "?" in endpoints.authorization else "?"
        return f"{endpoints.authorization}{separator}{urlencode(query)}"

    async def id_token_claims(
        self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
    ) -> dict[str, Any]:
        """Exchange the authorization code and return the validated ID token's claims."""
        endpoints = await self._discovered()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self.provider.client_id,
            "client_secret": self.provider.client_secret,
            "code_verifier": code_verifier,
        }
        answer = await self._json("POST", endpoints.token, data=form, accept_errors=True)
        token = answer.get("id_token")
        if not isinstance(token, str):
            raise SignInError(f"token endpoint: {answer.get('error') or 'no id_token'}")
        return await self.validate(token, nonce=nonce)

    async def validate(self, token: str, *, nonce: str) -> dict[str, Any]:
        """The claims of an ID token issued to us for this sign-in, or SignInError."""
        endpoints = await self._discovered()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise SignInError("id_token: malformed") from exc
        algorithm = header.get("alg")
        if algorithm not in endpoints.algorithms:
            raise SignInError(f"id_token: algorithm {algorithm!r} not accepted")
        key = await self._key(header.get("kid"))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[algorithm],
                audience=self.provider.client_id,
                issuer=self.provider.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.PyJWTError as exc:
            raise SignInError(f"id_token: {type(exc).__name__}") from exc
        _check_claims(claims, self.provider, nonce=nonce)
        return claims

    async def _discovered(self) -> Endpoints:
        if self._endpoints is None:
            url = f"{self.provider.issuer}/.well-known/openid-configuration"
            document = await self._json("GET", url)
            if document.get("issuer") != self.provider.issuer:
                raise ProviderUnavailableError("discovery: issuer differs from the configured")
            try:
                announced = document.get("id_token_signing_alg_values_supported") or ["RS256"]
                self._endpoints = Endpoints(
                    authorization=str(document["authorization_endpoint"]),
                    token=str(document["token_endpoint"]),
                    jwks=str(document["jwks_uri"]),
                    algorithms=frozenset(announced) & ASYMMETRIC,
                )
            except KeyError as exc:
                raise ProviderUnavailableError(f"discovery: no {exc.args[0]}") from exc
        return self._endpoints

    async def _key(self, key_id: object) -> jwt.PyJWK:
        """The published key of that id, fetching the keys again if it is new to us."""
        fetched_at = self._keys_fetched_at
        stale = fetched_at is None or self._monotonic() - fetched_at > KEYS_REFRESH_SECONDS
        if str(key_id) not in self._keys and stale:
            await self._fetch_keys()
        if key_id is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        key = self._keys.get(str(key_id))
        if key is None:
            raise SignInError("id_token: signed with a key the provider does not publish")
        return key

    async def _fetch_keys(self) -> None:
        endpoints = await self._discovered()
        document = await self._json("GET", endpoints.jwks)
        keys = {}
        for entry in document.get("keys", []):
            if not isinstance(entry, Mapping) or entry.get("use", "sig") != "sig":
                continue
            try:
                keys[str(entry.get("kid"))] = jwt.PyJWK.from_dict(dict(entry))
            except jwt.PyJWTError:  # a key type this library cannot use: not ours to use
                continue
        self._keys = keys
        self._keys_fetched_at = self._monotonic()

    async def _json(
        self, method: str, url: str, *, accept_errors: bool = False, **options: Any
    ) -> dict[str, Any]:
        """A provider's JSON answer; error statuses pass through only where they carry an
        OAuth error (`accept_errors`), anything else is the provider being unavailable."""
        try:
            async with self._http.request(method, url, timeout=HTTP_TIMEOUT, **options) as r:
                body = await r.json(content_type=None)
                if (r.status >= 400 and not accept_errors) or not isinstance(body, dict):
                    raise ProviderUnavailableError(f"{url}: HTTP {r.status}")
                return body
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise ProviderUnavailableError(f"{url}: {type(exc).__name__}") from exc


def _check_claims(claims: Mapping[str, Any], provider: IdentityProvider, *, nonce: str) -> None:
    """What PyJWT does not check itself: the nonce of this sign-in, the authorized party of
    a token meant for several audiences, the user id, and the provider's own claims."""
    if not hmac.compare_digest(str(claims["nonce"]).encode(), nonce.encode()):
        raise SignInError("id_token: nonce of another sign-in")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != provider.client_id:
        raise SignInError("id_token: authorized party is another client")
    if not str(claims.get(provider.user_claim) or ""):
        raise SignInError(f"id_token: no {provider.user_claim} claim")
    for name, expected in provider.required_claims.items():
        if claims.get(name) != expected:
            raise SignInError(f"id_token: {name} is not {expected}")
