"""What Slack refuses in Block Kit, judged by slack_sdk's own models: the number of blocks,
each block's fields and limits, and keys no block has (the models drop those; Slack answers
`invalid_blocks`)."""

from __future__ import annotations

import json
from collections.abc import Callable

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
"""Slack's limit of blocks in a message (a modal or Home tab may have 100)."""


def block_errors(blocks: object) -> list[str]:
    """Why Slack would refuse a message's `blocks` (a JSON string or a list); [] if it would not."""
    parsed = json.loads(blocks) if isinstance(blocks, str) else blocks
    if not isinstance(parsed, list):
        return ["blocks must be an array"]
    errors = []
    if len(parsed) > MESSAGE_BLOCKS:
        errors.append(f"no more than {MESSAGE_BLOCKS} blocks, got {len(parsed)}")
    for n, raw in enumerate(parsed):
        errors += [
            f"blocks[{n}]: {e}" for e in _model_errors(raw, lambda raw=raw: Block.parse(raw))
        ]
    return errors


def view_errors(view: object) -> list[str]:
    """Why Slack would refuse a modal or Home tab view; [] if it would not."""
    parsed = json.loads(view) if isinstance(view, str) else view
    if not isinstance(parsed, dict):
        return ["view must be an object"]
    return _model_errors(parsed, lambda: View(**parsed))


def _model_errors(raw: object, build: Callable[[], JsonObject | None]) -> list[str]:
    """The model's validation errors, or the keys it does not know (it drops them, so they
    do not survive a round trip: Slack refuses them)."""
    try:
        model = build()
        if model is None:
            return ["unknown block type"]
        again = model.to_dict()  # validates every limit the model knows
    except (SlackObjectFormationError, TypeError) as exc:  # TypeError: a required field missing
        return [str(exc)]
    return [f"unknown key {path}" for path in _dropped(raw, again)]


def _dropped(raw: object, again: object, path: str = "") -> list[str]:
    """Paths present in `raw` but not in `again`."""
    if isinstance(raw, dict) and isinstance(again, dict):
        return [
            found
            for key, value in raw.items()
            for found in (
                _dropped(value, again[key], f"{path}.{key}") if key in again else [f"{path}.{key}"]
            )
        ]
    if isinstance(raw, list) and isinstance(again, list):
        return [
            found
            for n, (a, b) in enumerate(zip(raw, again, strict=False))
            for found in _dropped(a, b, f"{path}[{n}]")
        ]
    return []
