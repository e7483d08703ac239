"""Reads lines from a terminal, sends them through the router, renders replies with rich."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import UTC, datetime

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel

from bot.answers.answerer import OUTDATED_TEXT
from bot.chat.commands import ChatCommands, CommandContext, is_command
from bot.chat.intake import Assistant
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.moderation.queue import Actor

PLATFORM = "console"
QUIT_WORDS = frozenset({"quit", "exit", "bye", ":q", "/quit", "/exit"})
NOT_HERE = frozenset({"subscribe", "unsubscribe"})
NOT_HERE_TEXT = (
    "Calendar digests are posted in Slack or Teams: type this command in the channel that "
    "should get them, or use `huribot subscription add`."
)
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
    if reply.notice:
        parts.insert(0, f"*🌐 {reply.notice}*")
    if reply.whole_item_id is not None:
        document = reply.whole_item_id.partition("#")[0]
        parts.append(
            f"_The sentences that answer; `huribot kb show {document}` shows the whole document._"
        )
    if reply.kind is ReplyKind.ANSWER:
        parts.extend(
            f"- **{s.title}**{f' ({s.section})' if s.section else ''}: {s.location}"
            for s in reply.sources
        )
        if reply.suggestions:
            label = "You may also mean" if reply.tentative else "Related"
            parts.append(f"**{label}:** " + "; ".join(s.title for s in reply.suggestions))
    title = None
    if reply.confidence is not None:
        title = f"confidence {reply.confidence:.0%}"
    return Panel(Markdown("\n\n".join(parts)), title=title, border_style=_STYLE[reply.kind])


class ConsoleAdapter:
    """An interactive chat loop; input and output are injectable so tests can drive it."""

    def __init__(
        self,
        *,
        assistant: Assistant,
        console: Console,
        read_line: Callable[[str], str] = input,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        user_id: str | None = None,
        commands: ChatCommands | None = None,
    ) -> None:
        """With `commands`, chat commands such as `calendar KEN` work here too."""
        self._assistant = assistant
        self._commands = commands
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
            for reply in await self._replies(line):
                self._console.print(render(reply))
        self._console.print("Goodbye.")

    async def _replies(self, line: str) -> list[Reply]:
        if self._commands is not None and is_command(line):
            return [Reply(kind=ReplyKind.HELP, text=await self._command(self._commands, line))]
        message = IncomingMessage(
            ref=self._ref, user_id=self._user, text=line, received_at=self._clock()
        )
        # logged like a question in Slack or Teams: one the bot cannot answer reaches the
        # Secretariat's queue, as the abstention says
        received = await self._assistant.receive(message, event_key=None)
        if received is None:
            return []
        replies = await self._assistant.respond(received)
        await self._assistant.delivered(received, replies)
        return replies

    async def _command(self, commands: ChatCommands, line: str) -> str:
        if line.split(maxsplit=1)[0].casefold() in NOT_HERE:
            return NOT_HERE_TEXT
        context = CommandContext(actor=Actor(PLATFORM, self._user), ref=self._ref)
        return await commands.run(line, context=context) or ""
