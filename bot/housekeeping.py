"""Periodic upkeep run by `huribot serve`: moderation reminders, the weekly digest of replies
due for review, the monthly reminder to renew a stale calendar, the retention purge, and the
deletion of files staged for an import and never confirmed.

Each task is idempotent (reminders go through the outbox with a key per day), so running it
more often, late, or in two processes at once does no harm.
"""

from __future__ import annotations

from datetime import timedelta

import structlog

from bot.calendar.freshness import ImportReminder
from bot.clock import Clock, system_clock
from bot.kb.review import ReviewReminder
from bot.moderation.queue import Moderation
from bot.questions.privacy import purge_before
from bot.staging import StagedUploads

logger = structlog.get_logger(__name__)


class Housekeeping:
    """Reminds moderators of untouched groups and purges questions past retention."""

    def __init__(
        self,
        *,
        moderation: Moderation,
        review_reminder: ReviewReminder,
        remind_after: timedelta,
        retention: timedelta,
        import_reminder: ImportReminder | None = None,
        staging: StagedUploads | None = None,
        clock: Clock = system_clock,
    ) -> None:
        """`staging`, when given, has its expired uploads deleted each round."""
        self._moderation = moderation
        self._review_reminder = review_reminder
        self._import_reminder = import_reminder
        self._staging = staging
        self._remind_after = remind_after
        self._retention = retention
        self._clock = clock

    async def run_once(self) -> None:
        """One round of upkeep."""
        reminded = await self._moderation.remind_stale(untouched_for=self._remind_after)
        await self._review_reminder.queue_weekly()
        if self._import_reminder is not None:
            await self._import_reminder.queue_if_stale()
        async with self._moderation.database.transaction() as session:
            purged = await purge_before(session, cutoff=self._clock() - self._retention)
        if self._staging is not None:
            await self._staging.purge()
        if reminded or purged.questions:
            logger.info("housekeeping.done", reminded=len(reminded), purged=purged.questions)
