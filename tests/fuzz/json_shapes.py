"""JSON payloads as a platform types them, and the same with any field of any other type:
what a proxy, a client or an old message might send to a webhook."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.fuzz.text import hostile_text

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=12,
)
"""Any JSON value: where a field is of the wrong type, or nested where it should not be."""

Fields = dict[str, st.SearchStrategy[Any]]


def payload(fields: Fields, optional: Fields | None = None) -> st.SearchStrategy[Any]:
    """An object with `fields` (and some `optional` ones) as the platform types them (three times in
    four), or one where any of them may be any JSON value instead."""
    optional = optional or {}
    typed = st.fixed_dictionaries(fields, optional=optional)
    malformed = st.fixed_dictionaries(
        {name: _either(value) for name, value in fields.items()},
        optional={name: _either(value) for name, value in optional.items()},
    )
    return st.one_of(typed, typed, typed, malformed)


def _either(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return good | json_values


def one_field_broken(typed: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    """A payload from `typed` with one field (at the top, or inside an object there) made
    any JSON value, null included, or left out."""

    def paths(document: dict[str, Any]) -> list[tuple[str, ...]]:
        inner = [
            (key, name)
            for key, value in document.items()
            if isinstance(value, dict)
            for name in value
        ]
        return [(key,) for key in document] + inner

    def broken(document: dict[str, Any]) -> st.SearchStrategy[Any]:
        if not document:
            return json_values
        changes = st.tuples(st.sampled_from(paths(document)), json_values, st.booleans())
        return changes.map(lambda change: _changed(document, *change))

    return typed.flatmap(broken)


def _changed(document: dict[str, Any], path: tuple[str, ...], value: Any, drop: bool) -> Any:
    copy = {**document}
    holder = copy
    if len(path) == 2:
        holder = copy[path[0]] = {**copy[path[0]]}
    if drop:
        del holder[path[-1]]
    else:
        holder[path[-1]] = value
    return copy
