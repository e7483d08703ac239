"""The analytics page's figures as its language writes them: shares, hours, weeks,
languages and platforms (numbers, dates and countries are `Formats`' own)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_skeleton
from babel.numbers import format_percent
from babel.units import format_unit

from adapters.dashboard.i18n import Formats, Gettext, gettext_for, ngettext_for
from adapters.dashboard.queue_model import PLATFORM_NAMES

NOTHING = "—"
"""What a share of nothing, or the median of no answers, is written as."""


class Words(Formats):
    """`Formats`, and the page's `_` and `ngettext`, with what charts and tables write."""

    def __init__(self, language: str, *, now: datetime) -> None:
        super().__init__(language, now=now)
        self._: Gettext = gettext_for(language)
        self.ngettext: Gettext = ngettext_for(language)

    def percent(self, value: float | None) -> str:
        """ "63 %" in French, "63%" in English."""
        return NOTHING if value is None else format_percent(value, locale=self._locale)

    def hours(self, value: float | None) -> str:
        """ "14.5 hr", "14,5 h": a duration in hours, to a tenth."""
        if value is None:
            return NOTHING
        return format_unit(
            round(value, 1), "duration-hour", length="short", format="#,##0.#", locale=self._locale
        )

    def week(self, monday: date) -> str:
        """A week, short, by its Monday: "Nov 2", "2 nov."."""
        return format_skeleton("MMMd", monday, locale=self._locale)

    def week_of(self, monday: date) -> str:
        """ "Week of Nov 2, 2026"."""
        return self._("Week of %(date)s", date=self.day(monday))

    def language_name(self, code: str | None) -> str:
        """A language's name in the page's language ("français", "French")."""
        if not code:
            return self._("not known")
        name = str(self._locale.languages.get(code, code))
        return name[:1].upper() + name[1:]

    def platform(self, key: str | None) -> str:
        """A chat platform's name."""
        return PLATFORM_NAMES.get(key or "", key or self._("not known"))
