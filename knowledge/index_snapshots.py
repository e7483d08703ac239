"""Search index snapshots on disk, so a restart reopens the index instead of rebuilding it.

Several processes on one machine (serve, its answer workers, CLI commands) share the folder,
so nothing in it is ever changed in place: each snapshot is written whole into a new
generation folder, then a pointer file naming it is atomically replaced. A reader follows the
pointer and holds a shared lock on that generation while it links its files; a writer removes
only the generations it can lock exclusively (those neither current, nor being read, nor
still being written). A folder's lock is the file beside it, taken before the folder exists,
so no folder is ever seen unlocked while it is being filled. Each process searches a private
working copy made of hard links (tantivy's files are written once and never changed), so no
two processes write one index.
"""

from __future__ import annotations

import dataclasses
import fcntl
import functools
import json
import marshal
import os
import shutil
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import structlog

from knowledge.search_types import SearchDoc

logger = structlog.get_logger(__name__)

POINTER = "CURRENT"
LOCK_SUFFIX = ".lock"
META = "snapshot.json"
DOCS = "docs.bin"
FILES = "tantivy"
WORK = "work"
GENERATION_PREFIX = "gen-"
DOC_FIELDS = tuple(field.name for field in dataclasses.fields(SearchDoc))
"""The docs are stored a column per field, in this order (rebuilt positionally)."""


class SnapshotError(Exception):
    """A snapshot that cannot be used (missing, half-removed or corrupt): rebuild instead."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One generation as read: what the caller stored with it, its docs, and the folder of
    its engine files (valid while the `open` block that returned it runs)."""

    meta: dict[str, Any]
    docs: list[SearchDoc]
    files: Path


Export = Callable[[Path], None]
"""Writes an engine's files into the (empty) folder it is given."""
Completion = Callable[[dict[str, Any], Sequence[SearchDoc]], str]
"""Finishes a staged generation with its meta and docs; returns its name."""


class SnapshotStore:
    """The generations of one index folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @contextmanager
    def open(self) -> Iterator[Snapshot | None]:
        """The current snapshot (None when there is none yet), locked against removal for the
        duration of the block; SnapshotError when it is unreadable."""
        name = self._current()
        if name is None:
            yield None
            return
        folder = self.root / name
        try:
            lock = _lock(folder, exclusive=False, wait=True, create=False)
        except FileNotFoundError as exc:  # replaced and removed since the pointer was read
            raise SnapshotError(f"generation {name} is gone") from exc
        with lock:
            if not folder.exists():  # removed whole by a writer before the lock was ours
                raise SnapshotError(f"generation {name} is gone")
            snapshot = _read(folder)
            yield snapshot

    def current_meta(self) -> dict[str, Any] | None:
        """What the current snapshot's writer stored with it (None when there is none), read
        without its docs; SnapshotError when it is unreadable."""
        name = self._current()
        if name is None:
            return None
        try:
            meta: dict[str, Any] = json.loads((self.root / name / META).read_bytes())
        except (OSError, ValueError) as exc:
            raise SnapshotError(f"generation {name} is unreadable: {exc}") from exc
        return meta

    def write(self, meta: dict[str, Any], docs: Sequence[SearchDoc], export: Export) -> str:
        """Write a new generation and make it current; returns its name."""
        with self.staging(export) as complete:
            return complete(meta, docs)

    @contextmanager
    def staging(self, export: Export) -> Iterator[Completion]:
        """A new generation holding the engine's files (`export` runs here: hard links, so
        quick, and taken with the docs the caller holds); the block then calls the completion
        with the meta and docs, which packs and syncs them (the slow part, fit for a thread),
        makes the generation current and removes those nobody uses. A generation left
        incomplete is never current, and a later writer removes it."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"{GENERATION_PREFIX}{uuid.uuid4().hex}"
        folder = self.root / name
        with _lock(folder, exclusive=True, wait=True, create=True):
            folder.mkdir()
            export(folder / FILES)
            yield functools.partial(self._complete, name)

    def _complete(self, name: str, meta: dict[str, Any], docs: Sequence[SearchDoc]) -> str:
        folder = self.root / name
        packed = marshal.dumps([[getattr(doc, field) for doc in docs] for field in DOC_FIELDS])
        _write_synced(folder / DOCS, packed)
        checks = {"docs_bytes": len(packed), "docs_crc32": zlib.crc32(packed)}
        record = {**meta, **checks, "doc_fields": list(DOC_FIELDS)}
        _write_synced(folder / META, json.dumps(record).encode())
        pointer = self.root / f".{POINTER}.{name}"
        _write_synced(pointer, name.encode())
        os.replace(pointer, self.root / POINTER)
        self._collect(keep=name)
        logger.info("index.snapshot_written", generation=name, docs=len(docs))
        return name

    @contextmanager
    def work_folder(self) -> Iterator[Path]:
        """A private folder beside the generations (hard links need one file system),
        locked while this process uses it and removed afterwards (or by a later writer
        once the process that used it died)."""
        folder = self.root / WORK / f"index-{uuid.uuid4().hex}"
        folder.parent.mkdir(parents=True, exist_ok=True)
        with _lock(folder, exclusive=True, wait=True, create=True):
            folder.mkdir()
            try:
                yield folder
            finally:
                _remove(folder)

    def _current(self) -> str | None:
        try:
            name = (self.root / POINTER).read_text().strip()
        except FileNotFoundError:
            return None
        if not name.startswith(GENERATION_PREFIX) or "/" in name:
            raise SnapshotError(f"the pointer names {name!r}")
        return name

    def _collect(self, *, keep: str) -> None:
        """Remove the generations and working folders nobody uses any more."""
        current = self._current()
        candidates = [*self.root.glob(f"{GENERATION_PREFIX}*"), *(self.root / WORK).glob("index-*")]
        for folder in candidates:
            if folder.name in {keep, current} or folder.name.endswith(LOCK_SUFFIX):
                continue
            try:
                lock = _lock(folder, exclusive=True, wait=False, create=False)
            except (BlockingIOError, FileNotFoundError):
                continue  # in use (or removed by another writer meanwhile)
            with lock:
                _remove(folder)
        for stray in self.root.glob(f".{POINTER}.*"):  # pointers of writers that died
            if not (self.root / stray.name.removeprefix(f".{POINTER}.")).exists():
                stray.unlink(missing_ok=True)


def link_files(source: Path, target: Path, *, names: Sequence[str]) -> None:
    """Hard-link the named files of `source` into `target` (copied across file systems)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        try:
            os.link(source / name, target / name)
        except OSError as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            shutil.copy2(source / name, target / name)


def _lock(folder: Path, *, exclusive: bool, wait: bool, create: bool) -> IO[bytes]:
    """The folder's lock file, open and locked: closing it (or the process dying) releases
    the lock. Only the folder's maker creates that file."""
    handle = _lock_path(folder).open("ab" if create else "rb")
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        fcntl.flock(handle, mode if wait else mode | fcntl.LOCK_NB)
    except BaseException:
        handle.close()
        raise
    return handle


def _lock_path(folder: Path) -> Path:
    return folder.with_name(folder.name + LOCK_SUFFIX)


def _remove(folder: Path) -> None:
    """Remove a folder and its lock file (called with the lock held)."""
    shutil.rmtree(folder, ignore_errors=True)
    _lock_path(folder).unlink(missing_ok=True)


def _read(folder: Path) -> Snapshot:
    try:
        meta = json.loads((folder / META).read_bytes())
        packed = (folder / DOCS).read_bytes()
        if len(packed) != meta["docs_bytes"] or zlib.crc32(packed) != meta["docs_crc32"]:
            raise SnapshotError(f"the docs of {folder.name} do not match their checksum")
        if meta["doc_fields"] != list(DOC_FIELDS):
            raise SnapshotError(f"the docs of {folder.name} have other fields")
        docs = list(map(SearchDoc, *marshal.loads(packed)))
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise SnapshotError(f"generation {folder.name} is unreadable: {exc}") from exc
    return Snapshot(meta=meta, docs=docs, files=folder / FILES)


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
