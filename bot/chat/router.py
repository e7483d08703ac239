"""Routes one incoming message to help, small talk or the answerer, and returns replies.

Handlers take a message and return replies; they never touch the network, so every adapter
(console, Slack, Teams) shares this exact behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from bot.answers.answerer import Answerer
from bot.chat.smalltalk import SmallTalk, classify, small_talk_reply
from bot.messages import IncomingMessage, Reply, ReplyKind
from knowledge.language import detect_language

logger = structlog.get_logger(__name__)

HELP_TEXT = (
    "I answer questions on human rights, leaving no one behind and gender in UN country work, "
    "from the Secretariat's consolidated replies and guidance, with sources.\n"
    "Try for example:\n"
    "- How does a UNCT contribute to the UPR?\n"
    "- What is the human rights-based approach to programming?\n"
    "- How do we prepare for a special rapporteur's country visit?\n\n"
    "When I can't answer, I pass the question to the Secretariat."
)
HELP_WORDS = frozenset({"help", "aide", "ayuda", "?", "/help"})
COMMAND_WORDS = frozenset({"stats", "calendar", "subscribe", "unsubscribe", "subscriptions"})


def is_command(text: str) -> bool:
    """True when the text is a chat command (`calendar KEN`, `help`, nothing at all) rather
    than a question: the one decision every platform asks before logging a question."""
    words = text.split()
    first = words[0].casefold() if words else ""
    return not words or first in COMMAND_WORDS or " ".join(words).casefold() in HELP_WORDS


@dataclass(frozen=True, slots=True)
class Triage:
    """A message answered without a search, and whether the bot took it up (a greeting, help)
    or turned it away (office chit-chat, a message too long)."""

    reply: Reply
    handled: bool


class Router:
    """The single entry point adapters call with a member's message."""

    def __init__(self, *, answerer: Answerer, max_question_chars: int = 2000) -> None:
        self._answerer = answerer
        self._max_chars = max_question_chars

    async def handle(self, message: IncomingMessage) -> list[Reply]:
        """Replies to send back in the conversation the message came from."""
        text = " ".join(message.text.split())
        log = logger.bind(platform=message.ref.platform, user=message.user_id)
        early = self.triage(text, language=message.language)
        if early is not None:
            if early.reply.kind is ReplyKind.ERROR:
                log.info("router.too_long", chars=len(text))
            return [early.reply]
        reply = await self._answerer.answer(text, language=message.language)
        log.info("router.answered", kind=reply.kind.value, confidence=reply.confidence)
        return [reply]

    def triage(self, text: str, *, language: str | None = None) -> Triage | None:
        """The reply to a message that needs no search (help, small talk, too long), or None
        for a question; `ask --json` uses it too, so both treat a message alike."""
        text = " ".join(text.split())
        if not text:
            help_text = "Please type a question. " + HELP_TEXT
            return Triage(Reply(kind=ReplyKind.HELP, text=help_text), handled=True)
        if text.casefold() in HELP_WORDS:
            return Triage(Reply(kind=ReplyKind.HELP, text=HELP_TEXT), handled=True)
        if len(text) > self._max_chars:
            too_long = (
                f"That message is {len(text)} characters long; please ask in under "
                f"{self._max_chars} characters, one question at a time."
            )
            return Triage(Reply(kind=ReplyKind.ERROR, text=too_long), handled=False)
        small_talk = classify(text)
        if small_talk is None:
            return None
        wording = small_talk_reply(small_talk, detect_language(text, hint=language))
        reply = Reply(kind=ReplyKind.SMALLTALK, text=wording)
        return Triage(reply, handled=small_talk is not SmallTalk.OFF_TOPIC)
