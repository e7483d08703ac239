"""Snapshot folders shared by several processes: a reader sees a whole generation or none."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge.index_snapshots import GENERATION_PREFIX, SnapshotError, SnapshotStore
from knowledge.search_types import SearchDoc

WRITES = 15


def docs(count: int) -> list[SearchDoc]:
    return [
        SearchDoc(id=f"d{i}", kind="passage", title="t", text="x" * i, source="s")
        for i in range(count)
    ]


def write_marker(count: int) -> Callable[[Path], None]:
    def export(target: Path) -> None:
        target.mkdir()
        (target / "marker").write_text(str(count))

    return export


def writer(root: Path, seed: int) -> None:
    store = SnapshotStore(root)
    for step in range(WRITES):
        count = seed * 100 + step
        store.write({"count": count}, docs(count), write_marker(count))


def test_readers_never_see_a_half_written_snapshot_while_processes_write(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=writer, args=(tmp_path, seed)) for seed in (1, 2)]
    for process in writers:
        process.start()
    whole = 0
    while any(process.is_alive() for process in writers) or whole == 0:
        try:
            with store.open() as snapshot:
                if snapshot is None:
                    continue
                count = snapshot.meta["count"]
                assert len(snapshot.docs) == count
                assert (snapshot.files / "marker").read_text() == str(count)
                whole += 1
        except SnapshotError as exc:  # replaced and removed before it could be locked
            assert "is gone" in str(exc)
    for process in writers:
        process.join()
        assert process.exitcode == 0
    assert whole > 0
    store.write({"count": 3}, docs(3), write_marker(3))
    assert len([p for p in tmp_path.glob(f"{GENERATION_PREFIX}*") if p.is_dir()]) == 1


def test_a_working_folder_in_use_is_kept_and_removed_after(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    with store.work_folder() as folder:
        (folder / "segment").write_text("in use")
        store.write({}, docs(1), write_marker(1))  # collects what nobody uses
        assert (folder / "segment").exists()
    assert not folder.exists()


def test_no_snapshot_yet_is_none(tmp_path: Path) -> None:
    with SnapshotStore(tmp_path).open() as snapshot:
        assert snapshot is None


def test_a_pointer_to_nowhere_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "CURRENT").write_text("gen-missing")
    with pytest.raises(SnapshotError), SnapshotStore(tmp_path).open():
        pass
