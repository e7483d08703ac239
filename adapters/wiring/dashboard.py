"""The web dashboard as configured: its identity providers from the settings, its sessions
on the core's database and moderator directory (the same directory as chat's, so whoever
may moderate in Slack or Teams may on the dashboard, and no one else)."""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType

from aiohttp import web

from adapters.dashboard.app import build_dashboard
from adapters.dashboard.config import DashboardConfig, IdentityProvider
from adapters.dashboard.context import DashboardServices
from adapters.wiring.services import Services
from bot.calendar.browse import CalendarBrowser
from bot.calendar.importing import CalendarImports
from bot.kb.editor import ReplyEditor
from bot.moderation.sessions import ModeratorSessions
from bot.settings import Settings
from bot.staging import StagedUploads

SLACK_USER_CLAIM = "https://slack.com/user_id"
SLACK_TEAM_CLAIM = "https://slack.com/team_id"


def identity_providers(settings: Settings) -> tuple[IdentityProvider, ...]:
    """Sign in with Microsoft (Entra ID: its object id is a Teams moderator's id) and with
    Slack (its user id is a Slack moderator's), whichever are configured."""
    providers = []
    entra_secret = settings.dashboard_entra_client_secret
    if settings.dashboard_entra_client_id and entra_secret and settings.dashboard_entra_issuer:
        providers.append(
            IdentityProvider(
                key="entra",
                label="Microsoft",
                issuer=settings.dashboard_entra_issuer,
                client_id=settings.dashboard_entra_client_id,
                client_secret=entra_secret.get_secret_value(),
                platform="teams",
                user_claim="oid",
            )
        )
    slack_secret = settings.dashboard_slack_client_secret
    if settings.dashboard_slack_client_id and slack_secret:
        team = settings.dashboard_slack_team_id
        providers.append(
            IdentityProvider(
                key="slack",
                label="Slack",
                issuer=settings.dashboard_slack_issuer,
                client_id=settings.dashboard_slack_client_id,
                client_secret=slack_secret.get_secret_value(),
                platform="slack",
                user_claim=SLACK_USER_CLAIM,
                required_claims=MappingProxyType({SLACK_TEAM_CLAIM: team} if team else {}),
                authorize_params=MappingProxyType({"team": team} if team else {}),
            )
        )
    return tuple(providers)


def dashboard_config(settings: Settings) -> DashboardConfig | None:
    """The dashboard's configuration, when it is on."""
    if settings.dashboard_url is None:
        return None
    return DashboardConfig(
        public_url=settings.dashboard_url,
        providers=identity_providers(settings),
        setup_token=settings.dashboard_admin_token is not None,
        session_lifetime=timedelta(hours=settings.dashboard_session_hours),
    )


def dashboard_app(services: Services) -> web.Application | None:
    """The dashboard's sub-application over the core services, when it is on."""
    settings = services.settings
    config = dashboard_config(settings)
    if config is None:
        return None
    token = settings.dashboard_admin_token
    sessions = ModeratorSessions(
        database=services.database,
        moderators=services.moderation.moderators,
        lifetime=config.session_lifetime,
        setup_token=token.get_secret_value() if token is not None else None,
    )
    return build_dashboard(
        DashboardServices(
            config=config,
            moderation=services.moderation,
            sessions=sessions,
            subscriptions=services.subscriptions,
            calendar=CalendarBrowser(
                database=services.database, subscriptions=services.subscriptions
            ),
            scheduler=services.scheduler,
            knowledge=services.knowledge,
            planner=services.answerer.planner,
            replies=ReplyEditor(knowledge=services.knowledge),
            calendar_imports=CalendarImports(services.database),
            staging=StagedUploads(database=services.database),
            ingest_limits=settings.ingest_limits(),
            calendar_limits=settings.calendar_limits(),
        )
    )
