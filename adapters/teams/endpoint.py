"""Teams' messaging endpoint, `POST /api/messages`: the Bot Framework's activities, checked by
the Agents SDK's JWT rules, then read (and refused with 400 when unreadable) before the bot
sees them. Apart from the web server so that the SDK loads only when Teams is configured."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_decorator
from microsoft_agents.hosting.core import Agent, AgentAuthConfiguration
from pydantic import ValidationError

logger = structlog.get_logger(__name__)

AGENT_CONFIGURATION = "agent_configuration"


@dataclass(frozen=True, slots=True)
class TeamsRoute:
    """What `POST /api/messages` needs: the SDK adapter, our agent, the token rules."""

    adapter: CloudAdapter
    agent: Agent
    auth: AgentAuthConfiguration

    def mount(self, application: web.Application) -> None:
        """Serve `POST /api/messages` on `application`."""
        application[AGENT_CONFIGURATION] = self.auth  # where the SDK's JWT check reads it
        application.router.add_post("/api/messages", teams_endpoint(self.adapter, self.agent))


def teams_endpoint(
    adapter: CloudAdapter, agent: Agent
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Bot Framework activities, authenticated by the SDK's JWT check before anything runs;
    an authenticated body the SDK cannot read as an activity gets 400, not a 500."""

    async def handle(request: web.Request) -> web.Response:
        problem = await unreadable_activity(request)
        if problem is not None:
            logger.warning("teams.malformed_activity", problem=problem)
            return web.Response(status=400, text="malformed activity")
        response = await adapter.process(request, agent)
        return response if response is not None else web.Response(status=202)

    authorized: Callable[[web.Request], Awaitable[web.Response]]
    authorized = jwt_authorization_decorator(handle)  # type: ignore[no-untyped-call]
    return authorized


async def unreadable_activity(request: web.Request) -> str | None:
    """Why the body is no activity the bot can read and answer (None when it is one): not
    JSON, not an activity's fields (pydantic's ValidationError), a field the SDK's own checks
    refuse with a TypeError (an empty `channelId`), or no reply could reach it."""
    try:
        activity = Activity.model_validate(await request.json())
    except ValidationError as exc:
        return f"{exc.error_count()} invalid fields"
    except (ValueError, TypeError) as exc:
        return type(exc).__name__
    return unanswerable(activity)


def unanswerable(activity: Activity) -> str | None:
    """Why no reply could reach the activity's conversation, or be stored: no service URL, no
    sender or recipient (a reply names both), an id that cannot stand in the connector's URL
    or that is longer than its column. Teams sends none of these."""
    sender, conversation = activity.from_property, activity.conversation
    ids = [i for i in (activity.id, conversation.id if conversation else None) if i]
    members = [i for i in (sender.id, sender.aad_object_id) if i] if sender else []
    problems = (
        (not activity.service_url, "no serviceUrl"),
        (sender is None or activity.recipient is None, "no sender or no recipient"),
        (not all(map(_URL_SAFE_ID.fullmatch, ids)), "an id with characters no Teams id has"),
        (any(len(i) > MAX_MEMBER_ID_CHARS for i in members), "a member id longer than stored"),
        (any(len(i) > MAX_ID_CHARS for i in ids), "an id longer than stored"),
    )
    return next((reason for failed, reason in problems if failed), None)


MAX_MEMBER_ID_CHARS = 128
"""Where the question log keeps a member's id (Teams' run to about a hundred characters)."""
MAX_ID_CHARS = 255
"""Where conversations are remembered, and subscriptions kept, by id."""


_URL_SAFE_ID = re.compile(r"[\w:;@=.,+!$&'()*~-]+")
"""What the connector's URLs (`v3/conversations/{id}/activities/{id}`) can carry as is (what
RFC 3986 lets a path segment hold unescaped, letters of any script included): the SDK puts
ids there unquoted, so a `/`, `?`, `#` or `{` would send the reply elsewhere, or nowhere."""
