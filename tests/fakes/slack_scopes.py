"""The OAuth scope each Web API method the bot calls needs (Slack's method reference), and the
scopes the app's manifest grants: the fake Web API answers `missing_scope` as Slack does when
a call needs one the manifest does not grant."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack" / "manifest.yml"


def _by_channel_type(public: str, private: str) -> Callable[[Mapping[str, Any]], str]:
    """conversations.* need the read scope of the conversation's type (C… public, G… private)."""
    return lambda params: private if str(params.get("channel", "")).startswith("G") else public


SCOPE_NEEDED: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "chat.postMessage": lambda params: "chat:write",
    "chat.postEphemeral": lambda params: "chat:write",
    "chat.update": lambda params: "chat:write",
    "views.open": lambda params: None,
    "views.update": lambda params: None,
    "views.publish": lambda params: None,
    "auth.test": lambda params: None,
    "conversations.members": _by_channel_type("channels:read", "groups:read"),
    "conversations.info": _by_channel_type("channels:read", "groups:read"),
}
"""A method missing here is unknown to the fake's scope check (and fails the manifest test)."""


def manifest_bot_scopes() -> frozenset[str]:
    """The bot scopes `deploy/slack/manifest.yml` asks for."""
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return frozenset(manifest["oauth_config"]["scopes"]["bot"])


def missing_scope(method: str, params: Mapping[str, Any], granted: frozenset[str]) -> str | None:
    """The scope a call lacks, or None."""
    needed = SCOPE_NEEDED.get(method, lambda _params: None)(params)
    return needed if needed is not None and needed not in granted else None
