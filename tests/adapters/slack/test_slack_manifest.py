"""The Slack app manifest grants every scope the Web API methods the code calls need."""

from __future__ import annotations

import re
from pathlib import Path

from tests.fakes.slack_scopes import SCOPE_NEEDED, manifest_bot_scopes

ROOT = Path(__file__).resolve().parents[3]
METHOD_CALL = re.compile(r"\.((?:chat|views|conversations|users|reactions|files)_[A-Za-z]+)\(")


def called_methods() -> set[str]:
    """Web API methods the adapters call, in Slack's spelling (`chat.postMessage`)."""
    sources = (ROOT / "adapters").rglob("*.py")
    calls = {m for path in sources for m in METHOD_CALL.findall(path.read_text(encoding="utf-8"))}
    return {call.replace("_", ".", 1) for call in calls}


def test_every_web_api_method_called_has_its_scope_known() -> None:
    methods = called_methods()
    assert "conversations.members" in methods
    assert methods - set(SCOPE_NEEDED) == set()


def test_the_manifest_grants_every_scope_those_methods_need() -> None:
    granted = manifest_bot_scopes()
    for method in called_methods():
        for channel in ("C0PUBLIC", "G0PRIVATE"):
            needed = SCOPE_NEEDED[method]({"channel": channel})
            assert needed is None or needed in granted, (method, channel, needed)
