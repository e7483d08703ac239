"""A fake OpenID Connect identity provider: a real aiohttp server on 127.0.0.1 with a
discovery document, authorization, token and JWKS endpoints, signing ID tokens with its own
RSA key, as Entra ID or as Slack ("Sign in with Slack") shape them.

It validates as the real ones do: an unknown client or an unregistered redirect URI is
answered with an error page (never a redirect), `openid` must be in the scope, a code is
good once, for one minute, for the client and redirect URI it was issued to, and only with
the PKCE verifier of its challenge; the client secret is checked. Tests choose who signs in
at its "login page" (`signs_in`), and may make the next ID tokens wrong in one way
(`tamper`), to see the dashboard refuse them.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

import jwt
from aiohttp import BasicAuth, web
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fakes.loopback import serving

Flavour = Literal["entra", "slack"]
TENANT = "11111111-2222-3333-4444-555555555555"
SLACK_TEAM = "T0HURIBOT"
CODE_SECONDS = 60
KEY_ID = "fake-key-1"


@dataclass(frozen=True, slots=True)
class Account:
    """Someone who can sign in at the fake provider."""

    user_id: str
    """Entra's object id (`oid`), or Slack's user id (`sub`)."""
    name: str
    team: str = SLACK_TEAM
    """The Slack workspace (Slack flavour only)."""


@dataclass(frozen=True, slots=True)
class Tampering:
    """What is wrong with the ID tokens issued while it is set (None: as it should be)."""

    audience: str | None = None
    issuer: str | None = None
    nonce: str | None = None
    expires_in: int | None = None
    """Seconds from now (negative: already expired)."""
    foreign_key: bool = False
    """Signed with another key under the published key id (a forged signature)."""
    unsigned: bool = False
    """`alg: none`."""


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str | None
    account: Account
    issued_at: float


def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class FakeIdentityProvider:
    """`async with FakeIdentityProvider("entra", ...) as idp:` then configure its `issuer`."""

    flavour: Flavour
    client_id: str = "dashboard-client"
    client_secret: str = "dashboard-secret"
    redirect_uris: set[str] = field(default_factory=set)
    signs_in: Account | None = None
    """Who is at the login page: None answers `access_denied` (they cancelled)."""
    tamper: Tampering | None = None
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _grants: dict[str, _Grant] = field(default_factory=dict)
    _key: rsa.RSAPrivateKey = field(default_factory=_private_key)
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    _port: int = 0

    async def __aenter__(self) -> FakeIdentityProvider:
        app = web.Application()
        prefix = f"/{TENANT}/v2.0" if self.flavour == "entra" else ""
        app.router.add_get(f"{prefix}/.well-known/openid-configuration", self._discovery)
        app.router.add_get("/authorize", self._authorize)
        app.router.add_post("/token", self._token)
        app.router.add_get("/keys", self._keys)
        self._port = await self._stack.enter_async_context(serving(app))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop serving (also mid-test, to see the provider out of reach)."""
        await self._stack.aclose()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def issuer(self) -> str:
        """Entra's issuer names the tenant; Slack's is its bare origin."""
        return f"{self.origin}/{TENANT}/v2.0" if self.flavour == "entra" else self.origin

    def paths(self) -> list[str]:
        """The paths requested, in order."""
        return [path for path, _params in self.requests]

    async def _discovery(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, {}))
        return web.json_response(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.origin}/authorize",
                "token_endpoint": f"{self.origin}/token",
                "jwks_uri": f"{self.origin}/keys",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise" if self.flavour == "entra" else "public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "profile", "email"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                ],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, {}))
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return web.json_response({"keys": [public | {"kid": KEY_ID, "use": "sig", "alg": "RS256"}]})

    async def _authorize(self, request: web.Request) -> web.Response:
        params = dict(request.query)
        self.requests.append((request.path, params))
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != self.client_id or redirect_uri not in self.redirect_uris:
            return web.Response(status=400, text="invalid_request: unknown client or redirect_uri")
        state = params.get("state", "")
        problem = _authorize_problem(params)
        if problem is None and self.signs_in is None:
            problem = "access_denied"
        if problem is not None:
            raise web.HTTPFound(f"{redirect_uri}?{urlencode({'error': problem, 'state': state})}")
        code = secrets.token_urlsafe(24)
        self._grants[code] = _Grant(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            nonce=params["nonce"],
            challenge=params.get("code_challenge"),
            account=self.signs_in,  # type: ignore[arg-type]  # checked above
            issued_at=time.time(),
        )
        raise web.HTTPFound(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}")

    async def _token(self, request: web.Request) -> web.Response:
        form = {key: str(value) for key, value in (await request.post()).items()}
        self.requests.append((request.path, form))
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if "Authorization" in request.headers:
            basic = BasicAuth.decode(request.headers["Authorization"])
            client_id, secret = basic.login, basic.password
        if client_id != self.client_id or secret != self.client_secret:
            return self._error("invalid_client", status=401)
        grant = self._grants.pop(form.get("code", ""), None)  # a code is good once
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or time.time() - grant.issued_at > CODE_SECONDS
            or grant.redirect_uri != form.get("redirect_uri")
            or not _verifier_matches(grant.challenge, form.get("code_verifier"))
        ):
            return self._error("invalid_grant", status=400)
        body: dict[str, Any] = {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": self._id_token(grant),
        }
        if self.flavour == "slack":
            body["ok"] = True
        return web.json_response(body)

    def _error(self, error: str, *, status: int) -> web.Response:
        """Entra answers OAuth errors with their status; Slack with 200 and `ok: false`."""
        if self.flavour == "slack":
            return web.json_response({"ok": False, "error": error})
        return web.json_response({"error": error}, status=status)

    def _id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        wrong = self.tamper or Tampering()
        account = grant.account
        claims: dict[str, Any] = {
            "iss": wrong.issuer or self.issuer,
            "aud": wrong.audience or grant.client_id,
            "sub": account.user_id,
            "iat": now,
            "exp": now + (wrong.expires_in if wrong.expires_in is not None else 300),
            "nonce": wrong.nonce or grant.nonce,
            "name": account.name,
        }
        if self.flavour == "entra":
            claims |= {"oid": account.user_id, "tid": TENANT, "ver": "2.0"}
            claims["sub"] = f"pairwise-{account.user_id}"
        else:
            claims |= {
                "https://slack.com/user_id": account.user_id,
                "https://slack.com/team_id": account.team,
            }
        if wrong.unsigned:
            return jwt.encode(claims, key=None, algorithm="none")
        key = _private_key() if wrong.foreign_key else self._key
        return jwt.encode(claims, key=key, algorithm="RS256", headers={"kid": KEY_ID})


def _authorize_problem(params: dict[str, str]) -> str | None:
    """What a real provider refuses in an authorization request (sent back as `error`)."""
    if params.get("response_type") != "code":
        return "unsupported_response_type"
    if "openid" not in params.get("scope", "").split():
        return "invalid_scope"
    if not params.get("state") or not params.get("nonce"):
        return "invalid_request"
    if "code_challenge" in params and params.get("code_challenge_method") != "S256":
        return "invalid_request"
    return None


def _verifier_matches(challenge: str | None, verifier: str | None) -> bool:
    """PKCE (RFC 7636, S256): the verifier hashes to the challenge of the code's request."""
    if challenge is None:
        return verifier is None
    if verifier is None:
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii") == challenge
