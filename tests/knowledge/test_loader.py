"""Loading whole folders of knowledge files, all or nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest

from knowledge.ingest.errors import IngestError, IngestProblem
from knowledge.ingest.limits import MEGABYTE, IngestLimits, SizeLimit
from knowledge.ingest.loader import load_paths, sample_knowledge_path
from knowledge.records import IngestBatch

SENTENCE = "Country teams follow up on the recommendations of the human rights mechanisms."
TEXT = " ".join([SENTENCE] * 8)


def reply_md(question: str, slug: str | None = None) -> str:
    id_line = f"id: {slug}\n" if slug else ""
    return f"---\n{id_line}question: {question}\ntags: [test]\n---\nThe answer to {question}\n"


def put(root: Path, relative: str, content: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def make_docx(path: Path) -> None:
    document = docx.Document()
    document.add_heading("Word guide", level=0)
    document.add_paragraph(TEXT)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))


def knowledge_folder(root: Path) -> Path:
    put(root, "replies/upr.md", reply_md("What is the UPR?"))
    put(root, "replies/b-lnob.md", reply_md("What is LNOB?", "lnob"))
    put(root, "replies/bulk.csv", "id,question,answer\ncsv-one,Q1?,A1.\ncsv-two,Q2?,A2.\n")
    put(root, "replies/more/bulk.yaml", "- id: yaml-one\n  question: Q?\n  answer: A.\n")
    put(root, "guidance/guide.md", f"# Markdown guide\n\n{TEXT}\n")
    put(root, "guidance/notes.txt", f"Text Notes\n\n{TEXT}\n")
    make_docx(root / "guidance/word-guide.docx")
    put(root, "guidance/.draft.md", "---\nquestion: [broken\n---\n")  # hidden: skipped
    put(root, ".git/config.md", "not knowledge")  # hidden folder: skipped
    put(root, "guidance/~$word-guide.docx", b"office lock file")  # lock file: skipped
    put(root, "guidance/data.xlsx", b"unsupported")  # unsupported: skipped with a log line
    return root


def load_error(paths: list[Path]) -> IngestError:
    with pytest.raises(IngestError) as caught:
        load_paths(paths)
    return caught.value


def test_folder_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    batch = load_paths([knowledge_folder(tmp_path / "kb")])

    assert [reply.slug for reply in batch.replies] == [
        "lnob",
        "csv-one",
        "csv-two",
        "yaml-one",
        "upr",
    ]
    assert [reply.origin for reply in batch.replies] == [
        "replies/b-lnob.md",
        "replies/bulk.csv:2",
        "replies/bulk.csv:3",
        "replies/more/bulk.yaml:1",
        "replies/upr.md",
    ]
    assert [document.slug for document in batch.documents] == ["guide", "notes", "word-guide"]
    assert [document.title for document in batch.documents] == [
        "Markdown guide",
        "Text Notes",
        "Word guide",
    ]
    assert all(document.passages for document in batch.documents)


def test_markdown_is_a_reply_only_when_its_front_matter_has_a_question(tmp_path: Path) -> None:
    put(tmp_path, "a.md", reply_md("Q?"))
    put(tmp_path, "b.md", f"---\ntitle: A guide\n---\n{TEXT}\n")

    batch = load_paths([tmp_path])

    assert [reply.slug for reply in batch.replies] == ["a"]
    assert [document.title for document in batch.documents] == ["A guide"]


def test_progress_is_reported_per_file(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    load_paths(
        [knowledge_folder(tmp_path)], progress=lambda done, total: calls.append((done, total))
    )

    assert calls == [(done, 7) for done in range(8)]


def test_explicit_files_and_folders_can_be_mixed_and_are_read_once(tmp_path: Path) -> None:
    folder = knowledge_folder(tmp_path / "kb")
    single = put(tmp_path, "extra/one.md", reply_md("Extra?"))

    batch = load_paths([single, folder, folder / "replies" / "upr.md"])

    assert batch.replies[0].slug == "one"
    assert [reply.slug for reply in batch.replies].count("upr") == 1
    assert batch.replies[0].origin == "one.md"
    assert "kb/replies/upr.md" in [reply.origin for reply in batch.replies]


def test_all_problems_of_all_files_are_raised_and_nothing_returned(tmp_path: Path) -> None:
    put(tmp_path, "a-bad.md", "---\nquestion: Q?\ncolour: red\n---\nAnswer.\n")
    put(tmp_path, "b-good.md", reply_md("Fine?"))
    put(tmp_path, "c-bad.csv", "id,question,answer\nx,Q?,\n")
    put(tmp_path, "d-broken.docx", b"not a zip")
    put(tmp_path, "e-empty.txt", "\n")

    error = load_error([tmp_path])

    assert [str(problem) for problem in error.problems] == [
        "a-bad.md:3: unknown key 'colour' (known: id, question, alt_questions, tags, language, "
        "status, last_reviewed, review_by, sources, owner)",
        "c-bad.csv:2: answer is empty",
        "d-broken.docx: cannot read .docx file: it is not a valid Word file (not a zip archive)",
        "e-empty.txt: the document has no text",
    ]
    assert str(error).startswith("4 problems in the knowledge files:")


def test_duplicate_reply_id_across_files_names_both_files(tmp_path: Path) -> None:
    put(tmp_path, "a/upr.md", reply_md("What is the UPR?"))
    put(tmp_path, "b/replies.csv", "id,question,answer\nother,Q?,A.\nupr,Q?,A.\n")

    error = load_error([tmp_path])

    assert error.problems == (
        IngestProblem("b/replies.csv", 3, "reply id 'upr' is also used in a/upr.md"),
    )


def test_duplicate_document_slug_across_files_names_both_files(tmp_path: Path) -> None:
    put(tmp_path, "guide.md", f"# One\n\n{TEXT}\n")
    put(tmp_path, "other/guide.txt", f"Two\n\n{TEXT}\n")

    error = load_error([tmp_path])

    assert error.problems == (
        IngestProblem("other/guide.txt", None, "document id 'guide' is also used in guide.md"),
    )


def test_named_unsupported_or_missing_paths_are_problems(tmp_path: Path) -> None:
    sheet = put(tmp_path, "replies.xlsx", b"PK")
    missing = tmp_path / "nowhere"

    error = load_error([sheet, missing])

    assert [problem.file for problem in error.problems] == ["replies.xlsx", str(missing)]
    assert error.problems[0].message.startswith("unsupported file type '.xlsx' (supported: .md")
    assert error.problems[1].message == "no such file or folder"


def test_oversized_file_is_a_problem(tmp_path: Path) -> None:
    with (tmp_path / "huge.pdf").open("wb") as handle:
        handle.truncate(20 * MEGABYTE + 1)

    error = load_error([tmp_path])

    assert [problem.file for problem in error.problems] == ["huge.pdf"]
    assert "limit is 20 MB" in error.problems[0].message


def test_the_file_limit_is_the_callers_and_names_its_setting(tmp_path: Path) -> None:
    folder = knowledge_folder(tmp_path)
    with (folder / "big.md").open("wb") as handle:
        handle.truncate(2 * MEGABYTE)
    strict = IngestLimits(file=SizeLimit(1, "HURIBOT_MAX_IMPORT_MB"))

    with pytest.raises(IngestError) as refused:
        load_paths([folder], limits=strict)

    [problem] = refused.value.problems
    assert problem.file.endswith("big.md")
    assert problem.message == (
        "file is 2.0 MB; the limit is 1 MB (set HURIBOT_MAX_IMPORT_MB to raise it)"
    )


def test_empty_folder_gives_an_empty_batch(tmp_path: Path) -> None:
    assert load_paths([tmp_path]) == IngestBatch()


def test_loading_is_deterministic_and_hashes_follow_changes(tmp_path: Path) -> None:
    folder = knowledge_folder(tmp_path)
    first = load_paths([folder])

    assert load_paths([folder]) == first

    put(folder, "guidance/guide.md", f"# Markdown guide\n\n{TEXT} One more sentence.\n")
    changed = load_paths([folder])
    hashes = {d.slug: d.content_hash for d in first.documents}
    new_hashes = {d.slug: d.content_hash for d in changed.documents}
    assert new_hashes["guide"] != hashes["guide"]
    assert new_hashes["notes"] == hashes["notes"]
    assert new_hashes["word-guide"] == hashes["word-guide"]
    assert [r.content_hash() for r in changed.replies] == [r.content_hash() for r in first.replies]


def test_sample_knowledge_path_is_the_folder_inside_the_package() -> None:
    path = sample_knowledge_path()

    assert path.is_dir()
    assert path.name == "sample"
    assert path.parent == Path(__file__).resolve().parents[2] / "knowledge"


def test_shipped_sample_folder_loads_without_problems() -> None:
    folder = sample_knowledge_path()
    if not any(path.is_file() for path in folder.rglob("*.md")):
        pytest.skip("knowledge/sample has no Markdown files yet; nothing to load")

    batch = load_paths([folder])

    assert batch.replies or batch.documents
    assert all(reply.origin.startswith("replies/") for reply in batch.replies)
    assert all(document.origin.startswith("guidance/") for document in batch.documents)
    assert all(document.passages for document in batch.documents)


def test_ingest_package_imports_no_bot_adapters_or_chat_code() -> None:
    # rich is left out: structlog itself imports it for pretty console output.
    code = (
        "import sys, knowledge.ingest.loader\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'bot', 'adapters', 'slack_bolt', 'slack_sdk', 'botbuilder', 'microsoft_agents', "
        "'typer'})\n"
        "print(','.join(bad))\n"
    )
    root = Path(__file__).resolve().parents[2]

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == ""
