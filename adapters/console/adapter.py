"""Reads lines from a terminal, sends them through the router, renders replies with rich."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import UTC, datetime

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel

from bot.answering import OUTDATED_TEXT
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.router import Router

PLATFORM = "console"
QUIT_WORDS = frozenset({"quit", "exit", "bye", ":q"})
_STYLE = {
    ReplyKind.ANSWER: "green",
    ReplyKind.ABSTAIN: "yellow",
    ReplyKind.ERROR: "red",
    ReplyKind.HELP: "cyan",
    ReplyKind.SMALLTALK: "cyan",
}


def render(reply: Reply) -> Panel:
    """A reply as a rich panel: answer in Markdown, sources, confidence, suggestions."""
    body = reply.answer_md if reply.kind is ReplyKind.ANSWER else reply.text
    parts: list[str] = [f"*⚠ {OUTDATED_TEXT}*", body] if reply.outdated else [body]
    if reply.kind is ReplyKind.ANSWER:
        parts.extend(
            f"- **{s.title}**{f' ({s.section})' if s.section else ''}: {s.location}"
            for s in reply.sources
        )
        if reply.suggestions:
            parts.append("**You may also mean:** " + "; ".join(s.title for s in reply.suggestions))
    title = None
    if reply.confidence is not None:
        title = f"confidence {reply.confidence:.0%}"
    return Panel(Markdown("\n\n".join(parts)), title=title, border_style=_STYLE[reply.kind])


class ConsoleAdapter:
    """An interactive chat loop; input and output are injectable so tests can drive it."""

    def __init__(
        self,
        *,
        router: Router,
        console: Console,
        read_line: Callable[[str], str] = input,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        user_id: str | None = None,
    ) -> None:
        self._router = router
        self._console = console
        self._read_line = read_line
        self._clock = clock
        self._user = user_id or getpass.getuser()
        self._ref = ConversationRef(platform=PLATFORM, conversation_id=f"console:{self._user}")

    async def run(self) -> None:
        """Chat until the user types quit or closes the input."""
        self._console.print("HuriBot — type a question, 'help', or 'quit'.", style="bold")
        while True:
            try:
                line = self._read_line("you> ")
            except (EOFError, KeyboardInterrupt):
                break
            if line.strip().casefold() in QUIT_WORDS:
                break
            if not line.strip():
                continue
            message = IncomingMessage(
                ref=self._ref, user_id=self._user, text=line, received_at=self._clock()
            )
            for reply in await self._router.handle(message):
                self._console.print(render(reply))
        self._console.print("Goodbye.")
