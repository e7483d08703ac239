"""The `huribot` command line end to end, on a real SQLite file (and PostgreSQL for one test)."""

from __future__ import annotations

import json
import socket
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli.calendar import sample_calendar_text
from adapters.cli.main import app
from bot.calendar.ics_import import parse_calendar_ics
from bot.calendar.rows import parse_calendar_csv

runner = CliRunner()


def invoke(
    db_url: str, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> tuple[int, str]:
    variables = {"HURIBOT_DATABASE_URL": db_url, **(env or {})}
    result = runner.invoke(app, list(args), env=variables, input=stdin)
    return result.exit_code, result.output


@pytest.fixture
def sample_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    code, output = invoke(url, "ingest", "--sample")
    assert code == 0, output
    return url


def test_ask_json_follows_the_contract(sample_db: str) -> None:
    code, output = invoke(
        sample_db, "ask", "--json", "--top", "3", "how does a UNCT contribute to the UPR?"
    )
    assert code == 0, output
    payload = json.loads(output)
    assert {"query", "answered", "confidence", "hits"} <= set(payload)
    assert payload["kind"] in {"answer", "abstain"}
    assert payload["query"] == "how does a UNCT contribute to the UPR?"
    assert isinstance(payload["answered"], bool)
    assert 0.0 <= payload["confidence"] <= 1.0
    assert 1 <= len(payload["hits"]) <= 3
    for hit in payload["hits"]:
        assert set(hit) == {"id", "kind", "title", "text", "source", "score"}
        assert hit["kind"] in {"reply", "passage"}
        assert hit["text"] and hit["source"]
    scores = [hit["score"] for hit in payload["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_json_reads_questions_from_stdin_in_order(sample_db: str) -> None:
    questions = ["what is the HRBA?", "", "per diem in Nairobi?", "treaty body reporting"]
    code, output = invoke(sample_db, "ask", "--json", "--top", "2", "-", stdin="\n".join(questions))
    assert code == 0, output
    lines = [json.loads(line) for line in output.splitlines()]
    assert [line["query"] for line in lines] == [q for q in questions if q]
    assert all(len(line["hits"]) <= 2 for line in lines)


@pytest.mark.parametrize(
    ("text", "answered"),
    [("hi there, thanks!", True), ("merci beaucoup", True), ("where is the cafeteria?", False)],
)
def test_ask_json_treats_small_talk_as_the_chat_does(
    sample_db: str, text: str, answered: bool
) -> None:
    code, output = invoke(sample_db, "ask", "--json", text)
    assert code == 0, output
    payload = json.loads(output)
    assert payload["kind"] == "smalltalk"
    assert payload["answered"] is answered
    assert payload["hits"] == []


def test_unanswerable_question_is_not_answered(sample_db: str) -> None:
    code, output = invoke(sample_db, "ask", "--json", "what is the wifi password in the cafeteria")
    assert code == 0
    assert json.loads(output)["answered"] is False


def test_ask_prints_a_readable_answer_with_sources(sample_db: str) -> None:
    code, output = invoke(sample_db, "ask", "What is the human rights-based approach?")
    assert code == 0, output
    assert "http" in output
    assert "confidence" in output


def test_reingesting_the_sample_changes_nothing(sample_db: str) -> None:
    code, output = invoke(sample_db, "ingest", "--sample")
    assert code == 0
    assert "0 added, 0 updated" in output


def test_broken_file_imports_nothing_and_names_the_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    good = tmp_path / "good.md"
    good.write_text("---\nid: ok\nquestion: Fine?\n---\nYes.\n", encoding="utf-8")
    bad = tmp_path / "bulk.csv"
    bad.write_text("id,question,answer\nr1,Q one?,A one\nr2,,A two\n", encoding="utf-8")
    code, output = invoke(url, "ingest", str(good), str(bad))
    assert code == 1
    assert "bulk.csv:3" in output
    assert "Nothing was imported" in output
    code, listing = invoke(url, "kb", "list")
    assert code == 0
    assert "ok" not in listing.split()


def test_kb_list_show_retire_and_stats(sample_db: str) -> None:
    code, listing = invoke(sample_db, "kb", "list")
    assert code == 0 and "upr-unct-submission" in listing
    code, shown = invoke(sample_db, "kb", "show", "upr-unct-submission")
    assert code == 0 and "source:" in shown
    code, _ = invoke(sample_db, "kb", "retire", "upr-unct-submission")
    assert code == 0
    code, output = invoke(sample_db, "ask", "--json", "--top", "10", "UNCT submission to the UPR")
    assert "upr-unct-submission" not in [hit["id"] for hit in json.loads(output)["hits"]]
    code, stats = invoke(sample_db, "stats")
    assert code == 0 and "replies retired" in stats and "passages" in stats


def test_unknown_id_gets_an_actionable_error(sample_db: str) -> None:
    code, output = invoke(sample_db, "kb", "show", "nope")
    assert code == 1
    assert "huribot kb list" in output


def test_invalid_setting_stops_with_the_variable_name() -> None:
    code, output = invoke("mysql://x", "stats")
    assert code == 2
    assert "HURIBOT_DATABASE_URL" in output


def test_ingest_and_ask_on_postgresql(postgres_schema_url: str) -> None:
    code, output = invoke(postgres_schema_url, "ingest", "--sample")
    assert code == 0, output
    code, output = invoke(postgres_schema_url, "ask", "--json", "human rights-based approach")
    assert json.loads(output)["hits"]


def test_calendar_import_and_export_for_a_country(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cal.db'}"
    total = len(parse_calendar_csv(sample_calendar_text()))
    code, output = invoke(url, "calendar", "import", "--sample", "--dry-run")
    assert code == 0 and f"{total} added" in output and "Dry run: nothing was written" in output
    assert "would add: upr-49-KEN-review" in output
    code, output = invoke(url, "calendar", "import", "--sample")
    assert code == 0 and f"{total} added" in output  # the dry run wrote nothing
    code, output = invoke(url, "calendar", "import", "--sample")
    assert f"{total} unchanged" in output
    code, exported = invoke(url, "calendar", "export", "--country", "Kenya", "--format", "csv")
    assert code == 0
    assert exported.count("upr-49-KEN-review") == 1 and "IRN" not in exported
    code, output = invoke(url, "calendar", "export", "--country", "Atlantis")
    assert code == 2 and "Atlantis" in output


def test_a_broken_calendar_file_imports_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cal.db'}"
    broken = tmp_path / "calendar.csv"
    broken.write_text(
        "event_id,mechanism,body,country_iso3,event_type,start_date,end_date,date_precision,status\n"
        "ok-1,UPR,WG,KEN,review,2027-01-20,2027-01-31,day,tentative\n"
        "bad-2,UPR,WG,KEN,review,20-01-2027,,day,tentative\n",
        encoding="utf-8",
    )
    code, output = invoke(url, "calendar", "import", str(broken))
    assert code == 1 and "line 3" in output and "Nothing was imported" in output
    code, exported = invoke(url, "calendar", "export", "--format", "csv")
    assert "ok-1" not in exported


def test_calendar_overview_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cal.db'}"
    assert invoke(url, "calendar", "import", "--sample")[0] == 0
    kenya = ("calendar", "overview", "--country", "KEN", "--year", "2025")
    code, text = invoke(url, *kenya, "--as-of", "2026-12-01")
    assert code == 0 and "1 May 2025" in text and "prepared on 1 December 2026" in text
    code, text = invoke(url, *kenya, "--language", "es", "--format", "html", "--rc", "Ana Pérez")
    assert code == 0 and '<html lang="es">' in text and "Ana Pérez" in text
    assert invoke(url, *kenya, "--format", "docx")[0] == 2
    assert invoke(url, *kenya, "--as-of", "1 May")[0] == 2
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        target = tmp_path / f"kenya.{fmt}"
        code, _ = invoke(url, *kenya, "--format", fmt, "--output", str(target))
        assert code == 0 and target.read_bytes().startswith(magic)
    assert invoke(url, "unct", "set", "UNCT Kenya", "KEN")[0] == 0
    code, text = invoke(url, *kenya, "--contact", "huritalk@example.org")
    assert "Resident Coordinator, UNCT Kenya" in text and "huritalk@example.org" in text


def test_calendar_ics_export_imports_into_another_database(tmp_path: Path) -> None:
    first, second = (f"sqlite:///{tmp_path / name}" for name in ("a.db", "b.db"))
    assert invoke(first, "calendar", "import", "--sample")[0] == 0
    exported = tmp_path / "all.ics"
    assert invoke(first, "calendar", "export", "--output", str(exported))[0] == 0
    code, output = invoke(second, "calendar", "import", str(exported))
    dated = [r for r in parse_calendar_csv(sample_calendar_text()) if r.start_date is not None]
    assert code == 0 and f"{len(dated)} added" in output


def _knowledge_folder(root: Path) -> Path:
    """A small file-based knowledge base: a CSV of two replies, a reply file, a guide."""
    folder = root / "kb"
    folder.mkdir()
    (folder / "bulk.csv").write_text(
        "id,question,answer\n"
        "cca-data,Where does the CCA find disaggregated data?,In national statistics offices.\n"
        "upr-dates,When is our next UPR review?,See the UPR calendar of sessions.\n",
        encoding="utf-8",
    )
    (folder / "nhri.md").write_text(
        "---\nid: nhri-status\nquestion: What is an A-status NHRI?\n---\n"
        "One fully compliant with the Paris Principles.\n",
        encoding="utf-8",
    )
    (folder / "guide.md").write_text(
        "---\nid: guide-visits\ntitle: Visits\n---\n# Visits\n\n"
        "Special rapporteurs visit at the invitation of the State.\n",
        encoding="utf-8",
    )
    return folder


def _status(url: str, reply_id: str) -> str:
    code, shown = invoke(url, "kb", "show", reply_id)
    assert code == 0, shown
    return shown.splitlines()[1].split(" · ")[1]


def test_a_row_removed_from_a_csv_file_retires_its_reply(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    folder = _knowledge_folder(tmp_path)
    assert invoke(url, "ingest", str(folder))[0] == 0
    csv = folder / "bulk.csv"
    csv.write_text("\n".join(csv.read_text(encoding="utf-8").splitlines()[:2]) + "\n")
    code, output = invoke(url, "ingest", str(folder))
    assert code == 0, output
    assert "replies: 0 added, 0 updated, 2 unchanged, 1 retired" in output
    assert _status(url, "upr-dates") == "retired"
    assert _status(url, "cca-data") == "published"
    code, output = invoke(url, "ask", "--json", "--top", "10", "When is our next UPR review?")
    assert "upr-dates" not in [hit["id"] for hit in json.loads(output)["hits"]]


def test_prune_withdraws_what_deleted_files_brought_and_keeps_the_rest(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    folder = _knowledge_folder(tmp_path)
    assert invoke(url, "ingest", str(folder))[0] == 0
    (folder / "nhri.md").unlink()
    (folder / "guide.md").unlink()
    code, output = invoke(url, "ingest", str(folder))
    assert code == 0 and "0 retired" in output and "0 removed" in output
    assert _status(url, "nhri-status") == "published"
    code, output = invoke(url, "ingest", str(folder), "--prune")
    assert code == 0, output
    assert (
        "1 retired" in output and "documents: 0 added, 0 updated, 0 unchanged, 1 removed" in output
    )
    assert _status(url, "nhri-status") == "retired"
    assert _status(url, "cca-data") == "published"
    code, _ = invoke(url, "kb", "show", "guide-visits")
    assert code == 1
    code, output = invoke(url, "ask", "--json", "--top", "10", "special rapporteur invitation")
    assert "guide-visits#0" not in [hit["id"] for hit in json.loads(output)["hits"]]


def test_a_calendar_file_past_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cal.db'}"
    huge = tmp_path / "calendar.csv"
    with huge.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: no disk used, 21 MB long
    code, output = invoke(url, "calendar", "import", str(huge))
    assert code == 1
    said = " ".join(output.split())
    assert "is 21.0 MB; the limit is 20 MB (set HURIBOT_MAX_IMPORT_MB to raise it)" in said
    code, output = invoke(url, "calendar", "import", str(huge), env={"HURIBOT_MAX_IMPORT_MB": "22"})
    assert "the limit is" not in output  # read, then refused for what it holds (zeros)


@pytest.mark.parametrize("suffix", [".csv", ".ics"])
def test_a_calendar_import_past_the_event_limit_is_refused_before_parsing(
    tmp_path: Path, suffix: str
) -> None:
    url = f"sqlite:///{tmp_path / 'cal.db'}"
    assert invoke(url, "calendar", "import", "--sample")[0] == 0
    file = tmp_path / f"calendar{suffix}"
    assert invoke(url, "calendar", "export", "--format", suffix[1:], "-o", str(file))[0] == 0
    parse = (
        parse_calendar_ics if suffix == ".ics" else lambda data: parse_calendar_csv(data.decode())
    )
    events = len(parse(file.read_bytes()))
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"

    limit = {"HURIBOT_MAX_CALENDAR_EVENTS": str(events - 1)}
    code, output = invoke(fresh, "calendar", "import", str(file), env=limit)
    assert code == 1
    said = " ".join(output.split())
    assert f"holds {events:,} events; the limit is {events - 1:,}" in said
    assert "(set HURIBOT_MAX_CALENDAR_EVENTS to raise it)" in said
    assert "Nothing was imported" in said

    limit = {"HURIBOT_MAX_CALENDAR_EVENTS": str(events)}
    code, output = invoke(fresh, "calendar", "import", str(file), env=limit)
    assert code == 0 and f"{events} added" in output


def test_a_spreadsheet_that_would_unzip_past_the_limit_is_refused_unread(tmp_path: Path) -> None:
    bomb = tmp_path / "calendar.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\0" * (2 * 1024 * 1024))
    assert bomb.stat().st_size < 100 * 1024
    url = f"sqlite:///{tmp_path / 'cal.db'}"
    code, output = invoke(
        url, "calendar", "import", str(bomb), env={"HURIBOT_MAX_UNZIPPED_MB": "1"}
    )
    assert code == 1
    said = " ".join(output.split())
    assert "cannot read the .xlsx file: it unzips to 2.0 MB; the limit is 1 MB" in said
    assert "(set HURIBOT_MAX_UNZIPPED_MB to raise it)" in said


def test_an_unreachable_database_is_one_line_not_a_traceback() -> None:
    code, output = invoke("postgresql://huribot:s3cret@127.0.0.1:1/huribot", "kb", "list")
    assert code == 1
    said = " ".join(output.split())
    assert said.startswith("Error: The database refused:") and "HURIBOT_DATABASE_URL" in said
    assert "Traceback" not in output and "s3cret" not in output


def test_a_port_in_use_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(
            app,
            ["serve"],
            env={
                "HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
                "HURIBOT_HOST": "127.0.0.1",
                "HURIBOT_PORT": str(port),
            },
        )
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "The port is already in use" in said and "HURIBOT_PORT" in said
    assert "Traceback" not in result.output
