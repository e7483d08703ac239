"""Property and fuzz tests (hypothesis) of every parser: Slack and Teams payloads, chat
commands, knowledge and calendar imports, search queries.

The run is deterministic, never flaky: the `huribot-fuzz` profile derives every input from
the test's name (`derandomize`), keeps no example database between runs, and sets no
deadline (a slow example on a loaded machine is not a failure; a hang still shows, as a run
that never ends). No health check is suppressed: none fails for these tests, and one that
did (data too slow to generate, say) would point at a strategy to fix.

- `HURIBOT_FUZZ_EXAMPLES` (default 50): inputs each test tries. The default keeps the whole
  directory near a minute on two cores; `HURIBOT_FUZZ_EXAMPLES=2000 .venv/bin/pytest
  tests/fuzz` is a longer local run (still deterministic, as the inputs derive from the
  test's name and the count).
- `HURIBOT_FUZZ_REPORT=path.json`: also write the table of inputs tried per test there.

Every test is decorated `@given(...)` then `@counted`; the session ends with the table of
inputs tried and failures per test (a test that counted nothing fails: it fuzzed nothing).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from hypothesis import settings
from sqlalchemy.engine import make_url

from adapters.wiring.services import open_services
from bot.settings import load_settings
from knowledge.records import IngestBatch
from tests.adapters.conftest import sample_database
from tests.adapters.teams.conftest import secured, signing_key
from tests.conftest import BACKENDS, postgres_base_url
from tests.fuzz.tally import TALLY, counting
from tests.schemas import fresh_schema

__all__ = ["sample_database", "secured", "signing_key"]
"""Fixtures of the adapters' tests: the sample knowledge base in a SQLite file; the Teams bot
with authentication on, and the key its tokens are signed with."""

EXAMPLES_VARIABLE = "HURIBOT_FUZZ_EXAMPLES"
REPORT_VARIABLE = "HURIBOT_FUZZ_REPORT"
EXAMPLES = int(os.environ.get(EXAMPLES_VARIABLE, "50"))

settings.register_profile(
    "huribot-fuzz",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=EXAMPLES,
    print_blob=False,
)
settings.load_profile("huribot-fuzz")


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database for a whole module (every example of its tests shares it, as a
    running bot's requests share one), on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('fuzz-db') / 'huribot.db'}"
        return
    with fresh_schema(postgres_base_url(), prefix="fuzz") as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sample_knowledge_url(
    request: pytest.FixtureRequest,
    module_database_url: str,
    sample_database: Path,
    sample_batch: IngestBatch,
) -> str:
    """A database holding the sample knowledge base: a copy of the SQLite file built once,
    or the sample ingested into a fresh PostgreSQL schema."""
    if module_database_url.startswith("sqlite"):
        shutil.copyfile(sample_database, make_url(module_database_url).database or "")
        return module_database_url
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": module_database_url})) as s:
        await s.knowledge.ingest(sample_batch)
    return module_database_url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Count the inputs of the test being run; fail a fuzz test that tried none."""
    if not getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        return (yield)
    with counting(item.nodeid) as tried:
        result = yield
    if tried.inputs == 0:
        pytest.fail("the test counted no input: put @counted under its @given")
    return result


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The table of inputs tried per test (and, with HURIBOT_FUZZ_REPORT, the same as JSON)."""
    if not TALLY:
        return
    rows = [(test.split("tests/fuzz/", 1)[-1], t.inputs, t.failures) for test, t in TALLY.items()]
    width = max(len(name) for name, _, _ in rows)
    terminalreporter.write_sep("-", f"fuzz: inputs tried per test (max_examples={EXAMPLES})")
    terminalreporter.write_line(f"{'test':<{width}}  {'inputs':>7}  {'failures':>8}")
    for name, inputs, failures in rows:
        terminalreporter.write_line(f"{name:<{width}}  {inputs:>7}  {failures:>8}")
    total = sum(inputs for _, inputs, _ in rows)
    failed = sum(failures for _, _, failures in rows)
    terminalreporter.write_line(f"{'total':<{width}}  {total:>7}  {failed:>8}")
    report = os.environ.get(REPORT_VARIABLE)
    if report:
        figures = {
            "max_examples": EXAMPLES,
            "tests": [{"test": n, "inputs": i, "failures": f} for n, i, f in rows],
            "total_inputs": total,
            "total_failures": failed,
        }
        Path(report).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
