"""An in-memory chat platform: conversations whose replies are kept, so scenario tests drive
the core's intake exactly as Slack, Teams and the console do, with no platform at all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.chat.intake import Intake, Received
from bot.messages import ConversationRef, IncomingMessage, Reply

PLATFORM = "memory"


class RefusedError(RuntimeError):
    """What a platform raises when it will not take a post (the bot was removed, say)."""


@dataclass
class MemoryChannel:
    """One conversation's reply channel: keeps what was posted, or refuses when told to."""

    ref: ConversationRef
    posted: list[Reply] = field(default_factory=list)
    refuses: bool = False

    async def post(self, replies: Sequence[Reply]) -> None:
        if self.refuses:
            raise RefusedError(f"{self.ref.conversation_id} refused the post")
        self.posted.extend(replies)


@dataclass
class MemoryChat:
    """Members asking in threads of one channel; each thread has its own reply channel."""

    intake: Intake
    clock: Callable[[], datetime]
    channel_id: str = "C-GENERAL"
    threads: dict[str, MemoryChannel] = field(default_factory=dict)

    def channel(self, ref: ConversationRef) -> MemoryChannel:
        """The reply channel of a conversation (a channel factory, as workers use)."""
        key = ref.thread_id or ref.conversation_id
        return self.threads.setdefault(key, MemoryChannel(ref))

    async def receive(self, text: str, *, user: str, thread: str) -> Received:
        """A question stored as a platform stores it before acknowledging (and before a crash
        could stop its answer)."""
        ref = ConversationRef(platform=PLATFORM, conversation_id=self.channel_id, thread_id=thread)
        message = IncomingMessage(ref=ref, user_id=user, text=text, received_at=self.clock())
        received = await self.intake.receive(message, event_key=f"{PLATFORM}:{thread}")
        assert received is not None, "a new thread's question is stored once"
        return received

    async def ask(self, text: str, *, user: str, thread: str) -> tuple[int, list[Reply]]:
        """Ask in a thread, as a platform would: stored first, then answered in the thread;
        returns the question's id and what was posted in the thread."""
        received = await self.receive(text, user=user, thread=thread)
        channel = self.channel(received.message.ref)
        await self.intake.answer(received, channel)
        return received.question_id, channel.posted
