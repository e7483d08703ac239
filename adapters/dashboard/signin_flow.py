"""A sign-in under way, kept in the browser's own cookie between leaving for the identity
provider and coming back: the state (the answer belongs to this browser's sign-in: no login
CSRF), the nonce (the ID token was issued for it: no replayed token) and the PKCE verifier
(the code cannot be used by whoever intercepted it), and where to go afterwards.

Nothing here is secret from the browser that started the sign-in, and nothing in it is
worth anything in another browser, so it needs no server-side state nor a signing key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import asdict, dataclass

from adapters.dashboard.config import PREFIX

HOME = f"{PREFIX}/queue"


@dataclass(frozen=True, slots=True)
class PendingSignIn:
    """What the provider's answer must match."""

    provider: str
    state: str
    nonce: str
    verifier: str
    next: str = HOME

    @classmethod
    def begin(cls, provider: str, *, next_path: str | None) -> PendingSignIn:
        """A new sign-in with fresh random values."""
        return cls(
            provider=provider,
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            verifier=secrets.token_urlsafe(64),
            next=safe_next(next_path),
        )

    @property
    def code_challenge(self) -> str:
        """PKCE's S256 challenge of the verifier."""
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def encode(self) -> str:
        """The cookie's value."""
        raw = json.dumps(asdict(self), separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode("ascii")

    @classmethod
    def decode(cls, value: str | None) -> PendingSignIn | None:
        """The sign-in of a cookie, or None when there is none or it was tampered with."""
        if not value:
            return None
        try:
            fields = json.loads(base64.urlsafe_b64decode(value.encode("ascii")))
            pending = cls(**{name: str(fields[name]) for name in cls.__dataclass_fields__})
        except (ValueError, TypeError, KeyError, binascii.Error):
            return None
        return pending if pending.next == safe_next(pending.next) else None


def safe_next(path: str | None) -> str:
    """A page of the dashboard to go to after signing in; anything else (another site,
    `//host`, a backslash trick) is the queue."""
    if not path or not path.startswith(f"{PREFIX}/") or "\\" in path or "//" in path:
        return HOME
    return path
