"""Slack's request signature (v0, HMAC-SHA256), computed the way Slack computes it.

https://api.slack.com/authentication/verifying-requests-from-slack: the signature is
`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` keyed with the signing secret.
"""

from __future__ import annotations

import hashlib
import hmac
import time

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def signature(body: str | bytes, secret: str, timestamp: int) -> str:
    """The `X-Slack-Signature` value for a body (text, or raw bytes) sent at `timestamp`."""
    raw = body if isinstance(body, bytes) else body.encode()
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    body: str, secret: str, *, timestamp: int | None = None, content_type: str = JSON
) -> dict[str, str]:
    """Headers Slack sends with `body`: timestamp (now unless given), signature, type."""
    sent_at = int(time.time()) if timestamp is None else timestamp
    return {
        "X-Slack-Request-Timestamp": str(sent_at),
        "X-Slack-Signature": signature(body, secret, sent_at),
        "Content-Type": content_type,
    }
