"""Reads lines from a terminal, sends them through the router, renders replies with rich."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel

from bot.answers.answerer import OUTDATED_TEXT
from bot.chat.commands import ChatCommands, CommandContext
from bot.chat.intake import Intake
from bot.chat.router import is_command
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.moderation.directory import Actor

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


@dataclass(frozen=True, slots=True)
class ConsoleChannel:
    """The console's reply channel: each reply printed as a panel."""

    console: Console

    async def post(self, replies: Sequence[Reply]) -> None:
        """Print the replies, in order."""
        for reply in replies:
            self.console.print(render(reply))


class ConsoleAdapter:
    """An interactive chat loop; input and output are injectable so tests can drive it."""

    def __init__(
        self,
        *,
        intake: Intake,
        console: Console,
        read_line: Callable[[str], str] = input,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        user_id: str | None = None,
        commands: ChatCommands | None = None,
    ) -> None:
        """With `commands`, chat commands such as `calendar KEN` work here too."""
        self._intake = intake
        self._commands = commands
        self._console = console
        self._read_line = read_line
        self._clock = clock
        self._user = user_id or getpass.getuser()
        self._ref = ConversationRef(platform=PLATFORM, conversation_id=f"console:{self._user}")
        self._channel = ConsoleChannel(console)

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
            await self._handle(line)
        self._console.print("Goodbye.")

    async def _handle(self, line: str) -> None:
        """A chat command, or a question logged and answered as in Slack or Teams: one the
        bot cannot answer reaches the Secretariat's queue, as the abstention says."""
        if self._commands is not None and is_command(line):
            text = await self._command(self._commands, line)
            await self._channel.post([Reply(kind=ReplyKind.HELP, text=text)])
            return
        message = IncomingMessage(
            ref=self._ref, user_id=self._user, text=line, received_at=self._clock()
        )
        received = await self._intake.receive(message, event_key=None)
        if received is not None:
            await self._intake.answer(received, self._channel)

    async def _command(self, commands: ChatCommands, line: str) -> str:
        if line.split(maxsplit=1)[0].casefold() in NOT_HERE:
            return NOT_HERE_TEXT
        context = CommandContext(actor=Actor(PLATFORM, self._user), ref=self._ref)
        return await commands.run(line, context=context) or ""
