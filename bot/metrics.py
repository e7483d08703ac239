"""What an operator's Prometheus scrapes from `/metrics`: what HuriBot did, and what waits.

Counts and latencies are kept by the process that did the work, in a registry of HuriBot's
own (the library's default one also holds its process collectors). What waits (open question
groups, undelivered outbox messages, overdue calendar work) is read from the database at each
scrape (`bot.backlog`), so every replica reports the same backlog, whichever did the work.
This module imports nothing of the core, so every layer may count.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

QUESTIONS = Counter(
    "huribot_questions_received",
    "Questions stored, by platform (platform retries of a stored one are not counted).",
    ["platform"],
    registry=REGISTRY,
)
REPLIES = Counter(
    "huribot_replies",
    "Replies that reached a member, by platform and kind (answer, abstain, smalltalk...).",
    ["platform", "kind"],
    registry=REGISTRY,
)
ANSWER_SECONDS = Histogram(
    "huribot_answer_seconds",
    "From a question's arrival to its replies reaching the member.",
    ["platform"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "huribot_http_request_seconds",
    "Time to answer an HTTP request (Slack and Teams acknowledgements among them), by route "
    "and status.",
    ["route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "huribot_outbox_deliveries",
    "Outbox messages (digests, reminders, notices) handed to a platform, by platform and "
    "outcome: sent, retried later, or given up.",
    ["platform", "outcome"],
    registry=REGISTRY,
)
FAILURES = Counter(
    "huribot_failures",
    "Failures the bot survived, by what failed (an answer not delivered, a background task).",
    ["what"],
    registry=REGISTRY,
)
OPEN_GROUPS = Gauge(
    "huribot_queue_open_groups",
    "Question groups waiting for the Secretariat.",
    registry=REGISTRY,
)
OUTBOX_PENDING = Gauge(
    "huribot_outbox_pending",
    "Outbox messages not yet delivered (nor given up).",
    registry=REGISTRY,
)
SCHEDULER_LAG = Gauge(
    "huribot_scheduler_lag_seconds",
    "How overdue the oldest due digest or reminder not yet queued is (0 when none is).",
    registry=REGISTRY,
)
