"""Entra ID's token service, as the bot's outbound calls see it, played in-process.

With credentials on, the Agents SDK asks Entra (through MSAL, over the network) for an access
token before it calls the Bot Connector. `LocalEntra` is the SDK's token source instead: it
hands out one token, made for the run, as Entra would for the hour its tokens last. A loopback
run can so keep Teams authentication on: inbound tokens are checked by the SDK exactly as in
production (see bot_framework_keys.py), outbound calls carry a bearer token.
"""

from __future__ import annotations

import secrets
import time

import jwt
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import (
    AccessTokenProviderBase,
    AgentAuthConfiguration,
    ClaimsIdentity,
    Connections,
)

BOT_CONNECTOR_AUDIENCE = "https://api.botframework.com"
TOKEN_LIFETIME_SECONDS = 3600


class _Tokens(AccessTokenProviderBase):
    """The token provider of the bot's one connection."""

    def __init__(self, configuration: AgentAuthConfiguration) -> None:
        self._configuration = configuration
        now = int(time.time())
        claims = {
            "aud": BOT_CONNECTOR_AUDIENCE,
            "appid": configuration.CLIENT_ID,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
        }
        self.token = jwt.encode(claims, secrets.token_bytes(32), algorithm="HS256")

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._configuration

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        return self.token

    def get_token_credential(self) -> object:
        raise NotImplementedError("the bot asks only for access tokens")


class LocalEntra(Connections):
    """`TeamsConnector(config, connections=LocalEntra(config.auth_configuration()))`."""

    def __init__(self, configuration: AgentAuthConfiguration) -> None:
        self.tokens = _Tokens(configuration)

    def get_connection(self, connection_name: str) -> AccessTokenProviderBase:
        return self.tokens

    def get_default_connection(self) -> AccessTokenProviderBase:
        return self.tokens

    def get_token_provider(
        self, claims_identity: ClaimsIdentity, service_url: str
    ) -> AccessTokenProviderBase:
        return self.tokens

    def get_token_provider_from_activity(
        self, claims_identity: ClaimsIdentity, activity: Activity
    ) -> AccessTokenProviderBase:
        return self.tokens

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self.tokens.configuration
