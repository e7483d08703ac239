"""`huribot unct`, `huribot subscription` and `huribot digest preview` on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adapters.test_cli import invoke

CALENDAR = """\
event_id,mechanism,body,cycle_or_session,country_iso3,country_name,event_type,start_date,end_date,date_precision,deadline_for,status,source_url,source_retrieved,notes
upr-50-KEN-unct,UPR,OHCHR,50,KEN,Kenya,submission_deadline,2027-03-15,,day,UNCT,confirmed,https://example.org/a,2026-11-23,
upr-50-KEN-review,UPR,UPR Working Group,50,KEN,Kenya,review,2027-11-01,,month,,tentative,https://example.org/b,2026-11-23,
sp-SOM-visit,SP,Independent Expert on Somalia,,SOM,Somalia,visit,2027-02-10,2027-02-20,day,,confirmed,https://example.org/c,2026-11-23,
"""


@pytest.fixture
def calendar_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert invoke(url, "ingest", "--sample")[0] == 0
    path = tmp_path / "calendar.csv"
    path.write_text(CALENDAR, encoding="utf-8")
    code, output = invoke(url, "calendar", "import", str(path))
    assert code == 0, output
    return url


def test_a_unct_subscription_previews_its_digest_and_reminders(calendar_db: str) -> None:
    code, output = invoke(calendar_db, "unct", "set", "UNCT Kenya-Somalia", "KEN", "Somalia")
    assert (code, output.strip()) == (0, "UNCT Kenya-Somalia: KEN, SOM")
    code, output = invoke(
        calendar_db, "subscription", "add", "--conversation", "slack:C0KENYA",
        "--unct", "UNCT Kenya-Somalia", "--timezone", "Africa/Nairobi", "--as", "ops",
    )  # fmt: skip
    assert code == 0, output
    assert "#1: Kenya, Somalia (UNCT Kenya-Somalia)" in output
    assert "Africa/Nairobi" in output

    # 12 December 2026 is 90 days before the 15 March deadline: a digest and one reminder
    code, output = invoke(
        calendar_db, "digest", "preview", "--subscription", "1", "--as-of", "2026-12-15"
    )
    assert code == 0, output
    digest, reminder = output.split("────", 1)
    assert "Universal Periodic Review" in digest and "Special procedures" in digest
    assert "15 March 2027 — Kenya — UPR: submission deadline for UNCT (session 50)" in digest
    assert "November 2027 — Kenya — UPR: review (session 50)" in digest
    assert "10–20 February 2027 — Somalia — Independent Expert on Somalia: country visit" in digest
    assert "Related answers: " in digest
    assert "Reminder: Kenya — UPR: submission deadline for UNCT (session 50) in 90 days" in reminder


def test_subscriptions_are_listed_changed_and_removed(calendar_db: str) -> None:
    args = ("subscription", "add", "--conversation", "slack:C1", "KEN")
    assert invoke(calendar_db, *args, "--language", "es", "--lead-days", "14,60")[0] == 0
    code, output = invoke(calendar_db, "subscription", "list")
    assert code == 0
    assert "slack:C1 #1: Kenya;" in output
    assert "reminders 60, 14 days" in output and "language es" in output
    assert invoke(calendar_db, "subscription", "remove", "1")[0] == 0
    code, output = invoke(calendar_db, "subscription", "list")
    assert "No subscription yet" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--conversation", "slack:C1", "Narnia"), "unknown country 'Narnia'"),
        (("--conversation", "slack:C1", "KEN", "--timezone", "Mars/Base"), "'Mars/Base' is not"),
        (("--conversation", "slack:C1", "KEN", "--cadence", "monthly"), "is not a cadence"),
        (("--conversation", "slack:C1", "KEN", "--language", "de"), "'de' is not one"),
        (("--conversation", "C1", "KEN"), "should look like slack:C0123"),
        (("--conversation", "teams:19:abc@thread.tacv2", "KEN"), "never heard from the Teams"),
        (("--conversation", "slack:C1", "--unct", "Nowhere"), "No UNCT is called 'Nowhere'"),
    ],
)
def test_bad_subscriptions_are_refused_with_the_fix(
    calendar_db: str, args: tuple[str, ...], message: str
) -> None:
    code, output = invoke(calendar_db, "subscription", "add", *args)
    assert code == 1
    assert message in " ".join(output.split())
    assert "No subscription yet" in invoke(calendar_db, "subscription", "list")[1]


def test_preview_of_an_unknown_subscription_or_date(calendar_db: str) -> None:
    code, output = invoke(calendar_db, "digest", "preview", "--subscription", "7")
    assert (code, "No subscription has the id 7" in output) == (1, True)
    code, output = invoke(
        calendar_db, "digest", "preview", "--subscription", "1", "--as-of", "soon"
    )
    assert code == 2 and "not a date" in output
