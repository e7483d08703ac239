"""Loading knowledge from one uploaded file, as `load_paths` loads it from disk: the same
formats, limits, problems and all-or-nothing rule. A .zip archive stands for a folder (the
whole knowledge base at once, as `huribot ingest folder/` reads it).

The upload is written to a private temporary folder under its own base name, so every
record's origin names the file as the command line would, and a file uploaded again
updates (and withdraws) what it brought before.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePath

from knowledge.ingest.errors import IngestError, IngestProblem
from knowledge.ingest.limits import DEFAULT_LIMITS, IngestLimits, unzipped_refusal
from knowledge.ingest.loader import SUPPORTED_SUFFIXES, load_paths
from knowledge.records import IngestBatch

ARCHIVE_SUFFIX = ".zip"
UPLOAD_SUFFIXES = (*SUPPORTED_SUFFIXES, ARCHIVE_SUFFIX)


def load_upload(
    filename: str, data: bytes, *, limits: IngestLimits = DEFAULT_LIMITS
) -> IngestBatch:
    """The records of an uploaded file (or archive); raises IngestError with every problem."""
    name = PurePath(filename.replace("\\", "/")).name
    refusal = limits.file.refusal("file is", len(data))
    if refusal is not None:
        raise IngestError([IngestProblem(name or "upload", None, refusal)])
    if not name or name.startswith("."):
        raise IngestError([IngestProblem(name or "upload", None, "the file has no usable name")])
    with tempfile.TemporaryDirectory(prefix="huribot-upload-") as folder:
        if PurePath(name).suffix.lower() == ARCHIVE_SUFFIX:
            return load_paths([_unpacked(name, data, Path(folder), limits)], limits=limits)
        path = Path(folder) / name
        path.write_bytes(data)
        return load_paths([path], limits=limits)


def _unpacked(name: str, data: bytes, folder: Path, limits: IngestLimits) -> Path:
    """The archive's folder once unpacked (entries outside it are kept inside by
    `extractall`); a single top folder is entered, as if it had been named."""
    refusal = unzipped_refusal(data, limits.unzipped)
    if refusal is not None:
        raise IngestError([IngestProblem(name, None, refusal)])
    archive_path = folder / "upload.zip"
    archive_path.write_bytes(data)
    root = folder / "files"
    root.mkdir()
    try:
        with zipfile.ZipFile(archive_path) as archive:
            archive.extractall(root)
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(
            [IngestProblem(name, None, f"not a readable .zip archive: {exc}")]
        ) from exc
    entries = list(root.iterdir())
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else root
