"""A full disk mid-import: a clear error, the old content exactly, no second error (checklist 15).

The disk fills through SQLite's `max_page_count` (fixture `disk_limit` in conftest.py): writes
past it fail with SQLITE_FULL, the same error a full disk gives, at whichever statement of the
import needs the next page.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest
from storecheck import content, copy_store, load, revision, store_at

from msguide.errors import StorageError
from msguide.services import open_user_store
from msguide.store.db import Store
from msguide.store.importer import rollback

OLD, NEW = revision(300, 1), revision(300, 2)
FULL = "the disk is full, so the change was not saved; nothing was lost"


def page_count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("PRAGMA page_count").fetchone()[0])
    finally:
        connection.close()


def page_size(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("PRAGMA page_size").fetchone()[0])
    finally:
        connection.close()


def chain(error: BaseException | None) -> str:
    """Every message in an exception's chain of causes and contexts."""
    seen: list[str] = []
    while error is not None:
        seen.append(f"{type(error).__name__}: {error}")
        error = error.__cause__ or error.__context__
    return "\n".join(seen)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("disk-full")
    old = store_at(root / "old.sqlite", OLD)
    new = store_at(copy_store(old, root / "new.sqlite"), NEW)
    return {
        "old": old,
        "old_content": content(old),
        "new_content": content(new),
        "growth": page_count(new) - page_count(old),
    }


def failed_step(error: BaseException) -> str:
    """Where the disk filled: the innermost statement of the importer in the traceback."""
    where = "?"
    seen: BaseException | None = error
    while seen is not None:
        for frame, line in traceback.walk_tb(seen.__traceback__):
            if frame.f_code.co_filename.endswith(("importer.py", "backup.py")):
                where = f"{frame.f_code.co_name} line {line}"
        seen = seen.__cause__ or seen.__context__
    return where


def budgets(growth: int, page_size: int) -> list[int]:
    """Five page budgets, each meant for a different step of the import.

    The new revision's raw feed is stored first and takes most of the pages; then the old
    rows leave the full-text index, the items and their children are written and the index
    takes the new rows.
    """
    raw_pages = -(-len(NEW) // page_size)
    assert raw_pages + 8 < growth, (raw_pages, growth)
    return [0, raw_pages // 2, raw_pages + 2, (raw_pages + growth) // 2, growth - 2]


def test_full_disk_at_any_point_of_an_import_keeps_the_old_content(
    stores: dict[str, object],
    tmp_path: Path,
    disk_limit: Callable[[int], None],
) -> None:
    growth = stores["growth"]
    assert isinstance(growth, int) and growth > 20
    phases: dict[int, str] = {}
    for pages in budgets(growth, page_size(stores["old"])):  # type: ignore[arg-type]
        path = copy_store(stores["old"], tmp_path / f"store-{pages}.sqlite")  # type: ignore[arg-type]
        disk_limit(pages)
        with Store.open(path) as store:
            store.backup_folder = tmp_path / "backups"
            with pytest.raises(StorageError) as caught:
                load(store, NEW)
        phases[pages] = failed_step(caught.value)
        assert str(caught.value).startswith(FULL), pages
        assert "cannot rollback" not in chain(caught.value).lower(), pages
        disk_limit(10**9)
        assert content(path) == stores["old_content"], pages
        # Space freed: the same import now applies in full.
        with Store.open(path) as store:
            assert load(store, NEW).applied
        assert content(path) == stores["new_content"], pages
    print(f"disk full: the step that failed with each budget of pages: {phases}")
    # Five different moments, not five runs of one: the disk fills in different steps.
    assert len(set(phases.values())) >= 3, phases


def test_full_disk_during_a_rollback_keeps_the_current_content(
    stores: dict[str, object], tmp_path: Path, disk_limit: Callable[[int], None]
) -> None:
    path = copy_store(stores["old"], tmp_path / "store.sqlite")  # type: ignore[arg-type]
    with Store.open(path) as store:
        load(store, NEW)
    disk_limit(1)
    with Store.open(path) as store, pytest.raises(StorageError, match=FULL) as caught:
        rollback(store, "test-source", 1)
    assert "cannot rollback" not in chain(caught.value).lower()
    assert content(path) == stores["new_content"]


def test_command_line_import_on_a_full_disk_exits_5_in_one_line(
    stores: dict[str, object],
    tmp_path: Path,
    disk_limit: Callable[[int], None],
    cli,  # type: ignore[no-untyped-def]
) -> None:
    old_file, new_file = tmp_path / "v1.json", tmp_path / "v2.json"
    old_file.write_bytes(OLD)
    new_file.write_bytes(NEW)
    assert cli("import", str(old_file)).code == 0
    store_path = open_user_store().store.path
    before = content(store_path)
    disk_limit(5)
    result = cli("import", str(new_file))
    assert result.code == 5
    assert result.err.startswith(f"msguide: {FULL}") and result.err.count("\n") == 1
    as_json = cli("import", str(new_file), "--json")
    error = json.loads(as_json.out)["error"]
    assert as_json.code == 5 and error["code"] == "storage" and error["exit_code"] == 5
    disk_limit(10**9)
    assert content(store_path) == before


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs POSIX file-size limits")
@pytest.mark.parametrize("limit", [40_960, 400_000])
def test_a_real_failed_write_mid_import_exits_5_and_keeps_the_old_content(
    tmp_path: Path, limit: int
) -> None:
    """The operating system refuses a write (RLIMIT_FSIZE: the WAL, or the backup, cannot grow).

    Unlike max_page_count this fails inside SQLite's own file writes, so the backup before the
    import and the WAL append at commit meet the error where a real disk would give it.
    """
    home = tmp_path / "home"
    store = store_at(home / "data" / "msguide.sqlite", OLD)
    before = content(store)
    feed = tmp_path / "v2.json"
    feed.write_bytes(NEW)
    child = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from msguide.cli import main\n"
        f"sys.exit(main(['import', {str(feed)!r}]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child],
        env={**os.environ, "MSGUIDE_HOME": str(home), "MSGUIDE_POLICY": str(tmp_path / "none")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 5, done.stderr
    assert done.stderr.startswith("msguide: the store could not be written")
    assert done.stderr.count("\n") == 1 and "cannot rollback" not in done.stderr
    assert content(store) == before
