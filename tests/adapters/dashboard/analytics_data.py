"""Members' questions as the analytics page counts them, asked through the core as chat
asks them: a handful whose every figure the tests know (`ask_and_answer`), and ten weeks
of them for the browser's pictures (`ask_over_weeks`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from adapters.wiring.services import Services
from bot.moderation.directory import Actor
from bot.moderation.grouping import Similarity
from bot.moderation.queue import Moderation
from bot.moderation.resolution import AnswerDraft
from bot.questions.log import Feedback
from tests.adapters.dashboard.conftest import MODERATOR, ask
from tests.fakes.clock import FakeClock

CHARTS = (
    "Questions per week",
    "Share answered",
    "Share rated helpful",
    "Time to a Secretariat answer",
    "Top unanswered topics",
    "Questions by language",
    "Questions by platform",
)
"""The analytics page's charts, by their accessible names, in order."""
UPR = "How does a UNCT contribute to the UPR?"
"""The sample knowledge base answers it."""
PER_DIEM = "What is the per diem rate in Nairobi?"
PER_DIEM_AGAIN = "per diem rates for Nairobi missions?"
FLIGHTS = "¿Cómo reservo un vuelo con Umoja para una misión?"
FORMULA = '=HYPERLINK("https://attacker.example/","per diem")'
SECRETARIAT = Actor("teams", MODERATOR.user_id, name=MODERATOR.name)


@dataclass(frozen=True)
class Asked:
    """The questions asked, by id, and the open groups."""

    questions: tuple[int, ...]
    open_groups: dict[str, int]


async def ask_and_answer(services: Services) -> Asked:
    """Seven questions over three weeks: the bot answers three (one rated helpful, one not
    helpful: sent on to the Secretariat); the Secretariat answers a group asked on Slack
    and Teams, after 48 and 24 hours; two more stay open (one in Spanish, one written to
    run as a spreadsheet formula)."""
    by_bot = [
        await ask(services, UPR, user=f"U{n}", key=f"9.{n}", days_ago=days)
        for n, days in enumerate((0, 8, 15))
    ]
    await services.intake.feedback(by_bot[0], Feedback.HELPFUL, user_id="U0")
    await services.intake.feedback(by_bot[1], Feedback.NOT_HELPFUL, user_id="U1")
    per_diem = [
        await ask(services, PER_DIEM, user="U5", key="5.5", days_ago=2),
        await ask(
            services, PER_DIEM_AGAIN, user="aad-6", key="1706", platform="teams",
            conversation="19:uganda@thread.tacv2", days_ago=1,
        ),
    ]  # fmt: skip
    group = await _group_of(services, per_diem[0])
    assert group == await _group_of(services, per_diem[1])
    await services.moderation.answer(
        group, AnswerDraft(answer_md="The ICSC sets them: see the DSA circular."), SECRETARIAT
    )
    flights = await ask(services, FLIGHTS, user="U7", key="7.7")
    formula = await ask(services, FORMULA, user="U8", key="8.8")
    return Asked(
        questions=(*by_bot, *per_diem, flights, formula),
        open_groups={
            text: await _group_of(services, question)
            for text, question in ((UPR, by_bot[1]), (FLIGHTS, flights), (FORMULA, formula))
        },
    )


async def _group_of(services: Services, question: int) -> int:
    group = (await services.intake.questions.get(question)).group_id
    assert group is not None, f"question {question} did not reach the Secretariat"
    return group


ANSWERABLE = (
    UPR,
    "What is an urgent appeal?",
    "Paris Principles in a nutshell",
    "HRC session dates?",
    "how to consult OPDs properly",
    "reprisals case - what are the steps?",
)
"""Questions the sample knowledge base answers."""
FOR_THE_SECRETARIAT = (
    "What is the per diem rate in Nairobi this year?",
    "How do I request a UN laissez-passer?",
    "Who approves overtime for national staff?",
    "When is the deadline for the annual performance review?",
    "How do I get reimbursed for a taxi to the airport?",
    "Which vaccinations do I need for a mission to Suva?",
    "Can consultants use the UN clinic?",
    "How many days of home leave do I have?",
    "Where do I find the security clearance request form?",
    "Is there a shuttle from the hotel to the UN compound?",
)
"""One question a week the sample cannot answer, and the Secretariat does."""
STILL_OPEN = (
    ("How do I book flights through Umoja travel?", 4),
    ("Which form do I use for sick leave?", 3),
    ("¿Cuándo llega el nuevo asesor de derechos humanos a la oficina?", 2),
    ("Quel est le calendrier de la prochaine mission d'évaluation ?", 1),
)


async def ask_over_weeks(services: Services) -> None:
    """Ten weeks of questions, a few more each week, on Slack and Teams: the bot answers
    most (rated helpful, sometimes not), the Secretariat answers one each week a little
    faster each time (its answers dated by a clock set to when they were given), and a few
    groups, some asked by several members, are still open."""
    clock = FakeClock(datetime.now(UTC))
    secretariat = Moderation(
        database=services.database,
        knowledge=services.knowledge,
        answerer=services.answerer,
        similarity=Similarity(planner=services.answerer.planner),
        moderators=services.moderation.moderators,
        clock=clock,
    )
    asked = 0
    for weeks_ago in range(9, -1, -1):
        for n in range(3 + (9 - weeks_ago) // 2):
            asked += 1
            question = await ask(
                services, ANSWERABLE[asked % len(ANSWERABLE)], user=f"U{asked}",
                key=f"{asked}.1", platform="teams" if asked % 3 == 0 else "slack",
                days_ago=7 * weeks_ago + n * 0.6,
            )  # fmt: skip
            if asked % 4 != 3:
                rating = Feedback.NOT_HELPFUL if asked % 5 == 0 else Feedback.HELPFUL
                await services.intake.feedback(question, rating, user_id=f"U{asked}")
        asked += 1
        question = await ask(
            services, FOR_THE_SECRETARIAT[weeks_ago], user=f"U{asked}", key=f"{asked}.1",
            days_ago=7 * weeks_ago + 1.5,
        )  # fmt: skip
        row = await services.intake.questions.get(question)
        if row.group_id is not None and weeks_ago > 0:
            clock.now = row.received_at + timedelta(hours=8 + 7 * weeks_ago)
            draft = AnswerDraft(answer_md="The Secretariat's answer, with its sources.")
            await secretariat.answer(row.group_id, draft, SECRETARIAT)
    for text, askers in STILL_OPEN:
        for n in range(askers):
            asked += 1
            await ask(
                services, text if n == 0 else f"{text} (again)", user=f"U{asked}",
                key=f"{asked}.1", platform="teams" if n % 2 else "slack", days_ago=n * 2.5,
            )  # fmt: skip
