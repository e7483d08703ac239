"""Knowledge from one uploaded file, read as `load_paths` reads it from disk; a .zip stands
for a folder."""

from __future__ import annotations

import io
import zipfile

import pytest

from knowledge.ingest.errors import IngestError
from knowledge.ingest.limits import IngestLimits, SizeLimit
from knowledge.ingest.uploads import load_upload

REPLY = "---\nid: a-reply\nquestion: What is a reply?\n---\nAn answer to a question.\n"
GUIDE = "# A guide\n\nGuidance text for moderators to read.\n"


def archive(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, text in files.items():
            zipped.writestr(name, text)
    return buffer.getvalue()


def test_a_file_keeps_its_own_name_as_the_origin_of_its_records() -> None:
    batch = load_upload("C:\\Users\\me\\replies.csv", b"id,question,answer\nx-1,Why?,Because.\n")
    assert batch.files == ("replies.csv",)
    assert [reply.origin for reply in batch.replies] == ["replies.csv:2"]


def test_a_zip_stands_for_the_folder_inside_it() -> None:
    batch = load_upload("kb.zip", archive({"kb/replies/a.md": REPLY, "kb/guidance/g.md": GUIDE}))
    assert batch.files == ("guidance/g.md", "replies/a.md")
    assert [reply.slug for reply in batch.replies] == ["a-reply"]
    assert [document.slug for document in batch.documents] == ["g"]


def test_every_problem_is_reported_by_line_and_nothing_returned() -> None:
    with pytest.raises(IngestError) as raised:
        load_upload("replies.csv", b"id,question,answer\nx-1,,Because.\nx-2,Why\n")
    assert [str(p) for p in raised.value.problems] == [
        "replies.csv:2: question is empty",
        "replies.csv:3: row has 2 cells but the header has 3",
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("big.txt", b"x" * (1024 * 1024 + 1), "big.txt: file is 1.0 MB; the limit is 1 MB"),
        ("kb.zip", archive({"a.txt": "x" * (3 * 1024 * 1024)}), "kb.zip: it unzips to 3.0 MB"),
        ("kb.zip", b"not a zip", "kb.zip: not a readable .zip archive"),
        ("notes.exe", b"MZ", "notes.exe: unsupported file type '.exe'"),
        (".hidden.md", REPLY.encode(), ".hidden.md: the file has no usable name"),
    ],
)
def test_refusals_name_the_file_and_why(name: str, data: bytes, message: str) -> None:
    limits = IngestLimits(file=SizeLimit(1), unzipped=SizeLimit(2))
    with pytest.raises(IngestError) as raised:
        load_upload(name, data, limits=limits)
    assert str(raised.value.problems[0]).startswith(message)
