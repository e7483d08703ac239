"""What the dashboard is configured with: its public address, the identity providers
moderators sign in with, and how long a sign-in lasts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from urllib.parse import urlsplit

PREFIX = "/dashboard"
"""Where the dashboard's pages are served on the web server."""


@dataclass(frozen=True, slots=True)
class IdentityProvider:
    """An OpenID Connect provider whose users are moderators on one chat platform: Entra
    ID's object id is a Teams moderator's id, Slack's user id a Slack moderator's."""

    key: str
    """In the sign-in and callback addresses, and the session's sign-in method."""
    label: str
    """Shown as "Sign in with {label}"."""
    issuer: str
    client_id: str
    client_secret: str
    platform: str
    user_claim: str
    """The ID token claim holding the user's id on `platform`."""
    required_claims: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Claims the ID token must carry with these values (e.g. Slack's workspace)."""
    authorize_params: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Extra parameters of the authorization request (e.g. Slack's `team`)."""
    scope: str = "openid profile"


@dataclass(frozen=True, slots=True)
class DashboardConfig:
    """The dashboard as configured."""

    public_url: str
    """Scheme, host and port the browser uses, e.g. `https://huribot.example.org`."""
    providers: tuple[IdentityProvider, ...] = ()
    setup_token: bool = False
    """Whether the one-time set-up token is configured (its form is then shown)."""
    session_lifetime: timedelta = timedelta(hours=8)

    @property
    def origin(self) -> str:
        """What browsers send as `Origin` with the dashboard's own forms."""
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def https(self) -> bool:
        """Whether browsers reach the dashboard over HTTPS (then told to keep to it)."""
        return self.public_url.startswith("https://")

    def provider(self, key: str) -> IdentityProvider | None:
        """The configured provider of that key, if any."""
        return next((p for p in self.providers if p.key == key), None)

    def callback_url(self, provider: IdentityProvider) -> str:
        """The redirect URI to register with the provider."""
        return f"{self.origin}{PREFIX}/auth/{provider.key}/callback"
