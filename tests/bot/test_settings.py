from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_use_a_local_sqlite_file() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite:///huribot.db"
    assert settings.log_level == "WARNING"


def test_the_embedder_is_chosen_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HURIBOT_EMBEDDER", raising=False)
    assert load_settings({}).embedder == "auto"
    assert load_settings({"HURIBOT_EMBEDDER": " None "}).embedder == "none"


def test_variables_are_read_with_their_prefix() -> None:
    settings = load_settings(
        {"HURIBOT_DATABASE_URL": "postgresql://u@h/db", "HURIBOT_LOG_LEVEL": "debug", "OTHER": "x"}
    )
    assert settings.database_url == "postgresql://u@h/db"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HURIBOT_DATABASE_URL", "mysql://root@localhost/db"),
        ("HURIBOT_LOG_LEVEL", "loud"),
        ("HURIBOT_LOG_FORMAT", "xml"),
        ("HURIBOT_EMBEDDER", "hashing"),
        ("HURIBOT_MAX_QUESTION_CHARS", "many"),
    ],
)
def test_invalid_settings_name_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({variable: value})
    assert variable in str(caught.value)


def test_env_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("HURIBOT_LOG_LEVEL=ERROR\n", encoding="utf-8")
    monkeypatch.delenv("HURIBOT_LOG_LEVEL", raising=False)
    assert load_settings(env_file=str(env_file)).log_level == "ERROR"


def test_anonymous_mode_is_refused_with_credentials() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {
                "HURIBOT_TEAMS_ALLOW_ANONYMOUS": "true",
                "HURIBOT_TEAMS_APP_ID": "00000000-0000-0000-0000-00000000b07a",
                "HURIBOT_TEAMS_APP_PASSWORD": "secret",
            }
        )
    assert "HURIBOT_TEAMS_ALLOW_ANONYMOUS" in str(caught.value)


def test_an_app_id_needs_a_secret_or_certificate() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"HURIBOT_TEAMS_APP_ID": "00000000-0000-0000-0000-00000000b07a"})
    assert "HURIBOT_TEAMS_APP_PASSWORD" in str(caught.value)


@pytest.mark.parametrize(
    "name",
    [
        "HURIBOT_SLACK_APP_TOKEN",
        "HURIBOT_SLACK_BOT_TOKEN",
        "HURIBOT_SLACK_SIGNING_SECRET",
        "HURIBOT_TEAMS_APP_PASSWORD",
    ],
)
def test_a_secret_set_but_empty_counts_as_not_set(name: str) -> None:
    settings = load_settings({name: "  "})
    field = name.removeprefix("HURIBOT_").lower()
    assert getattr(settings, field) is None


DASHBOARD = {
    "HURIBOT_DASHBOARD_URL": "https://huribot.example.org/",
    "HURIBOT_DASHBOARD_ENTRA_ISSUER": "https://login.microsoftonline.com/tenant-1/v2.0",
    "HURIBOT_DASHBOARD_ENTRA_CLIENT_ID": "client-1",
    "HURIBOT_DASHBOARD_ENTRA_CLIENT_SECRET": "entra-secret",
}


def test_the_dashboard_is_served_once_its_address_and_a_way_to_sign_in_are_set() -> None:
    assert not load_settings({}).dashboard_enabled
    settings = load_settings(DASHBOARD)
    assert settings.dashboard_enabled
    assert settings.dashboard_url == "https://huribot.example.org"
    assert "entra-secret" in settings.secret_values()
    token = "t" * 24
    local = load_settings(
        {"HURIBOT_DASHBOARD_URL": "http://localhost:8080", "HURIBOT_DASHBOARD_ADMIN_TOKEN": token}
    )
    assert local.dashboard_url == "http://localhost:8080"
    assert local.dashboard_admin_token is not None
    assert token in local.secret_values()


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"HURIBOT_DASHBOARD_URL": "http://huribot.example.org"}, "HURIBOT_DASHBOARD_URL"),
        ({"HURIBOT_DASHBOARD_URL": "https://example.org/huribot"}, "without a path"),
        ({"HURIBOT_DASHBOARD_ENTRA_CLIENT_SECRET": ""}, "HURIBOT_DASHBOARD_ENTRA_CLIENT_SECRET"),
        ({"HURIBOT_DASHBOARD_ENTRA_ISSUER": ""}, "HURIBOT_DASHBOARD_ENTRA_ISSUER"),
        ({"HURIBOT_DASHBOARD_URL": ""}, "set HURIBOT_DASHBOARD_URL too"),
        ({"HURIBOT_DASHBOARD_ADMIN_TOKEN": "short"}, "HURIBOT_DASHBOARD_ADMIN_TOKEN"),
        ({"HURIBOT_DASHBOARD_SLACK_CLIENT_ID": "1.2"}, "HURIBOT_DASHBOARD_SLACK_CLIENT_SECRET"),
    ],
)
def test_an_incomplete_dashboard_configuration_says_what_to_set(
    changes: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings({**DASHBOARD, **changes})


def test_a_dashboard_nobody_could_sign_in_to_is_refused() -> None:
    with pytest.raises(SettingsError, match="nobody could sign in"):
        load_settings({"HURIBOT_DASHBOARD_URL": "https://huribot.example.org"})


def test_claims_are_taken_up_again_after_the_lease_and_the_recovery_grace() -> None:
    defaults = load_settings({})
    assert (defaults.claim_lease_seconds, defaults.recovery_grace_seconds) == (300, 60)
    short = {"HURIBOT_CLAIM_LEASE_SECONDS": "2", "HURIBOT_RECOVERY_GRACE_SECONDS": "4"}
    assert load_settings(short).claim_lease_seconds == 2
    for variable in short:
        with pytest.raises(SettingsError, match=variable):
            load_settings({variable: "0"})
