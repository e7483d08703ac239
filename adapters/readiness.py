"""Readiness: whether this process can do its work now, as opposed to merely being alive.

`GET /healthz` answers while the process runs (Kubernetes restarts it when it stops); `GET
/readyz` answers 200 only when the database answers and each configured platform is connected,
so a load balancer sends no traffic to a replica that would fail it, and an operator reading
the body sees what to fix.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from bot.db.engine import Database

CHECK_TIMEOUT_SECONDS = 3.0
"""A check that has not answered by then counts as failed (probes time out after a few s)."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One component's state: ready or not, and a line saying why."""

    ok: bool
    detail: str


Check = Callable[[], Awaitable[CheckResult]]


def database_check(database: Database) -> Check:
    """Ready when `SELECT 1` succeeds."""

    async def check() -> CheckResult:
        try:
            await database.ping()
        except Exception as exc:  # any driver error means "not reachable"
            return CheckResult(ok=False, detail=f"database unreachable: {type(exc).__name__}")
        return CheckResult(ok=True, detail="ok")

    return check


def opened_check(opened: Callable[[], bool], *, what: str) -> Check:
    """Ready once `opened()` says so (the search index, opened after the server starts)."""

    async def check() -> CheckResult:
        return CheckResult(ok=True, detail="ok") if opened() else CheckResult(False, what)

    return check


async def run_checks(checks: Mapping[str, Check]) -> dict[str, CheckResult]:
    """Every check at once, each bounded by CHECK_TIMEOUT_SECONDS."""

    async def bounded(check: Check) -> CheckResult:
        try:
            return await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
        except TimeoutError:
            return CheckResult(ok=False, detail=f"no answer within {CHECK_TIMEOUT_SECONDS:g} s")

    results = await asyncio.gather(*(bounded(check) for check in checks.values()))
    return dict(zip(checks, results, strict=True))
