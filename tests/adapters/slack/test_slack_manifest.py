"""The Slack app manifest grants every scope the Web API methods the code calls need."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = ROOT / "deploy" / "slack" / "manifest.yml"
METHOD_CALL = re.compile(r"\.((?:chat|views|conversations|users|reactions|files)_[A-Za-z]+)\(")
SCOPES_NEEDED = {
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_update": {"chat:write"},
    "views_open": set(),
    "views_publish": set(),
    "conversations_members": {"channels:read", "groups:read"},
    "conversations_info": {"channels:read", "groups:read"},
}
"""Scopes each method needs (Slack's method reference); a method missing here fails the test,
so a new call cannot ship without its scope."""


def called_methods() -> set[str]:
    sources = (ROOT / "adapters").rglob("*.py")
    return {m for path in sources for m in METHOD_CALL.findall(path.read_text(encoding="utf-8"))}


def test_every_web_api_method_called_is_known_here() -> None:
    methods = called_methods()
    assert "conversations_members" in methods
    assert methods - set(SCOPES_NEEDED) == set()


def test_the_manifest_grants_every_scope_those_methods_need() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    granted = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = set().union(*(SCOPES_NEEDED[m] for m in called_methods()))
    assert needed - granted == set()
