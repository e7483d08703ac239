"""What every dashboard handler reaches: the core services it acts through (the same as
chat's and the command line's), and what the middlewares learnt of the request."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from adapters.dashboard.config import DashboardConfig
from adapters.dashboard.oidc import OpenIdClient
from bot.calendar.browse import CalendarBrowser
from bot.calendar.importing import CalendarImports
from bot.calendar.limits import CalendarLimits
from bot.calendar.scheduler import CalendarScheduler
from bot.calendar.subscriptions import Subscriptions
from bot.clock import Clock, system_clock
from bot.kb.editor import ReplyEditor
from bot.kb.service import KnowledgeService
from bot.moderation.queue import Moderation
from bot.moderation.sessions import ModeratorSessions, SignedIn
from bot.staging import StagedUploads
from knowledge.ingest.limits import IngestLimits
from knowledge.query import QueryPlanner


@dataclass(frozen=True, slots=True)
class DashboardServices:
    """The dashboard's configuration and the core services behind its pages."""

    config: DashboardConfig
    moderation: Moderation
    sessions: ModeratorSessions
    subscriptions: Subscriptions
    calendar: CalendarBrowser
    scheduler: CalendarScheduler
    """Its digest previews are what the scheduler would post."""
    knowledge: KnowledgeService
    """The bot's own search, as the answerer uses it."""
    planner: QueryPlanner
    """How the index reads a query, to say why each hit ranks."""
    replies: ReplyEditor
    calendar_imports: CalendarImports
    staging: StagedUploads
    """Files uploaded to import, kept between their preview and its confirmation."""
    ingest_limits: IngestLimits
    calendar_limits: CalendarLimits
    clock: Clock = system_clock


SERVICES = web.AppKey("dashboard_services", DashboardServices)
OPENID = web.AppKey("dashboard_openid_clients", dict[str, OpenIdClient])
"""One client per configured identity provider, by key (made when the server starts)."""
SIGNED_IN = web.RequestKey("dashboard_signed_in", SignedIn)
"""The moderator's live session, set only when there is one."""
SESSION_TOKEN = web.RequestKey("dashboard_session_token", str)
LANGUAGE = web.RequestKey("dashboard_language", str)
FORM_TOKEN = web.RequestKey("dashboard_form_token", str)
"""The CSRF token of the forms shown before signing in."""
