"""Slack's HTTP endpoint: the request's signature checked on the raw bytes before anything
reads them, so a forged or malformed request gets 401 (never a traceback and a 500), and
only then handed to bolt, which tells events, slash commands and interactivity apart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import structlog
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

logger = structlog.get_logger(__name__)

Handler = Callable[[web.Request], Awaitable[web.Response]]


def is_signed(verifier: SignatureVerifier, body: str, headers: Mapping[str, str]) -> bool:
    """True for a fresh request signed with the signing secret; False for anything else,
    including a timestamp that is not a number ("abc", "1e400")."""
    try:
        return verifier.is_valid(
            body=body,
            timestamp=headers.get("X-Slack-Request-Timestamp", ""),
            signature=headers.get("X-Slack-Signature", ""),
        )
    except (ValueError, OverflowError):
        return False


def slack_endpoint(app: AsyncApp, signing_secret: str | None) -> Handler:
    """The aiohttp handler of `POST /slack/events`."""
    verifier = SignatureVerifier(signing_secret) if signing_secret is not None else None

    async def handle(request: web.Request) -> web.Response:
        body = await request.text()
        if verifier is not None and not is_signed(verifier, body, request.headers):
            logger.info("slack.unsigned_request", bytes=len(body))
            return web.Response(status=401, text="invalid request signature")
        try:
            response = await app.async_dispatch(await to_bolt_request(request))
        except (ValueError, KeyError, TypeError) as exc:  # signed, yet not Slack's format
            logger.warning("slack.malformed_request", error=type(exc).__name__)
            return web.Response(status=400, text="malformed request")
        return await to_aiohttp_response(response)

    return handle
