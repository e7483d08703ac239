"""`huribot serve`: the web server, Slack (HTTP or Socket Mode), until stopped."""

from __future__ import annotations

import asyncio
import signal

import structlog
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters.cli.common import out, with_services
from adapters.composition import Services
from adapters.server import build_web_app
from adapters.slack.app import SlackBot, SlackConfig

logger = structlog.get_logger(__name__)


def slack_bot(services: Services) -> SlackBot | None:
    """The Slack bot when credentials are configured."""
    settings = services.settings
    if settings.slack_bot_token is None:
        return None
    secret = settings.slack_signing_secret
    config = SlackConfig(
        bot_token=settings.slack_bot_token.get_secret_value(),
        signing_secret=secret.get_secret_value() if secret is not None else None,
        api_url=settings.slack_api_url,
    )
    return SlackBot(config=config, assistant=services.assistant, answerer=services.answerer)


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def serve() -> None:
    """Run the web server (health check, Slack endpoint) and Socket Mode when configured."""

    async def _work(services: Services) -> None:
        settings = services.settings
        slack = slack_bot(services)
        socket_mode = slack is not None and settings.slack_app_token is not None
        web_app = build_web_app(slack=None if socket_mode or slack is None else slack.app)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, settings.host, settings.port).start()
        handler = None
        if socket_mode and slack is not None and settings.slack_app_token is not None:
            handler = AsyncSocketModeHandler(slack.app, settings.slack_app_token.get_secret_value())
            await handler.connect_async()  # type: ignore[no-untyped-call]
        mode = "socket mode" if socket_mode else ("HTTP" if slack else "no chat platform")
        out.print(f"HuriBot listening on http://{settings.host}:{settings.port} (Slack: {mode})")
        logger.info("serve.started", host=settings.host, port=settings.port, slack=mode)
        try:
            await _until_stopped()
        finally:
            if handler is not None:
                await handler.close_async()  # type: ignore[no-untyped-call]
            await runner.cleanup()

    with_services(_work)
