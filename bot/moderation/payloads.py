"""The moderators' cards as outbox payloads: a group's card posted (again, as a reminder) or
shown with a new status. Each carries only the group's id: the card is drawn when it is sent,
so it shows the group as it is then, not as it was when queued."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self


@dataclass(frozen=True, slots=True)
class GroupCardPayload:
    """Post a group's card in a moderators' conversation."""

    kind: ClassVar[str] = "group_card"
    group_id: int
    reminder: bool = False
    """Posted again because nobody touched the group for a while."""

    def to_dict(self) -> dict[str, Any]:
        """The group and whether this is a reminder."""
        return {"group_id": self.group_id, "reminder": self.reminder}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The card stored by `to_dict`."""
        return cls(group_id=int(data["group_id"]), reminder=bool(data.get("reminder", False)))


@dataclass(frozen=True, slots=True)
class GroupCardRefreshPayload:
    """Show a group's new status on the cards already posted for it."""

    kind: ClassVar[str] = "group_card_refresh"
    group_id: int

    def to_dict(self) -> dict[str, Any]:
        """The group."""
        return {"group_id": self.group_id}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The refresh stored by `to_dict`."""
        return cls(group_id=int(data["group_id"]))
