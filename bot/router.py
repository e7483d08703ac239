"""Routes one incoming message to help, small talk or the answerer, and returns replies.

Handlers take a message and return replies; they never touch the network, so every adapter
(console, Slack, Teams) shares this exact behaviour.
"""

from __future__ import annotations

import structlog

from bot.answering import Answerer
from bot.messages import IncomingMessage, Reply, ReplyKind
from bot.smalltalk import REPLIES, classify

logger = structlog.get_logger(__name__)

HELP_TEXT = (
    "I answer questions on human rights, leaving no one behind and gender in UN country work, "
    "from the Secretariat's consolidated replies and guidance, with sources.\n"
    "Try for example:\n"
    "- How does a UNCT contribute to the UPR?\n"
    "- What is the human rights-based approach to programming?\n"
    "- How do we prepare for a special rapporteur's country visit?\n"
    "When I can't answer, I pass the question to the Secretariat."
)
HELP_WORDS = frozenset({"help", "aide", "ayuda", "?", "/help"})


class Router:
    """The single entry point adapters call with a member's message."""

    def __init__(self, *, answerer: Answerer, max_question_chars: int = 2000) -> None:
        self._answerer = answerer
        self._max_chars = max_question_chars

    async def handle(self, message: IncomingMessage) -> list[Reply]:
        """Replies to send back in the conversation the message came from."""
        text = " ".join(message.text.split())
        log = logger.bind(platform=message.ref.platform, user=message.user_id)
        if not text:
            return [Reply(kind=ReplyKind.HELP, text="Please type a question. " + HELP_TEXT)]
        if text.casefold() in HELP_WORDS:
            return [Reply(kind=ReplyKind.HELP, text=HELP_TEXT)]
        if len(text) > self._max_chars:
            log.info("router.too_long", chars=len(text))
            return [
                Reply(
                    kind=ReplyKind.ERROR,
                    text=f"That message is {len(text)} characters long; please ask in under "
                    f"{self._max_chars} characters, one question at a time.",
                )
            ]
        small_talk = classify(text)
        if small_talk is not None:
            return [Reply(kind=ReplyKind.SMALLTALK, text=REPLIES[small_talk])]
        reply = await self._answerer.answer(text, language=message.language)
        log.info("router.answered", kind=reply.kind.value, confidence=reply.confidence)
        return [reply]
