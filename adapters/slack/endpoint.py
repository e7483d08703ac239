"""Slack's HTTP endpoint: the request's signature checked on the raw bytes before anything
reads them, so a forged request gets 401 (never a traceback and a 500); a signed one that is
not Slack's format (not UTF-8, not a JSON object) gets 400; only then is it handed to bolt,
which tells events, slash commands and interactivity apart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import structlog
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from adapters.slack.payload_shape import MalformedPayloadError, payload_problem

logger = structlog.get_logger(__name__)

Handler = Callable[[web.Request], Awaitable[web.Response]]


def is_signed(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> bool:
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
        raw = await request.read()
        if verifier is not None and not is_signed(verifier, raw, request.headers):
            logger.info("slack.unsigned_request", bytes=len(raw))
            return web.Response(status=401, text="invalid request signature")
        try:
            response = await app.async_dispatch(bolt_request(raw, request))
        except (ValueError, KeyError, TypeError) as exc:  # signed, yet not Slack's format
            logger.warning("slack.malformed_request", error=type(exc).__name__, problem=str(exc))
            return web.Response(status=400, text="malformed request")
        return await to_aiohttp_response(response)

    return handle


def bolt_request(raw: bytes, request: web.Request) -> AsyncBoltRequest:
    """The request as bolt reads it; MalformedPayloadError unless the body is UTF-8 (Slack
    sends nothing else, whatever the header says) holding a payload of Slack's shape: a JSON
    object, a form, or a form whose `payload` is a JSON object (bolt fails on any other)."""
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedPayloadError("the body is not UTF-8") from exc
    payload = parse_body(body, request.content_type)
    if not isinstance(payload, dict):
        raise MalformedPayloadError("the payload is not a JSON object")
    problem = payload_problem(payload)
    if problem is not None:
        raise MalformedPayloadError(problem)
    return AsyncBoltRequest(body=body, query=request.query_string, headers=dict(request.headers))
