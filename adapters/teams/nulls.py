"""Outgoing activities without explicit nulls, which the Bot Connector refuses.

The Agents SDK fills an outgoing activity from the conversation reference and clears its id,
setting `id`, `recipient`, `locale` (and a conversation's `tenantId`) to None even when the
reference has no value; it then serialises every field that was set, so the JSON carries
`"id": null`, and Teams (like the Agents Playground) answers 400 BadArgument. Middleware on the
adapter unsets every None before an activity leaves, for sends and updates alike, and hands the
adapter activities on which a later `= None` (the adapter clears `id` once more) stays unset.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from microsoft_agents.activity import Activity, ResourceResponse
from microsoft_agents.hosting.core import TurnContext
from pydantic import BaseModel


def unset_nulls(model: BaseModel) -> None:
    """Mark every None field of `model` (and of the models it holds) as unset."""
    for name in list(model.model_fields_set):
        value = getattr(model, name)
        if value is None:
            model.model_fields_set.discard(name)
        elif isinstance(value, BaseModel):
            unset_nulls(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    unset_nulls(item)


class _Outgoing(Activity):
    """An activity on which assigning None unsets the field instead of sending null."""

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if value is None:
            self.model_fields_set.discard(name)


def _outgoing(activity: Activity) -> _Outgoing:
    unset_nulls(activity)
    fields = {name: getattr(activity, name) for name in activity.model_fields_set}
    return _Outgoing.model_construct(
        _fields_set=set(activity.model_fields_set), **fields, **(activity.model_extra or {})
    )


class NoNulls:
    """Middleware: each turn's outgoing and updated activities leave without nulls."""

    async def on_turn(
        self, context: TurnContext, logic: Callable[[TurnContext], Awaitable[Any]]
    ) -> None:
        """Register the clean-up for this turn, then run it."""
        context.on_send_activities(_clean_sent)
        context.on_update_activity(_clean_updated)
        await logic(context)


async def _clean_sent(
    context: TurnContext,
    activities: list[Activity],
    send: Callable[[], Awaitable[list[ResourceResponse]]],
) -> list[ResourceResponse]:
    activities[:] = [_outgoing(activity) for activity in activities]
    return await send()


async def _clean_updated(
    context: TurnContext,
    activity: Activity,
    update: Callable[[], Awaitable[ResourceResponse]],
) -> ResourceResponse:
    unset_nulls(activity)
    return await update()
