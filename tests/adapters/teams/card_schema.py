"""Adaptive Cards 1.4 as Microsoft's schema (http://adaptivecards.io/schemas/adaptive-card.json,
version 1.4.0) defines the elements our cards use, transcribed for the tests: which
properties each element may have (the schema sets `additionalProperties: false`), which it
must have, and the types and enumerations of their values (its enumerations match in any
case). `schema_errors` lists what the schema would refuse; an empty list means accepted.
"""

from __future__ import annotations

from typing import Any

Spec = type | tuple[type, ...] | frozenset[str] | None
"""A value's type(s), its enumeration (lower-cased), or None where the schema takes any."""

SPACING = frozenset({"default", "none", "small", "medium", "large", "extralarge", "padding"})
_ELEMENT: dict[str, Spec] = {
    "id": str,
    "fallback": None,
    "height": frozenset({"auto", "stretch"}),
    "separator": bool,
    "spacing": SPACING,
    "isVisible": bool,
    "requires": dict,
}
_INPUT: dict[str, Spec] = _ELEMENT | {"errorMessage": str, "isRequired": bool, "label": str}
_ACTION: dict[str, Spec] = {
    "title": str,
    "iconUrl": str,
    "style": frozenset({"default", "positive", "destructive"}),
    "fallback": None,
    "requires": dict,
}

ELEMENTS: dict[str, tuple[dict[str, Spec], frozenset[str]]] = {
    "TextBlock": (
        _ELEMENT
        | {
            "text": str,
            "color": frozenset(
                {"default", "dark", "light", "accent", "good", "warning", "attention"}
            ),
            "fontType": frozenset({"default", "monospace"}),
            "horizontalAlignment": frozenset({"left", "center", "right"}),
            "isSubtle": bool,
            "maxLines": (int, float),
            "size": frozenset({"default", "small", "medium", "large", "extralarge"}),
            "weight": frozenset({"default", "lighter", "bolder"}),
            "wrap": bool,
        },
        frozenset({"text"}),
    ),
    "Input.Text": (
        _INPUT
        | {
            "isMultiline": bool,
            "maxLength": (int, float),
            "placeholder": str,
            "regex": str,
            "style": frozenset({"text", "tel", "url", "email"}),
            "inlineAction": dict,
            "value": str,
        },
        frozenset({"id"}),
    ),
    "Input.ChoiceSet": (
        _INPUT
        | {
            "choices": list,
            "isMultiSelect": bool,
            "style": frozenset({"compact", "expanded"}),
            "value": str,
            "placeholder": str,
            "wrap": bool,
        },
        frozenset({"id", "choices"}),
    ),
    "Input.Choice": ({"title": str, "value": str}, frozenset({"title", "value"})),
    "ActionSet": (_ELEMENT | {"actions": list}, frozenset({"actions"})),
    "Container": (
        _ELEMENT
        | {
            "items": list,
            "style": frozenset({"default", "emphasis", "good", "attention", "warning", "accent"}),
            "verticalContentAlignment": frozenset({"top", "center", "bottom"}),
            "bleed": bool,
            "minHeight": str,
            "rtl": bool,
            "selectAction": dict,
            "backgroundImage": (str, dict),
        },
        frozenset({"items"}),
    ),
    "Action.Submit": (
        _ACTION | {"data": (str, dict), "associatedInputs": frozenset({"auto", "none"})},
        frozenset(),
    ),
    "AdaptiveCard": (
        {
            "$schema": str,
            "version": str,
            "body": list,
            "actions": list,
            "fallbackText": str,
            "speak": str,
            "lang": str,
            "minHeight": str,
        },
        frozenset({"version"}),
    ),
}


def schema_errors(card: dict[str, Any]) -> list[str]:
    """What the Adaptive Cards 1.4 schema would refuse in a top-level card."""
    errors = _check(card, "AdaptiveCard", "card")
    errors += _elements(card.get("body", []), "body")
    for n, action in enumerate(card.get("actions", [])):
        errors += _check(action, action.get("type", "?"), f"actions[{n}]")
    ids = [e["id"] for e in card.get("body", []) if isinstance(e, dict) and "id" in e]
    if len(ids) != len(set(ids)):
        errors.append(f"card: input ids repeat: {ids}")
    return errors


def _elements(elements: list[Any], where: str) -> list[str]:
    """The checks of a body's elements, and of what containers and action sets hold."""
    errors: list[str] = []
    for n, element in enumerate(elements):
        here = f"{where}[{n}]"
        errors += _check(element, element.get("type", "?"), here)
        for k, choice in enumerate(element.get("choices", [])):
            errors += _check(
                {"type": "Input.Choice", **choice}, "Input.Choice", f"{here}.choices[{k}]"
            )
            if "," in str(choice.get("value", "")):  # a multi-select returns values comma-joined
                errors.append(f"{here}.choices[{k}]: a choice's value must not contain a comma")
        for k, action in enumerate(element.get("actions", [])):
            errors += _check(action, action.get("type", "?"), f"{here}.actions[{k}]")
        errors += _elements(element.get("items", []), f"{here}.items")
    return errors


def _check(item: dict[str, Any], kind: str, where: str) -> list[str]:
    if kind not in ELEMENTS:
        return [f"{where}: {kind!r} is not an element these checks know"]
    allowed, required = ELEMENTS[kind]
    errors = [f"{where}: missing {name!r}" for name in sorted(required - item.keys())]
    for name, value in item.items():
        if name == "type":
            continue
        if name not in allowed:
            errors.append(f"{where}: {kind} has no property {name!r}")
        elif not _fits(value, allowed[name]):
            errors.append(f"{where}: {name}={value!r} does not fit {allowed[name]}")
    return errors


def _fits(value: Any, spec: Spec) -> bool:
    if spec is None:
        return True
    if isinstance(spec, frozenset):
        return isinstance(value, str) and value.lower() in spec
    if isinstance(value, bool) and spec in {(int, float), int, float}:
        return False  # JSON's true is not a number
    return isinstance(value, spec)
