"""The proxy that stands for a database going down: it relays, cuts, refuses, and comes back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.fakes.tcp_proxy import TcpProxy, proxy_to


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while line := await reader.readline():
        writer.write(line)
        await writer.drain()
    writer.close()


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    """A proxy in front of a line echo server."""
    server = await asyncio.start_server(_echo, "127.0.0.1", 0)
    port = int(server.sockets[0].getsockname()[1])
    async with server, proxy_to("127.0.0.1", port) as relay:
        yield relay


async def _round_trip(port: int, text: bytes) -> tuple[bytes, asyncio.StreamReader]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(text + b"\n")
    return await reader.readline(), reader


async def test_the_proxy_relays_cuts_refuses_and_comes_back_on_its_port(
    proxy: TcpProxy,
) -> None:
    echoed, open_reader = await _round_trip(proxy.port, b"before")
    assert echoed == b"before\n" and proxy.open_connections == 1

    port = proxy.port
    await proxy.cut()
    assert await open_reader.read(1) == b""  # the open connection was closed
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)
    assert not proxy.up and proxy.open_connections == 0

    await proxy.restore()
    echoed, _ = await _round_trip(proxy.port, b"after")
    assert proxy.port == port and echoed == b"after\n"
    assert proxy.accepted == 2
