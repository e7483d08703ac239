"""Questions compared on their weighted terms, from the event loop's thread or the
database's: each thread plans with a planner of its own."""

from __future__ import annotations

import threading

from bot.moderation.grouping import Similarity
from knowledge.glossary import load_glossary
from knowledge.query import QueryPlanner

QUESTION = "how do we get a human rights adviser for our UNCT?"


def test_another_thread_compares_alike_with_a_planner_of_its_own() -> None:
    planner = QueryPlanner(glossary=load_glossary())
    similarity = Similarity(planner=planner)
    seen: dict[str, object] = {}

    def elsewhere() -> None:
        seen["planner"] = similarity._planner_here()
        seen["score"] = similarity.score(QUESTION, "HRA request for the UNCT")

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert similarity._planner_here() is planner
    assert seen["planner"] is not planner
    on_this_thread = Similarity(planner=planner).score(QUESTION, "HRA request for the UNCT")
    assert seen["score"] == on_this_thread > 0.0
