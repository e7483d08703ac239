"""Which failures of a Bot Connector call are retried, and after how long."""

from __future__ import annotations

import aiohttp
import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from adapters.teams.retries import retry_delay


@pytest.mark.parametrize(
    ("status", "headers", "attempt", "wait"),
    [
        (503, {}, 0, 0.5),
        (502, {}, 2, 2.0),
        (503, {}, 3, None),  # the budget is spent
        (429, {"Retry-After": "7"}, 0, 7.0),
        (429, {"Retry-After": "86400"}, 0, 30.0),  # cut to the longest wait
        (429, {"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}, 1, 1.0),
        (429, {"Retry-After": "nan"}, 0, 0.5),
        (400, {}, 0, None),
        (403, {}, 0, None),
        (404, {}, 0, None),
    ],
)
def test_which_connector_failures_are_retried_and_after_how_long(
    status: int, headers: dict[str, str], attempt: int, wait: float | None
) -> None:
    error = aiohttp.ClientResponseError(
        request_info=None,  # type: ignore[arg-type]
        history=(),
        status=status,
        headers=CIMultiDictProxy(CIMultiDict(headers)),
    )
    assert retry_delay(error, attempt) == wait


def test_a_timeout_is_not_retried_but_a_refused_connection_is() -> None:
    assert retry_delay(TimeoutError(), 0) is None
    assert retry_delay(aiohttp.ServerTimeoutError(), 0) is None
    assert retry_delay(aiohttp.ServerDisconnectedError(), 1) == 1.0
