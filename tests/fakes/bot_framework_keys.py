"""Microsoft's token-signing keys, played by a key pair made for the test run.

The Agents SDK fetches the Bot Framework's public keys from a fixed Microsoft address, with no
setting to point it elsewhere. `published_keys()` puts a key set in the SDK's key cache for
that address, as if Microsoft had published it, so a token signed here is checked exactly as
a real one: signature, expiry, audience.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from microsoft_agents.hosting.core.authorization.authentication_constants import (
    AuthenticationConstants,
)
from microsoft_agents.hosting.core.authorization.jwt.jwt_token_validator import (
    JwtTokenValidator,
    _JwkClientCacheEntry,
)

ISSUER = "https://api.botframework.com"
KEY_ID = "huribot-test-key"
JWKS_URL = AuthenticationConstants.PUBLIC_ABS_JWKS_URL


class _PublishedKeys(jwt.PyJWKClient):
    """A JWKS client whose 'download' returns the given key set."""

    def __init__(self, key_set: dict[str, Any]) -> None:
        super().__init__(JWKS_URL, cache_keys=False)
        self._key_set = key_set

    def fetch_data(self) -> Any:
        return self._key_set


def new_key() -> rsa.RSAPrivateKey:
    """A fresh RSA signing key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@contextmanager
def published_keys(key: rsa.RSAPrivateKey) -> Iterator[None]:
    """While inside, the SDK trusts `key` as the Bot Framework's signing key."""
    public = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    key_set = {"keys": [{**public, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]}
    cache = JwtTokenValidator._jwk_client_manager._cache
    previous = cache.get(JWKS_URL)
    cache[JWKS_URL] = _JwkClientCacheEntry(_PublishedKeys(key_set), threading.Lock())
    try:
        yield
    finally:
        if previous is None:
            cache.pop(JWKS_URL, None)
        else:
            cache[JWKS_URL] = previous


def bot_framework_token(
    key: rsa.RSAPrivateKey, *, audience: str, service_url: str, lifetime: float = 600.0
) -> str:
    """A token as the Bot Framework sends with each activity."""
    now = time.time()
    claims = {
        "iss": ISSUER,
        "aud": audience,
        "serviceurl": service_url,
        "nbf": int(now) - 60,
        "exp": int(now + lifetime),
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KEY_ID})
