"""A loopback TCP proxy that can take a server away and bring it back.

Put between a process and its database, it stands for the database going down: `cut()` closes
every open connection at once, unsent bytes dropped (as the kernel does for a server process
that died), and refuses new ones until `restore()` listens again on the same port. Bytes pass
through unchanged, so any protocol works (PostgreSQL's, with TLS or not).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

CHUNK = 64 * 1024


@dataclass(eq=False)
class _Link:
    """One client connection and its connection to the target."""

    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter

    def abort(self) -> None:
        """Close both sides at once, dropping what was not sent yet."""
        for writer in (self.client, self.upstream):
            writer.transport.abort()


@dataclass
class TcpProxy:
    """Relays connections to `proxy.host:proxy.port` to the target (see `proxy_to`)."""

    target_host: str
    target_port: int
    host: str = "127.0.0.1"
    port: int = 0
    """The port it listens on: ephemeral until started, then the same across `restore()`."""
    accepted: int = 0
    """Connections accepted since the start."""
    _server: asyncio.Server | None = None
    _links: set[_Link] = field(default_factory=set)
    _pipes: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        """Listen (on an ephemeral port the first time, the same port afterwards)."""
        self._server = await asyncio.start_server(
            self._accept, self.host, self.port, reuse_address=True
        )
        self.port = int(self._server.sockets[0].getsockname()[1])

    @property
    def up(self) -> bool:
        """Whether connections are accepted now."""
        return self._server is not None

    @property
    def open_connections(self) -> int:
        """Connections being relayed now."""
        return len(self._links)

    async def cut(self) -> None:
        """Refuse new connections and close every open one."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for link in list(self._links):
            link.abort()
        self._links.clear()

    async def restore(self) -> None:
        """Accept connections again, on the same port."""
        if self._server is None:
            await self.start()

    async def stop(self) -> None:
        """Cut everything and wait for the relaying tasks to end."""
        await self.cut()
        if self._pipes:
            await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            writer.transport.abort()  # the target itself is down: so is the proxy's client
            return
        link = _Link(client=writer, upstream=up_writer)
        self._links.add(link)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink, link))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, link: _Link
    ) -> None:
        """Copy one direction until either side closes; then close the whole link."""
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while chunk := await source.read(CHUNK):
                sink.write(chunk)
                await sink.drain()
        if link in self._links:
            self._links.discard(link)
            for writer in (link.client, link.upstream):
                writer.close()


@asynccontextmanager
async def proxy_to(host: str, port: int) -> AsyncIterator[TcpProxy]:
    """A started proxy to `host:port`, stopped afterwards."""
    proxy = TcpProxy(host, port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()
