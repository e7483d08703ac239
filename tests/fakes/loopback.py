"""A fake's aiohttp application served on an ephemeral loopback port, for as long as the
`async with` lasts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web


@asynccontextmanager
async def serving(app: web.Application, host: str = "127.0.0.1") -> AsyncIterator[int]:
    """Serve `app` on `host`; yields the port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, 0).start()
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()
